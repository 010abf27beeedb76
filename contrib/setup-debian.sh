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
  diffutils                                                        # diff3: sandbox upgrade's merge (essential, listed to say so)
  apache2                                                          # the real service of the tests and the demo
  rpmlint man-db groff-base hyperfine time                         # packaging checks, man page, benchmarks (time: peak RSS)
  podman crun                                                      # the benchmark's peer (bench/podman.ts)
  debootstrap qemu-system-x86 e2fsprogs zstd                       # the SELinux VM test (test/vm)
  gcc libc6-dev python3                                            # the Landlock helper (npm run build); its ABI in the escape test
  # the real services of the zoo test (test/integration/zoo.test.ts) and its probes
  mariadb-server samba haproxy tinyproxy vsftpd php8.2-fpm postgresql postfix slapd bind9 squid cups openssh-server
  dnsutils smbclient libfcgi-bin netcat-openbsd ldap-utils
)
# The zoo's daemons must not start on this machine (policy-rc.d exit 101 tells
# maintainer scripts so), nor at the boot of a throwaway test host: they are
# disabled after install, and the zoo test starts each one from its sandbox.
zoo_units=(mariadb smbd nmbd samba-ad-dc haproxy tinyproxy vsftpd php8.2-fpm postgresql postfix slapd named squid cups ssh)
# postfix and slapd ask questions at install
debconf-set-selections <<'DEBCONF'
postfix postfix/main_mailer_type select Local only
postfix postfix/mailname string sandbox.test
slapd slapd/domain string sandbox.test
slapd shared/organization string sandbox
DEBCONF
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  policy=/usr/sbin/policy-rc.d
  [ -e "$policy" ] || { printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 755 "$policy"; }
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# podman's API socket is not used by the benchmark's `podman run`.
systemctl disable --no-reload "${zoo_units[@]/%/.service}" cups.socket cups.path podman.socket
npm ci --no-audit --no-fund
