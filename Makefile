# rumprun-rs entry points. On a fresh Debian 12 machine:
#   make run    set up, build the kernel and tools, bake and boot examples/hello
#   make test   every check CI runs
#
# Tools install into cargo's root ($CARGO_HOME, default ~/.cargo): bin/ gets
# rumprun, rumprun-cc, rumprun-c++; share/rumprun/ gets the kernel and the
# files rumprun-cc links into programs.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
CARGO_HOME ?= $(HOME)/.cargo
PREFIX ?= $(CARGO_HOME)
BINDIR := $(PREFIX)/bin
SHAREDIR := $(PREFIX)/share/rumprun
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
KERNEL := $(TARGET_DIR)/x86_64-unknown-none/release/rumprun-kernel
TOOLS := $(TARGET_DIR)/release
# The boot smoke test's limit, in seconds, under TCG on 2 cores.
SMOKE_TIMEOUT ?= 120

.PHONY: all setup setup-quiet kernel tools install run test lint doc unit conformance smoke e2e fuzz-net bench clean

all: kernel tools

setup:
	bash scripts/setup.sh

setup-quiet:
	bash scripts/setup.sh --quiet

kernel:
	$(CARGO) build --release -p rumprun-rs --bin rumprun-kernel --target x86_64-unknown-none

tools:
	$(CARGO) build --release -p toolchain

install: setup kernel
	$(CARGO) install --locked --path toolchain --root $(PREFIX)
	ln -sf rumprun-cc $(BINDIR)/rumprun-c++
	install -d $(SHAREDIR)
	install -m 0644 $(KERNEL) $(SHAREDIR)/rumprun-kernel
	$(BINDIR)/rumprun-cc --rumprun-install-support $(SHAREDIR)

run: install
	mkdir -p build
	$(BINDIR)/rumprun-cc -O2 -o build/hello examples/hello/hello.c
	$(BINDIR)/rumprun bake build/hello -o build/hello.img -e GREETING=hi -- world
	$(BINDIR)/rumprun run build/hello.img

test: setup-quiet kernel lint doc unit conformance smoke e2e fuzz-net

lint: kernel
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p rumprun-rs --target x86_64-unknown-none -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

unit:
	$(CARGO) test --workspace

conformance: kernel tools
	$(CARGO) run --release -p conformance-harness --bin conformance

# Boots examples/hello with the tools and kernel from this tree (no install)
# on microvm and q35 and checks the kernel's crash report (scripts/smoke.sh).
smoke: kernel tools
	bash scripts/smoke.sh $(TOOLS) $(KERNEL) $(SMOKE_TIMEOUT)

# End-to-end network tests across the virtual NIC (tests/e2e/, driven by the
# e2e binary of tests/harness): TCP echo with 200 connections and 256 MiB,
# 10,000 UDP datagrams, an HTTP fetch from the guest, DHCP and static
# configuration, a tap device in a network namespace three ways (checksum
# offload in use, --no-offload, the host's tx checksumming off; the guest's
# checksums and its rejection of bad ones checked from the host with
# python3). About 1-2 minutes (TCG).
e2e: kernel tools
	$(CARGO) run --release -p conformance-harness --bin e2e

# Fuzzes the network receive path for FUZZ_SECONDS (tests/netfuzz: seeded
# random and mutated frames into posix::net::inet::fuzz_receive; a panic
# prints the seed, the iteration and the frames). fuzz/ has the cargo-fuzz
# targets for nightly (`cargo +nightly fuzz run net_receive`).
FUZZ_SECONDS ?= 60
fuzz-net:
	$(CARGO) run --release -p netfuzz -- --seconds $(FUZZ_SECONDS)

# Side-by-side benchmarks: unikernel vs a Debian Linux guest vs the host,
# report in benches/reports/ (see benches/README.md). About 5-10 minutes.
# Then TCP throughput (unikernel over -p vs host loopback; on a tap device
# with checksum offload vs --no-offload) and the idle CPU of a listening
# unikernel: benches/reports/DATE-net.md.
bench: kernel tools
	python3 benches/run --no-build
	$(CARGO) run --release -p conformance-harness --bin e2e -- --bench

clean:
	$(CARGO) clean
	rm -rf build
