#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine to build, test and demo sandbox:
# the Debian packages the tool and its tests use, then the npm dependencies.
# Packages are installed before any throwaway systemd host boots (an overlay
# does not reliably show files added to its lower layer later).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
packages=(
  rpm attr util-linux procps iproute2 curl dbus systemd-container   # the tool at run time, and the test host
  apache2                                                          # the real service of the tests and the demo
  rpmlint man-db groff-base hyperfine                              # packaging checks, man page, benchmarks
  debootstrap qemu-system-x86 e2fsprogs zstd                       # the SELinux VM test (test/vm)
  gcc libc6-dev python3                                            # the Landlock helper (npm run build); its ABI in the escape test
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
npm ci --no-audit --no-fund
