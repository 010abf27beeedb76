#!/usr/bin/env bash
# Builds the Debian 12 disk image of the SELinux VM test (test/vm/): SELinux
# enforcing with Debian's policy, the container module built from Debian's
# policy sources, apache2, the sandbox RPM (whose %post installs the sandbox
# policy module), the sbxdemo fixture RPM and the escape corpus's sbxescape
# RPM, Node.js from this host, the journey (guest/journey.sh) run by root's
# login on the serial console, then the agent the host's test drives
# (guest/agent.mjs, on the virtio port org.sandbox.agent).
#   build-image.sh OUTDIR SANDBOX_RPM FIXTURE_RPM ESCAPE_RPM
# Writes OUTDIR/vm.img, OUTDIR/vmlinuz, OUTDIR/initrd.img. Needs root,
# debootstrap, mkfs.ext4 and the network to Debian's mirror.
#   VM_CACHE=DIR  keep the debootstrapped base system there between runs
#   VM_MIRROR=URL the Debian mirror (default http://deb.debian.org/debian)
set -euo pipefail
out=$(realpath -m "$1")
rpm_file=$(realpath "$2")
fixture_file=$(realpath "$3")
escape_file=$(realpath "$4")
here=$(cd "$(dirname "$0")" && pwd)
root=$out/root
mirror=${VM_MIRROR:-http://deb.debian.org/debian}
policy=default

# The SELinux userland and policy, the policy sources and tools to build the
# container module, what the journey runs (apache2, rpm, curl, attr, the
# audit log), and what the node binary links against.
packages=systemd-sysv,udev,kmod,linux-image-amd64,initramfs-tools,e2fsprogs,procps,dbus,libpam-systemd
packages+=,selinux-policy-default,selinux-utils,policycoreutils,auditd,setools
packages+=,selinux-policy-dev,selinux-policy-src,make,m4,checkpolicy
packages+=,apache2,rpm,curl,attr,util-linux,libstdc++6,iproute2

step() { echo "build-image: $*" >&2; }

rm -rf "$out"
mkdir -p "$out"
key=$(echo "bookworm $mirror $packages" | sha256sum | cut -c1-16)
cached=${VM_CACHE:+$VM_CACHE/base-$key.tar}
if [[ -n $cached && -f $cached ]]; then
	step "base system from $cached"
	mkdir -p "$root"
	tar --xattrs --xattrs-include='*' -C "$root" -xf "$cached"
else
	step "debootstrap bookworm ($mirror)"
	# A second try: a mirror's hiccup should not fail the test.
	for try in 1 2; do
		if debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >"$out/debootstrap.log" 2>&1; then break; fi
		tail -n 30 "$out/debootstrap.log" >&2
		[[ $try == 2 ]] && exit 1
		step "debootstrap failed; trying again"
		rm -rf "$root"
	done
	if [[ -n $cached ]]; then
		mkdir -p "$VM_CACHE"
		tar --xattrs --xattrs-include='*' -C "$root" -cf "$cached.part" . && mv "$cached.part" "$cached"
	fi
fi

# A command in the image's root, with its own /proc (setfiles needs one) in a
# private mount namespace, so nothing stays mounted after it.
in_root() {
	unshare -m -- sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$root" \
		/usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C "$@"
}

step "building and installing the container policy module"
mkdir -p "$root/root/container-module"
tar -C "$root/root/container-module" --zstd -xf "$root/usr/src/selinux-policy-src.tar.zst" \
	--strip-components=4 selinux-policy-src/policy/modules/services/container.te selinux-policy-src/policy/modules/services/container.fc
in_root sh -c 'cd /root/container-module && make -s -f /usr/share/selinux/devel/Makefile container.pp && semodule -i container.pp'
# What the README tells a Debian admin to do once: node (the tool, also at boot
# in sandbox-recover.service) needs executable memory, which Debian's policy
# gives no domain unless allow_execmem is on, persistently.
in_root setsebool -N -P allow_execmem 1

step "installing node, the sandbox RPM (its %post loads the sandbox module) and the fixture RPM"
install -m 0755 "$(command -v node)" "$root/usr/bin/node"
cp "$rpm_file" "$fixture_file" "$escape_file" "$root/root/"
in_root rpm -i --nodeps "/root/$(basename "$rpm_file")"
in_root rpm -i --nodeps "/root/$(basename "$fixture_file")"
in_root rpm -i --nodeps "/root/$(basename "$escape_file")"
in_root semodule -l | grep -qx sandbox_units || { echo "build-image: the RPM's %post did not load the sandbox module" >&2; exit 1; }

step "enforcing SELinux, root's login on ttyS0 runs the journey"
sed -i 's/^SELINUX=.*/SELINUX=enforcing/' "$root/etc/selinux/config"
echo vmtest >"$root/etc/hostname"
mkdir -p "$root/root/vmtest" "$root/etc/systemd/system/serial-getty@ttyS0.service.d"
install -m 0755 "$here/guest/journey.sh" "$here/guest/finish.sh" "$root/root/vmtest/"
install -m 0644 "$here/guest/agent.mjs" "$root/root/vmtest/agent.mjs"
cat >"$root/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200 %I linux
EOF
cat >"$root/root/.bash_profile" <<'EOF'
if [ ! -e /root/vmtest/out/results ]; then /root/vmtest/journey.sh; exec node /root/vmtest/agent.mjs; fi
EOF
# Nothing the journey does not need at boot.
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
	ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

step "labelling the files"
in_root setfiles -F -e /proc -c /etc/selinux/$policy/policy/policy.33 /etc/selinux/$policy/contexts/files/file_contexts /

step "making the disk image"
cp "$root"/boot/vmlinuz-* "$out/vmlinuz"
cp "$root"/boot/initrd.img-* "$out/initrd.img"
mkfs.ext4 -q -F -L vmroot -d "$root" "$out/vm.img" 4G
rm -rf "$root"
step "done: $out/vm.img"
