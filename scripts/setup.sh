#!/usr/bin/env bash
# Installs what building, running and testing rumprun-rs needs on a Debian 12
# (bookworm) machine: QEMU, gcc + musl, make, autoconf (rumprun-cc's
# configure test), ethtool and python3 (the e2e tap tests turn the tap
# device's transmit checksumming off and send raw frames), a deb-src entry (the ports tree fetches sources with
# `apt-get source`) and the Rust targets. Idempotent and non-interactive:
# it installs only what is missing and prints nothing when nothing is.
# Usage: scripts/setup.sh [--quiet]
set -euo pipefail

quiet=0
[[ ${1:-} == --quiet ]] && quiet=1
say() { if [[ $quiet == 0 ]]; then echo "setup: $*"; fi; }

export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "$0")/.."

sudo=()
if [[ $(id -u) != 0 ]]; then
	if command -v sudo >/dev/null; then sudo=(sudo -n); fi
fi

packages=(qemu-system-x86 musl-tools musl-dev gcc libc6-dev make autoconf dpkg-dev ca-certificates ethtool)
missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
# Any python3 will do (benches/run, the e2e raw frames): Debian's only if none is on PATH.
if ! command -v python3 >/dev/null; then missing+=(python3); fi

# deb-src: needed by the ports tree. Reuse the mirror of the first
# non-security deb entry, in either sources format.
need_update=0
srclist=/etc/apt/sources.list.d/rumprun-deb-src.list
if ! grep -rqsE '^[[:space:]]*deb-src[[:space:]]|^Types:.*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	codename=${codename:-bookworm}
	mirror=$(grep -hsE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | awk '{print $2; exit}' || true)
	if [[ -z $mirror ]]; then
		mirror=$(grep -hsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
			grep -v security | sed -E 's/\[[^]]*\]//' | awk '{print $2; exit}' || true)
	fi
	mirror=${mirror:-http://deb.debian.org/debian}
	# apt refuses two entries for one mirror with different keyrings, so
	# use the keyring the existing entry names, if any.
	opts=""
	keyring=$(grep -hsE '^[[:space:]]*Signed-By:' /etc/apt/sources.list.d/*.sources | awk '{print $2; exit}' || true)
	if [[ -z $keyring ]]; then
		keyring=$(grep -hsoE 'signed-by=[^] ]+' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | head -n1 | cut -d= -f2 || true)
	fi
	if [[ -n $keyring ]]; then opts="[signed-by=$keyring] "; fi
	say "adding deb-src $opts$mirror $codename main ($srclist)"
	echo "deb-src $opts$mirror $codename main" | "${sudo[@]}" tee "$srclist" >/dev/null
	need_update=1
fi

if ((${#missing[@]} > 0 || need_update)); then
	say "apt-get update"
	"${sudo[@]}" apt-get update -qq
fi
if ((${#missing[@]} > 0)); then
	say "installing ${missing[*]}"
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Rust: rust-toolchain.toml pins the channel, components and targets;
# rustup installs them on first use, this makes it happen now.
if command -v rustup >/dev/null; then
	installed=$(rustup target list --installed 2>/dev/null || true)
	for t in x86_64-unknown-none x86_64-unknown-linux-musl; do
		if ! grep -qx "$t" <<<"$installed"; then
			say "rustup target add $t"
			rustup target add "$t" >/dev/null
		fi
	done
	components=$(rustup component list --installed 2>/dev/null || true)
	for c in rustfmt clippy; do
		if ! grep -q "^$c" <<<"$components"; then
			say "rustup component add $c"
			rustup component add "$c" >/dev/null
		fi
	done
else
	echo "setup: rustup not found; install Rust with rustup first (https://rustup.rs)" >&2
	exit 1
fi
