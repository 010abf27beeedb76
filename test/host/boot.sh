#!/bin/sh
# Builds the root of a throwaway systemd test host and execs systemd in it.
# Runs as PID 1 of the namespaces that throwaway-host.ts has unshare create;
# that file says why each step is there. Every mount happens in our private
# mount namespace, and `mount -n` keeps libmount from creating /run/mount on
# the host's /run (plain `mount` does, even in a private namespace).
#
# usage: boot.sh NAME STAGE [-b DIR]... [-m UNIT]... [-s DIR]... [-i FILE:DEST]...
#   STAGE  an existing host directory; a tmpfs over it holds the overlay
#   -b DIR bind the host's DIR read-only at the same path inside
#   -m UNIT mask UNIT inside
#   -s DIR copy the host's DIR/. over the root before boot (state a
#          previous test host left, e.g. after a crash)
#   -i FILE:DEST  install the host's FILE at DEST in the root, as a package
#          would (the checkout's built Landlock helper)
set -eu
name=$1 stage=$2
shift 2

mount -n -t tmpfs -o mode=0755 testhost "$stage"
mkdir "$stage/upper" "$stage/work" "$stage/root"
root=$stage/root
mount -n -t overlay overlay -o "lowerdir=/,upperdir=$stage/upper,workdir=$stage/work" "$root"

mount -n -t proc proc "$root/proc"
for p in sys sysrq-trigger; do
  [ -e "$root/proc/$p" ] || continue
  mount -n --bind "$root/proc/$p" "$root/proc/$p"
  mount -n -o remount,bind,ro "$root/proc/$p"
done
mount -n -t sysfs -o ro sysfs "$root/sys"
mount -n -t cgroup2 cgroup2 "$root/sys/fs/cgroup"

mount -n -t tmpfs -o mode=0755,nosuid testhost-dev "$root/dev"
for n in null zero full random urandom tty net/tun fuse; do
  [ -e "/dev/$n" ] || continue
  mkdir -p "$(dirname "$root/dev/$n")"
  cp -a "/dev/$n" "$root/dev/$n"
done
for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2 ptmx:pts/ptmx; do
  ln -s "${l#*:}" "$root/dev/${l%%:*}"
done
mkdir "$root/dev/pts" "$root/dev/shm"
mount -n -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$root/dev/pts"

mount -n -t tmpfs -o mode=0755,nosuid,nodev testhost-run "$root/run"
mount -n -t tmpfs -o mode=1777,nosuid,nodev testhost-tmp "$root/tmp"

while [ $# -ge 2 ]; do
  case $1 in
    -b)
      mkdir -p "$root$2"
      mount -n --bind "$2" "$root$2"
      mount -n -o remount,bind,ro "$root$2"
      ;;
    -m) ln -sf /dev/null "$root/etc/systemd/system/$2" ;;
    # tar, not cp -a DIR/.: that gives / the seed directory's own mode (0700 from mktemp)
    -s) tar -C "$2" -cf - . | tar -C "$root" -xpf - --no-overwrite-dir ;;
    -i) install -D -m 0755 "${2%%:*}" "$root${2#*:}" ;;
    *) echo "boot.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[ $# -eq 0 ] || { echo "boot.sh: option $1 needs an argument" >&2; exit 2; }

# An identity of its own: journald starts a fresh journal instead of copying
# the host's journal files up into the overlay.
rm -f "$root/etc/machine-id"
tr -d '-' < /proc/sys/kernel/random/uuid > "$root/etc/machine-id"
echo "$name" > "$root/etc/hostname"

cd "$root"
pivot_root . .
umount -n -l .
cd /
exec setpriv --bounding-set=-sys_module,-sys_time,-syslog,-sys_rawio -- \
  /usr/bin/env -i container="$name" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /lib/systemd/systemd
