/*
 * sandbox-enter: runs one command inside a running sandbox for sandbox exec
 * and sandbox shell (src/enter/plan.ts builds its command line).
 *
 * Why a program of its own: whatever runs after the process enters the
 * sandbox's mount namespace is looked up in the sandbox's view, which a
 * sandbox that keeps CAP_SYS_ADMIN (the trusted profile) can mount over. So
 * this program, started from the host's /usr, does everything that needs
 * the host's privileges while it is still nothing but itself, and its first
 * exec inside is the command, already as weak as the sandbox's own service:
 *
 *   0. closes every descriptor but stdin, stdout and stderr (an admin's
 *      shell may hold a host directory open: a command holding it would
 *      reach the host's files);
 *   1. opens the main process's namespaces through a pidfd, and checks that
 *      the process is in the unit's cgroup and alive after the opens (a PID
 *      reused since the caller looked is never entered);
 *   2. asks for the sandbox's SELinux context at its next exec (--context);
 *   3. enters the network, IPC, UTS and mount namespaces, then the main
 *      process's user namespace when it has one of its own (PrivateUsers=,
 *      or one it made): its capabilities then count there only;
 *   4. keeps at most the main process's capability bounding set within the
 *      unit's (--bounding: the process may have made a user namespace in
 *      which its own set is full again), no inheritable or ambient
 *      capabilities, sets no_new_privs and enters a Landlock domain of its
 *      own (not scoping signals: an admin's kill -HUP must reach the service);
 *   5. moves itself into the unit's cgroup (stop and delete end the command
 *      too), only now, so that nothing of the sandbox ever sees a process of
 *      its cgroup with more than that;
 *   6. takes the given uid, gid and groups (--user; the caller resolves the
 *      name inside the sandbox without privileges: nothing here reads the
 *      sandbox's NSS configuration or loads its modules), or root's own,
 *      the unit's umask and a session keyring of its own;
 *   7. refuses new namespaces to it (a seccomp filter), and execs it.
 * Until the exec it is not dumpable, so nothing in the sandbox can ptrace it
 * or read its memory while it holds the host's capabilities.
 *
 * Not given to the command: the unit's own seccomp filter (SystemCallFilter=,
 * RestrictAddressFamilies=, ...), its resource limits and its nice level; a
 * filter of its own refuses new namespaces and other ABIs (deny_namespaces).
 * The bounding set, no_new_privs, Landlock and the SELinux label hold it.
 *
 * usage: sandbox-enter --target PID --cgroup-procs PATH [--bounding HEX]
 *                      [--umask OCTAL] [--context CONTEXT]
 *                      [--user UID:GID[:GROUP,...]] [--] PROGRAM [ARG...]
 * Exit: PROGRAM's; 127 when it cannot be run; 125 when the sandbox cannot be
 * entered; 2 on a usage error. Each failure is one line on stderr.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include "landlock.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#ifndef __NR_keyctl
#define __NR_keyctl SYS_keyctl
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

#define ENTER_FAILED 125
#define MAX_GROUPS 256

static const char *self = "sandbox-enter";

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "%s: %s%s%s\n", self, what, detail ? ": " : "", detail ? detail : "");
	return ENTER_FAILED;
}

static int usage(const char *why)
{
	fprintf(stderr, "%s: %s\nusage: %s --target PID --cgroup-procs PATH [--bounding HEX] [--umask OCTAL] [--context CONTEXT] [--user UID:GID[:GROUP,...]] [--] PROGRAM [ARG...]\n",
		self, why, self);
	return 2;
}

/* A decimal number in [0, max], the whole of s up to end (NULL: the whole string). */
static int number(const char *s, char **end, unsigned long max, unsigned long *out)
{
	char *e;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &e, 10);
	if (errno || v > max || (end ? 0 : *e != '\0'))
		return -1;
	if (end)
		*end = e;
	*out = v;
	return 0;
}

struct user {
	int set;
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t groups[MAX_GROUPS];
};

/* UID:GID[:GROUP,...] */
static int parse_user(const char *s, struct user *u)
{
	char *e;
	unsigned long v;
	if (number(s, &e, UINT_MAX - 1, &v) || *e != ':')
		return -1;
	u->uid = (uid_t)v;
	if (number(e + 1, &e, UINT_MAX - 1, &v))
		return -1;
	u->gid = (gid_t)v;
	u->ngroups = 0;
	if (*e == ':')
		do {
			if (u->ngroups == MAX_GROUPS || number(e + 1, &e, UINT_MAX - 1, &v))
				return -1;
			u->groups[u->ngroups++] = (gid_t)v;
		} while (*e == ',');
	if (*e != '\0')
		return -1;
	u->set = 1;
	return 0;
}

/* Reads a small file through dirfd into buf (NUL-terminated); -1 on error. */
static ssize_t read_small(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			buf[got] = '\0';
			return n < 0 ? -1 : (ssize_t)got;
		}
		got += (size_t)n;
		if (got == size - 1) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
	}
}

/* Is pid a line of the cgroup.procs at path? */
static int in_cgroup(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char line[32];
	int found = 0;
	while (!found && fgets(line, sizeof line, f))
		found = atol(line) == (long)pid;
	fclose(f);
	return found;
}

/* Every descriptor above stderr closed; through the host's /proc where close_range(2) is missing (Linux < 5.9). */
static int close_inherited(void)
{
	if (syscall(__NR_close_range, 3U, ~0U, 0U) == 0)
		return 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	int self_fd = dirfd(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (fd > 2 && fd != self_fd)
			close(fd);
	}
	closedir(d);
	return 0;
}

/*
 * In a user namespace whose setgroups is "deny" (unshare --map-group, and
 * any one made without CAP_SETGID above it) no one may set groups: going on
 * is right only when the groups it has are none but gid or those asked for.
 */
static int no_other_groups(gid_t gid, const struct user *u)
{
	gid_t have[MAX_GROUPS];
	int n = getgroups(MAX_GROUPS, have);
	if (n < 0)
		return 0;
	for (int k = 0; k < n; k++) {
		int wanted = have[k] == gid;
		for (size_t w = 0; u->set && w < u->ngroups; w++)
			wanted |= have[k] == u->groups[w];
		if (!wanted)
			return 0;
	}
	return 1;
}

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "sandbox-enter: no seccomp architecture for this machine"
#endif
#define X32_SYSCALL_BIT 0x40000000U
#define NEW_NAMESPACE_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | 0x80U /* CLONE_NEWTIME */)
#define TO(from, to) ((to) - (from) - 1)

/*
 * A seccomp filter that refuses new namespaces (unshare, setns, clone with a
 * CLONE_NEW* flag; clone3, whose flags a filter cannot read, answers ENOSYS
 * and glibc falls back to clone) and every system call of another ABI
 * (i386, x32). The unit's own filter is not given to the command; this keeps
 * the kernel's namespace code, the largest part of what an unprivileged user
 * namespace opens, out of its reach whatever the profile.
 */
static int deny_namespaces(void)
{
	enum { ALLOW = 10, DENY = 11, NOSYS = 12 };
	struct sock_filter f[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0, TO(1, DENY)),
		/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, TO(3, DENY), 0),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, TO(4, DENY), 0),
		/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_setns, TO(5, DENY), 0),
		/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, TO(6, NOSYS), 0),
		/* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, TO(7, ALLOW)),
		/* 8: the flags, clone's first argument (its low half) */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		/* 9 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NEW_NAMESPACE_FLAGS, TO(9, DENY), TO(9, ALLOW)),
		[ALLOW] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		[DENY] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		[NOSYS] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	};
	struct sock_fprog prog = { .len = sizeof f / sizeof f[0], .filter = f };
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* Are the two namespace descriptors the same namespace? */
static int same_ns(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static const struct {
	const char *name;
	int type;
} namespaces[] = {
	/* The mount namespace last: after it, paths are the sandbox's. */
	{ "net", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC },
	{ "uts", CLONE_NEWUTS },
	{ "mnt", CLONE_NEWNS },
};
#define NNS (sizeof namespaces / sizeof namespaces[0])

int main(int argc, char **argv)
{
	/* 0. Before anything: nothing of the caller's but stdin, stdout and stderr goes any further. */
	if (close_inherited() < 0)
		return fail("cannot close inherited descriptors", strerror(errno));

	unsigned long pid = 0, umask_value = 022;
	unsigned long long unit_bounding = ~0ULL;
	const char *cgroup_procs = NULL, *context = NULL;
	static struct user user;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--") == 0) {
			i++;
			break;
		}
		if (i + 1 >= argc)
			return usage("an option needs a value");
		const char *value = argv[++i];
		char *end;
		if (strcmp(opt, "--target") == 0) {
			if (number(value, NULL, INT_MAX, &pid) || pid < 2)
				return usage("--target needs a process id");
		} else if (strcmp(opt, "--cgroup-procs") == 0) {
			cgroup_procs = value;
		} else if (strcmp(opt, "--bounding") == 0) {
			errno = 0;
			unit_bounding = strtoull(value, &end, 16);
			if (errno || !*value || *end)
				return usage("--bounding needs a hexadecimal capability mask");
		} else if (strcmp(opt, "--umask") == 0) {
			errno = 0;
			umask_value = strtoul(value, &end, 8);
			if (errno || !*value || *end || umask_value > 0777)
				return usage("--umask needs an octal mode");
		} else if (strcmp(opt, "--context") == 0) {
			if (!*value)
				return usage("--context needs a context");
			context = value;
		} else if (strcmp(opt, "--user") == 0) {
			if (parse_user(value, &user))
				return usage("--user needs UID:GID[:GROUP,...]");
		} else {
			fprintf(stderr, "%s: unknown option %s\n", self, opt);
			return 2;
		}
	}
	if (!pid || !cgroup_procs || i >= argc)
		return usage("--target, --cgroup-procs and a program are needed");

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return fail("cannot make itself undumpable", strerror(errno));

	/* 1. The process, its namespaces and bounding set, its cgroup; then that it is still the same process. */
	int pidfd = (int)syscall(__NR_pidfd_open, (pid_t)pid, 0);
	if (pidfd < 0)
		return fail("the sandbox's main process is gone", strerror(errno));
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%lu", pid);
	int procfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return fail("the sandbox's main process is gone", strerror(errno));
	int nsfd[NNS];
	for (size_t n = 0; n < NNS; n++) {
		char name[16];
		snprintf(name, sizeof name, "ns/%s", namespaces[n].name);
		nsfd[n] = openat(procfd, name, O_RDONLY | O_CLOEXEC);
		if (nsfd[n] < 0)
			return fail("cannot open the sandbox's namespaces", strerror(errno));
	}
	int userns = openat(procfd, "ns/user", O_RDONLY | O_CLOEXEC);
	int own_userns = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	if (userns < 0 || own_userns < 0)
		return fail("cannot open the user namespaces", strerror(errno));
	int enter_userns = !same_ns(userns, own_userns);
	close(own_userns);
	char status[8192];
	if (read_small(procfd, "status", status, sizeof status) < 0)
		return fail("cannot read the sandbox's main process status", strerror(errno));
	const char *bnd = strstr(status, "\nCapBnd:");
	if (!bnd)
		return fail("the sandbox's main process has no capability bounding set in its status", NULL);
	unsigned long long capbnd = strtoull(bnd + 8, NULL, 16) & unit_bounding;
	char last_cap_text[16];
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	unsigned long last_cap;
	if (rootfd < 0 || read_small(rootfd, "proc/sys/kernel/cap_last_cap", last_cap_text, sizeof last_cap_text) < 0 ||
	    (last_cap_text[strcspn(last_cap_text, "\n")] = '\0', number(last_cap_text, NULL, 63, &last_cap)))
		return fail("cannot read /proc/sys/kernel/cap_last_cap", strerror(errno));
	close(rootfd);
	int cgfd = open(cgroup_procs, O_WRONLY | O_CLOEXEC);
	if (cgfd < 0)
		return fail("cannot open the sandbox's cgroup", strerror(errno));
	if (!in_cgroup(cgroup_procs, (pid_t)pid))
		return fail("the main process is not in the sandbox unit's cgroup; not entering it", NULL);
	if (syscall(__NR_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
		return fail("the sandbox's main process is gone", strerror(errno));
	close(pidfd);
	close(procfd);

	/* 2. The context of the next exec, written through the host's /proc. */
	if (context) {
		int fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, context, strlen(context)) != (ssize_t)strlen(context))
			return fail("cannot set the SELinux context for the command", strerror(errno));
		close(fd);
	}

	/* 3. The namespaces; the user namespace last (entering it gives up the host's capabilities). */
	for (size_t n = 0; n < NNS; n++) {
		if (setns(nsfd[n], namespaces[n].type) < 0)
			return fail("cannot enter the sandbox's namespaces", strerror(errno));
		close(nsfd[n]);
	}
	if (enter_userns && setns(userns, CLONE_NEWUSER) < 0)
		return fail("cannot enter the sandbox's user namespace", strerror(errno));
	close(userns);
	if (chdir("/") < 0)
		return fail("cannot change to the sandbox's /", strerror(errno));

	/* 4. Capabilities, no_new_privs, Landlock. */
	for (unsigned long cap = 0; cap <= last_cap; cap++)
		if (!(capbnd >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return fail("cannot narrow the capability bounding set", strerror(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return fail("cannot clear the ambient capabilities", strerror(errno));
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct caps[2];
	if (syscall(SYS_capget, &head, caps) < 0)
		return fail("cannot read its capabilities", strerror(errno));
	caps[0].inheritable = caps[1].inheritable = 0;
	if (syscall(SYS_capset, &head, caps) < 0)
		return fail("cannot clear the inheritable capabilities", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail("cannot set no_new_privs", strerror(errno));
	landlock_enter(self, 0);

	/* 5. The cgroup. */
	char me[24];
	int len = snprintf(me, sizeof me, "%d\n", (int)getpid());
	if (write(cgfd, me, (size_t)len) != len)
		return fail("cannot join the sandbox's cgroup", strerror(errno));
	close(cgfd);

	/* 6. The user (root keeps no group of the caller's), the umask, a session keyring of its own (as KeyringMode=private). */
	uid_t uid = user.set ? user.uid : 0;
	gid_t gid = user.set ? user.gid : 0;
	if (setgroups(user.set ? user.ngroups : 0, user.groups) < 0 && !(errno == EPERM && enter_userns && no_other_groups(gid, &user)))
		return fail("cannot set the user's groups", strerror(errno));
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return fail("cannot switch to the user", strerror(errno));
	umask((mode_t)umask_value);
	if (syscall(__NR_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		return fail("cannot make a session keyring of its own", strerror(errno));

	/* 7. No new namespaces for the command; then the command. */
	if (deny_namespaces() < 0)
		return fail("cannot install its system call filter", strerror(errno));
	execvp(argv[i], argv + i);
	fprintf(stderr, "%s: cannot run %s: %s\n", self, argv[i], strerror(errno));
	return 127;
}
