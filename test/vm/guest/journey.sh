#!/bin/bash
# The journey under enforcing SELinux, run inside the test VM by root's login
# shell on the serial console (unconfined_t, as an admin's shell is), with the
# sandbox RPM and its policy module installed. It records one line per check
# in $OUT/results ("ok NAME", "not ok NAME: why", "data KEY VALUE"), copies
# the audit log and doctor's report next to it. Then the login shell runs the
# agent the host's test drives (the escape corpus, then guest/finish.sh, which
# powers off); the host reads $OUT back out of the image and asserts
# (test/vm/selinux-vm.test.ts).
set -u
export HOME=/root LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin
OUT=/root/vmtest/out
mkdir -p "$OUT"
R=$OUT/results
: >"$R"

record() { echo "$*" >>"$R"; echo "vmtest: $*"; }
ok() { record "ok $1"; }
notok() { record "not ok $1: $(printf '%s' "$2" | tail -n 4 | tr '\n' ' ')"; }
data() { record "data $1 $2"; }
# check NAME COMMAND...: ok when COMMAND succeeds; otherwise its output says why
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else notok "$name" "$out"; fi
}
unit_of() { case $1 in web*) echo "apache2@$1.service" ;; *) echo "sbxdemo@$1.service" ;; esac; }
mainpid() { systemctl show -p MainPID --value "$1"; }
field() { sed -n "s/^$2=//p" "/etc/sandbox/$1.sandbox"; }

# A process in a sandbox's context, started by systemd as the sandbox's own
# service is (init_t → the container type), with PATH bound over /etc/hostname
# (a file) or /mnt (a directory) in its mount namespace (paths every host has;
# binding over them changes nothing outside): it runs CMD, and the unit's exit status and output say what
# the kernel allowed. A file is bound, not its directory: the container policy
# does not audit a denied search of a directory, and the test wants the AVC.
probe() {
	local name=$1 context=$2 path=$3 cmd=$4 unit=probe-$1.service target=/etc/hostname
	if [ -d "$path" ]; then target=/mnt; fi
	systemd-run --quiet --unit="$unit" -p Type=oneshot -p SELinuxContext="$context" \
		${path:+-p BindReadOnlyPaths="$path":$target} /bin/sh -c "$cmd" >/dev/null 2>&1
	journalctl --sync
	PROBE_STATUS=$(systemctl show -p ExecMainStatus --value "$unit")
	PROBE_OUTPUT=$(journalctl -u "$unit" -o cat --no-pager | grep -v -e '^Starting' -e '^Finished' -e 'Deactivated' -e 'Failed with' -e '^Failed to start')
	systemctl reset-failed "$unit" 2>/dev/null
	data "probe.$name" "status=$PROBE_STATUS output=$(printf '%s' "$PROBE_OUTPUT" | tr '\n' ' ')"
}

echo "vmtest: starting"
# Debian's policy gives no unconfined process execmem unless allow_execmem is on,
# and node (any JIT) needs it: what an admin on Debian does once (README).
setsebool allow_execmem on
data enforce "$(getenforce)"
check enforcing test "$(getenforce)" = Enforcing
sandbox doctor --json >"$OUT/doctor.json" 2>"$OUT/doctor.err"
data doctor.exit $?

# A label whose type the loaded policy does not have: refused before anything is written.
bad=$(sandbox create --security static,label=system_u:system_r:nosuch_t:s0:c5,c6 -u sbxdemo.service bad 2>&1)
data bad.exit $?
data bad.message "$(printf '%s' "$bad" | head -n 1)"
check bad.nothing-written test ! -e /var/lib/sandbox/bad -a ! -e /etc/sandbox/bad.sandbox -a ! -e /etc/systemd/system/sbxdemo@.service

# A policy without the container types (Debian's before its container module
# is built): lxc_contexts names a process type the loaded policy lacks. doctor
# fails with the fix; create refuses before writing anything (exit 5).
lxc=/etc/selinux/default/contexts/lxc_contexts
cp -a "$lxc" "$lxc.orig"
sed -i 's/container_t/nosuch_container_t/' "$lxc"
sandbox doctor --json >"$OUT/doctor-no-types.json" 2>&1
data doctor-no-types.exit $?
notypes=$(sandbox create -u sbxdemo.service notypes 2>&1)
data notypes.exit $?
data notypes.message "$(printf '%s' "$notypes" | head -n 1)"
check notypes.nothing-written test ! -e /var/lib/sandbox/notypes -a ! -e /etc/sandbox/notypes.sandbox
mv "$lxc.orig" "$lxc"

sandbox create -u apache2.service -p 8080:80 web1 >"$OUT/create.out" 2>"$OUT/create.err"
data create.web1.exit $?
data create.web1.stderr "$(tr '\n' ' ' <"$OUT/create.err")"
check create.web2 sandbox create -u apache2.service web2
for n in demo1 demo2; do check "create.$n" sandbox create -u sbxdemo.service "$n"; done
check create.static sandbox create --security static,label=system_u:system_r:container_t:s0:c700,c701 -u sbxdemo.service demo3

echo one >/var/lib/sandbox/web1/var/www/html/index.html
echo two >/var/lib/sandbox/web2/var/www/html/index.html
# demo1 logs three ways from inside its own unit (its private /run, its
# context): stdout/stderr (the stream systemd connected), syslog(3) through
# /dev/log, and the journal's stream protocol (systemd-cat); written as an
# admin would. The senders stay a while: journald names the unit from the
# sender's /proc/PID, which a process that has already exited no longer has
# (under the VM's load one such line once came without its unit).
mkdir -p /etc/systemd/system/sbxdemo@demo1.service.d
printf '%s\n' '[Service]' \
	"ExecStartPost=/bin/sh -c 'echo via-stdout; { echo via-syslog; sleep 2; } | logger -t sbxprobe; { echo via-native; sleep 2; } | systemd-cat -t sbxprobe'" \
	>/etc/systemd/system/sbxdemo@demo1.service.d/90-vmtest-logging.conf
systemctl daemon-reload
check start sandbox start web1 web2 demo1 demo2 demo3
for u in apache2@web1 apache2@web2 sbxdemo@demo1 sbxdemo@demo2 sbxdemo@demo3; do
	check "active.$u" test "$(systemctl is-active "$u.service")" = active
	# the default profile's NoNewPrivileges=yes holds together with the domain
	# transition: what the module's nnp_transition rule allows
	check "nnp.$u" grep -Eq '^NoNewPrivs:[[:space:]]+1$' "/proc/$(mainpid "$u.service")/status"
done

for n in web1 web2 demo1 demo2 demo3; do
	data "level.$n" "$(field "$n" label)"
	pid=$(mainpid "$(unit_of "$n")")
	data "process.$n" "$(ps -o label= -p "$pid")"
	check "process-label.$n" test "$(ps -o label= -p "$pid")" = "$(field "$n" processContext)"
	check "tree-label.$n" test "$(stat -c %C "/var/lib/sandbox/$n/var")" = "$(field "$n" fileContext)"
done
# labels: each running sandbox's level is seen on disk and on a process
sandbox labels --json >"$OUT/labels.json" 2>"$OUT/labels.err"
data labels.exit $?
check serves.web1 test "$(nsenter -t "$(mainpid apache2@web1.service)" -n curl -sS --max-time 10 http://127.0.0.1/)" = one
check serves.web2 test "$(nsenter -t "$(mainpid apache2@web2.service)" -n curl -sS --max-time 10 http://127.0.0.1/)" = two
for n in demo1 demo2 demo3; do check "demo-state.$n" grep -q '^started' "/var/lib/sandbox/$n/var/lib/sbxdemo/state"; done

# sandbox exec enters the sandbox in its own context (the helper sandbox-enter
# asks for it, under no_new_privs): the command's context is the sandbox's,
# its files are the tree's.
data exec.context "$(sandbox exec web1 -- cat /proc/self/attr/current | tr -d '\0')"
check exec.context test "$(sandbox exec web1 -- cat /proc/self/attr/current | tr -d '\0')" = "$(field web1 processContext)"
# The Landlock helper runs the start commands; this kernel's answer is in the journal.
data landlock.web1 "$(journalctl -u apache2@web1.service -o cat --no-pager | grep -m1 sandbox-landlock)"
# exec sees the sandbox's tree: the page written into web1's tree. This
# shell's stdin is the serial console, so exec gives the command a terminal of
# its own, which ends lines with CR LF.
data exec.tree "$(sandbox exec web1 -- cat /var/www/html/index.html 2>&1 | head -n 3 | tr -d '\r' | tr '\n' ' ')"
check exec.tree test "$(sandbox exec web1 -- cat /var/www/html/index.html | tr -d '\r')" = one
# Without a terminal (stdin not one), exec relays the command's stdin, stdout
# and stderr through sockets made in the sandbox's own context: this shell's
# pipes are at the admin's whole MCS range, which the sandbox's level may not use.
data exec.pipe "$(sandbox exec web1 -- cat /var/www/html/index.html </dev/null 2>&1 | head -n 3 | tr '\n' ' ')"
check exec.pipe.out test "$(sandbox exec web1 -- cat /var/www/html/index.html </dev/null)" = one
check exec.pipe.in test "$(printf 'piped in' | sandbox exec web1 -- cat)" = 'piped in'
check exec.pipe.err test "$(sandbox exec web1 -- sh -c 'echo to-stderr >&2' </dev/null 2>&1 >/dev/null)" = to-stderr
check exec.pipe.exit sh -c 'sandbox exec web1 -- sh -c "exit 7" </dev/null; test $? = 7'
check exec.pipe.context test "$(sandbox exec web1 -- cat /proc/self/attr/current </dev/null | tr -d '\0')" = "$(field web1 processContext)"
# --user: the sandbox's getent runs first as nobody in the sandbox's context, then the command as that user.
data exec.user "$(sandbox exec --user www-data web1 -- id </dev/null 2>&1)"
check exec.user test "$(sandbox exec --user www-data web1 -- id -u </dev/null)" = "$(id -u www-data)"
# web1's port 80, published on the VM's port 8080: systemd listens in the
# VM's network namespace, systemd-socket-proxyd forwards into web1's, in the
# type the policy gives the proxy.
check publish.serves test "$(curl -sS --max-time 10 http://127.0.0.1:8080/)" = one
data publish.proxy "$(ps -eo label=,comm= | grep systemd-socket- | head -n 1)"
check publish.proxy-label sh -c 'ps -eo label=,comm= | grep -q "^system_u:system_r:systemd_socket_proxyd_t:s0 systemd-socket-"'
# Limits under a real PID 1 (the throwaway host has no controllers to enforce
# them): set applies them to the running unit's cgroup at once, and with
# tasks=5 a command entered into the sandbox cannot fork a sixth task.
check set.limits sandbox set demo2 memory=64M tasks=5
cg=/sys/fs/cgroup$(systemctl show -p ControlGroup --value sbxdemo@demo2.service)
data limits.memory.max "$(cat "$cg/memory.max")"
check limits.memory-max test "$(cat "$cg/memory.max")" = 67108864
check limits.pids-max test "$(cat "$cg/pids.max")" = 5
forks=$(sandbox exec demo2 -- sh -c 'for i in 1 2 3 4 5 6; do sleep 30 & done' 2>&1)
data limits.forks "$(printf '%s' "$forks" | tr '\n' ' ')"
data limits.pids.current "$(cat "$cg/pids.current")"
check limits.sixth-task-refused sh -c 'printf "%s" "$1" | grep -qi "fork\|resource temporarily unavailable"' sh "$forks"
check set.lift sandbox set demo2 memory=none tasks=none
check static-level test "$(field demo3 label)" = s0:c700,c701

# MCS: A's context against B's tree is denied; against its own tree, /usr and /etc it is not.
web1=$(field web1 processContext)
demo1=$(field demo1 processContext)
probe web1-reads-web2 "$web1" /var/lib/sandbox/web2/etc/apache2/apache2.conf 'cat /etc/hostname >/dev/null'
check denied.web1-reads-web2 test "$PROBE_STATUS" = 1 -a -n "$(printf '%s' "$PROBE_OUTPUT" | grep 'Permission denied')"
probe web1-lists-web2 "$web1" /var/lib/sandbox/web2/etc/apache2 'ls /mnt >/dev/null'
check denied.web1-lists-web2 test "$PROBE_STATUS" = 2 -a -n "$(printf '%s' "$PROBE_OUTPUT" | grep 'Permission denied')"
probe web1-reads-own "$web1" /var/lib/sandbox/web1/etc/apache2/apache2.conf 'cat /etc/hostname >/dev/null && ls /etc/apache2 >/dev/null'
check allowed.web1-reads-own test "$PROBE_STATUS" = 0
probe web1-reads-usr "$web1" '' 'cat /usr/share/apache2/default-site/index.html /etc/os-release >/dev/null'
check allowed.web1-reads-usr-etc test "$PROBE_STATUS" = 0
probe demo1-reads-demo3 "$demo1" /var/lib/sandbox/demo3/var/lib/sbxdemo/seed 'cat /etc/hostname >/dev/null'
check denied.demo1-reads-demo3 test "$PROBE_STATUS" = 1 -a -n "$(printf '%s' "$PROBE_OUTPUT" | grep 'Permission denied')"

# What demo1 logged from inside its unit reached the journal, under its unit,
# and sandbox logs shows it.
journalctl --sync
in_unit() { journalctl _SYSTEMD_UNIT=sbxdemo@demo1.service -o cat --no-pager | grep -qx "$1"; }
check journal.stdout in_unit via-stdout
check journal.syslog in_unit via-syslog
check journal.native in_unit via-native
check logs sh -c 'sandbox logs demo1 -n 50 | grep -q via-syslog'

# The private /run is container_file_t (the module's file context), and
# restorecon over the trees leaves each sandbox's own level alone.
check run-label test "$(stat -c %C /run/sandbox/web1 | cut -d: -f3)" = container_file_t
restorecon -R /var/lib/sandbox /run/sandbox
for n in web1 demo1; do
	check "restorecon-keeps.$n" test "$(stat -c %C "/var/lib/sandbox/$n/var")" = "$(field "$n" fileContext)"
done

# Reload propagation under enforcing: the host services are reloaded; the
# running sandboxes reload with them, the stopped ones stay stopped.
reloads() { grep -c '^reloaded' "/var/lib/sandbox/$1/var/log/sbxdemo/sbxdemo.log"; }
apache_reloads() { journalctl -u "apache2@$1.service" -o cat --no-pager | grep -c '^Reloaded'; }
check stop.stopped-ones sandbox stop web2 demo2
check host-apache-active test "$(systemctl is-active apache2.service)" = active
before_demo1=$(reloads demo1)
before_web1=$(apache_reloads web1)
web1_pid=$(mainpid apache2@web1.service)
check reload systemctl reload apache2.service
# the host's own sbxdemo.service is not running: systemd says so (exit 1) and still reloads the sandboxes
systemctl reload sbxdemo.service >"$OUT/reload-inactive.out" 2>&1
data reload.inactive-host.exit $?
# The reloads are asynchronous (a signal to each service, which logs it): wait
# for them, up to 30 s (the VM is slow under load), then 2 s more, so that a
# second, unwanted reload would still be counted.
for i in $(seq 60); do
	journalctl --sync
	[ "$(reloads demo1)" -gt "$before_demo1" ] && [ "$(apache_reloads web1)" -gt "$before_web1" ] && break
	sleep 0.5
done
sleep 2
journalctl --sync
data reload.demo1 "$before_demo1 -> $(reloads demo1)"
data reload.web1 "$before_web1 -> $(apache_reloads web1)"
check reload.running-demo1 test "$(reloads demo1)" -eq $((before_demo1 + 1))
check reload.running-web1 test "$(apache_reloads web1)" -eq $((before_web1 + 1))
check reload.active test "$(systemctl is-active apache2@web1.service)" = active -a "$(mainpid apache2@web1.service)" = "$web1_pid"
check reload.stopped-stay-stopped test "$(systemctl is-active apache2@web2.service)/$(systemctl is-active sbxdemo@demo2.service)" = inactive/inactive
check reload.stopped-not-reloaded test "$(reloads demo2)" -eq 0
check stop sandbox stop demo3
check delete sandbox delete demo3
check delete.gone test ! -e /var/lib/sandbox/demo3
journalctl -o short --no-pager -u 'apache2@*' -u 'sbxdemo@*' >"$OUT/services.log" 2>&1

cp /var/log/audit/audit.log "$OUT/audit.log"
data audit.copy $?

# The host's test now drives the VM through guest/agent.mjs (the escape
# corpus), then runs guest/finish.sh, which erases the package and powers off.
ok journey-done
