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
 *   1. opens the main process's namespaces through a pidfd, and checks that
 *      the process is in the unit's cgroup and alive after the opens (a PID
 *      reused since the caller looked is never entered);
 *   2. moves itself into that cgroup (stop and delete end the command too);
 *   3. asks for the sandbox's SELinux context at its next exec (--context);
 *   4. enters the network, IPC, UTS and mount namespaces;
 *   5. keeps at most the main process's capability bounding set, no
 *      inheritable or ambient capabilities, sets no_new_privs and enters a
 *      Landlock domain of its own (not scoping signals: an admin's kill -HUP
 *      must reach the service);
 *   6. takes the given uid, gid and groups (--user; the caller resolves the
 *      name inside the sandbox without privileges: nothing here reads the
 *      sandbox's NSS configuration or loads its modules);
 *   7. execs the command.
 * Until the exec it is not dumpable, so nothing in the sandbox can ptrace it
 * or read its memory while it holds the host's capabilities.
 *
 * usage: sandbox-enter --target PID --cgroup-procs PATH [--context CONTEXT]
 *                      [--user UID:GID[:GROUP,...]] [--] PROGRAM [ARG...]
 * Exit: PROGRAM's; 127 when it cannot be run; 125 when the sandbox cannot be
 * entered; 2 on a usage error. Each failure is one line on stderr.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include "landlock.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
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
	fprintf(stderr, "%s: %s\nusage: %s --target PID --cgroup-procs PATH [--context CONTEXT] [--user UID:GID[:GROUP,...]] [--] PROGRAM [ARG...]\n",
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
	unsigned long pid = 0;
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
		if (strcmp(opt, "--target") == 0) {
			if (number(value, NULL, INT_MAX, &pid) || pid < 2)
				return usage("--target needs a process id");
		} else if (strcmp(opt, "--cgroup-procs") == 0) {
			cgroup_procs = value;
		} else if (strcmp(opt, "--context") == 0) {
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
	char status[8192];
	if (read_small(procfd, "status", status, sizeof status) < 0)
		return fail("cannot read the sandbox's main process status", strerror(errno));
	const char *bnd = strstr(status, "\nCapBnd:");
	if (!bnd)
		return fail("the sandbox's main process has no capability bounding set in its status", NULL);
	unsigned long long capbnd = strtoull(bnd + 8, NULL, 16);
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

	/* 2. The cgroup. */
	char me[24];
	int len = snprintf(me, sizeof me, "%d\n", (int)getpid());
	if (write(cgfd, me, (size_t)len) != len)
		return fail("cannot join the sandbox's cgroup", strerror(errno));
	close(cgfd);

	/* 3. The context of the next exec, written through the host's /proc. */
	if (context) {
		int fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, context, strlen(context)) != (ssize_t)strlen(context))
			return fail("cannot set the SELinux context for the command", strerror(errno));
		close(fd);
	}

	/* 4. The namespaces. */
	for (size_t n = 0; n < NNS; n++) {
		if (setns(nsfd[n], namespaces[n].type) < 0)
			return fail("cannot enter the sandbox's namespaces", strerror(errno));
		close(nsfd[n]);
	}
	if (chdir("/") < 0)
		return fail("cannot change to the sandbox's /", strerror(errno));

	/* 5. Capabilities, no_new_privs, Landlock. */
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

	/* 6. The user; root keeps no supplementary group of the caller's. */
	if (setgroups(user.set ? user.ngroups : 0, user.groups) < 0 || (user.set && (setresgid(user.gid, user.gid, user.gid) < 0 ||
	    setresuid(user.uid, user.uid, user.uid) < 0)))
		return fail("cannot switch to the user", strerror(errno));

	/* 7. */
	execvp(argv[i], argv + i);
	fprintf(stderr, "%s: cannot run %s: %s\n", self, argv[i], strerror(errno));
	return 127;
}
