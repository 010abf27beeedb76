#!/bin/bash
# The end of the VM's journey, run by the host's test through the agent once
# the escape corpus is done: every sandbox is deleted, erasing the package
# removes its policy module (the RPM's %postun), and the VM powers off.
set -u
export HOME=/root LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin
OUT=/root/vmtest/out
R=$OUT/results
record() { echo "$*" >>"$R"; }
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then record "ok $name"; else record "not ok $name: $(printf '%s' "$out" | tail -n 4 | tr '\n' ' ')"; fi
}
# Kept as evidence: the corpus's own denials (each a probe the policy stopped).
cp /var/log/audit/audit.log "$OUT/audit-corpus.log"
# The corpus's sandboxes that are left (the escape test deletes what it can).
for n in esc1 esc2 mover pidf ntf kmode; do
	[ -e "/etc/sandbox/$n.sandbox" ] && sandbox delete --force "$n" >/dev/null 2>&1
done
check delete.all sandbox delete --force web1 web2 demo1 demo2
check rpm-erase rpm -e sandbox
check module-removed sh -c '! semodule -l | grep -qx sandbox_units'
record done
sync
systemctl poweroff
