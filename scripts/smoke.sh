#!/usr/bin/env bash
# Boot smoke test: bakes examples/hello with this tree's tools and kernel,
# boots it on both QEMU machine types (microvm, q35) and checks output and
# exit status, that each finds its virtio-net card, that filling both tmpfs
# mounts gives ENOSPC rather than a kernel stop (tests/smoke/fill_tmpfs.c),
# then checks the kernel's crash report (a deliberate ring-0 page fault:
# register dump, symbolised backtrace, status 125).
# Usage: scripts/smoke.sh TOOLS_DIR KERNEL TIMEOUT_SECS
set -uo pipefail
tools=$1 kernel=$2 timeout=$3
mkdir -p build
"$tools/rumprun-cc" -O2 -o build/hello examples/hello/hello.c || exit 1
"$tools/rumprun" bake build/hello -o build/hello.img --kernel "$kernel" -e GREETING=hi -- world || exit 1
passed=0 failed=0
check() { # name, expected status, command output, status, grep pattern...
	local name=$1 want=$2 out=$3 st=$4; shift 4
	local ok=1
	[[ $st == "$want" ]] || { echo "smoke: $name: status $st, expected $want"; ok=0; }
	for pat in "$@"; do
		grep -q -- "$pat" <<<"$out" || { echo "smoke: $name: output lacks '$pat'"; ok=0; }
	done
	if ((ok)); then echo "PASS $name"; passed=$((passed + 1)); else echo "$out"; echo "FAIL $name"; failed=$((failed + 1)); fi
}
for m in microvm q35; do
	st=0; out=$("$tools/rumprun" run --machine "$m" --timeout "$timeout" build/hello.img </dev/null 2>&1) || st=$?
	check "hello on $m" 0 "$out" "$st" 'hi, world!'
done
# The NIC: found on both machines (virtio-mmio on microvm, virtio-pci on
# q35) with its interrupt routed; --debug prints the kernel's one net line.
for m in microvm q35; do
	bus=mmio; [[ $m == q35 ]] && bus=pci
	st=0; out=$("$tools/rumprun" run --net user --debug --machine "$m" --timeout "$timeout" build/hello.img </dev/null 2>&1) || st=$?
	check "NIC on $m" 0 "$out" "$st" "net: virtio-net on $bus " 'vector 33' 'hi, world!'
done
# A full kernel heap is a full filesystem, not a kernel stop: fill /tmp and
# /dev/shm in 64 MiB (more than the heap can grow to), twice.
"$tools/rumprun-cc" -O2 -o build/fill_tmpfs tests/smoke/fill_tmpfs.c || exit 1
"$tools/rumprun" bake build/fill_tmpfs -o build/fill_tmpfs.img --kernel "$kernel" -m 64M || exit 1
st=0; out=$("$tools/rumprun" run --net none --timeout "$timeout" build/fill_tmpfs.img </dev/null 2>&1) || st=$?
check "tmpfs full in 64 MiB" 0 "$out" "$st" 'round 2: ' 'fill_tmpfs: ok'
st=0; out=$("$tools/rumprun" run --kernel-crash-test --timeout "$timeout" build/hello.img </dev/null 2>&1) || st=$?
check "kernel crash report" 125 "$out" "$st" 'KERNEL FAULT: page fault' 'cr2 ' 'backtrace:' 'crash_test'
echo "$passed passed, $failed failed"
((failed == 0))
