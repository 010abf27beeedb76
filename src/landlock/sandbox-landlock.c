/*
 * sandbox-landlock: runs one command of a sandbox in a Landlock domain of its
 * own, then execs it. The ExecCondition=, ExecStartPre= and ExecStart= lines
 * of a sandbox unit go through it (src/generate/landlock.ts says why not the
 * others), and sandbox exec; systemd 252 has no Landlock setting.
 *
 * Why: without SELinux, two sandboxes' root processes have the same uid and
 * capabilities, so each can read and write the other's files through
 * /proc/PID/root and signal the other's (and the host's) processes. A
 * process in a Landlock domain may ptrace, or open /proc/PID/root, /mem,
 * /environ of, only processes in its own domain or one nested in it; with
 * --signals (Landlock ABI 6, Linux 6.12) it may signal only those too.
 *
 * What the domain restricts besides: making character and block device nodes
 * (no rule allows them; the profiles already drop CAP_MKNOD), and mount and
 * pivot_root (Landlock refuses them to a process whose domain handles file
 * system access). Everything else on the file system stays allowed: one rule
 * on / grants moving files between directories (LANDLOCK_ACCESS_FS_REFER,
 * which a domain denies unless a rule allows it).
 *
 * Landlock needs no_new_privs (or CAP_SYS_ADMIN). The default and strict
 * profiles set NoNewPrivileges=yes; under the trusted profile, which does
 * not, the command runs without a domain and this says so on stderr (the
 * journal), as it does on a kernel without Landlock or with ABI 1 (which
 * would refuse every rename across directories): best effort, like
 * systemd's own settings on kernels that lack them.
 *
 * usage: sandbox-landlock [--signals] [--argv0 NAME] [--] PROGRAM [ARG...]
 *        sandbox-landlock --abi        prints the kernel's Landlock ABI (0: none)
 * Exit: PROGRAM's, or 127 when it cannot be run, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* From the kernel's uapi/linux/landlock.h, spelled here so that older headers build it. */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#define CREATE_RULESET_VERSION (1U << 0)
#define RULE_PATH_BENEATH 1
#define ACCESS_FS_MAKE_CHAR (1ULL << 6)
#define ACCESS_FS_MAKE_BLOCK (1ULL << 11)
#define ACCESS_FS_REFER (1ULL << 13)
#define SCOPE_SIGNAL (1ULL << 1)

struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

static const char *self = "sandbox-landlock";

/* The ABI version, or 0 with errno set (ENOSYS, EOPNOTSUPP: none; EPERM: a seccomp filter refused the call). */
static int landlock_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

/* Returns 0 when the domain is in force, -1 (with a line on stderr) when not. */
static int restrict_self(int abi, int signals)
{
	/* REFER is handled only so that the rule below may grant it: a domain that handles any file access denies it otherwise. */
	struct ruleset_attr attr = { .handled_access_fs = ACCESS_FS_MAKE_CHAR | ACCESS_FS_MAKE_BLOCK | ACCESS_FS_REFER };
	/* The kernel refuses a struct longer than it knows unless the tail is zero: pass the size of its ABI. */
	size_t size = abi >= 6 ? sizeof attr : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
	if (signals && abi >= 6)
		attr.scoped = SCOPE_SIGNAL;
	int fd = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot create a Landlock ruleset: %s; running without one\n", self, strerror(errno));
		return -1;
	}
	struct path_beneath_attr refer = { .allowed_access = ACCESS_FS_REFER };
	refer.parent_fd = open("/", O_PATH | O_CLOEXEC);
	if (refer.parent_fd < 0 || syscall(__NR_landlock_add_rule, fd, RULE_PATH_BENEATH, &refer, 0) < 0) {
		fprintf(stderr, "%s: cannot allow renames under /: %s; running without a Landlock domain\n", self, strerror(errno));
		close(fd);
		return -1;
	}
	close(refer.parent_fd);
	if (syscall(__NR_landlock_restrict_self, fd, 0) < 0) {
		fprintf(stderr, "%s: cannot enter a Landlock domain: %s; running without one\n", self, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int signals = 0, i = 1;
	const char *argv0 = NULL;
	if (argc == 2 && strcmp(argv[1], "--abi") == 0) {
		printf("%d\n", landlock_abi());
		return 0;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--signals") == 0) {
			signals = 1;
		} else if (strcmp(argv[i], "--argv0") == 0 && i + 1 < argc) {
			argv0 = argv[++i];
		} else {
			fprintf(stderr, "%s: unknown option %s\nusage: %s [--signals] [--argv0 NAME] [--] PROGRAM [ARG...]\n", self, argv[i], self);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--signals] [--argv0 NAME] [--] PROGRAM [ARG...]\n", self);
		return 2;
	}

	errno = 0;
	int abi = landlock_abi();
	if (abi == 0)
		fprintf(stderr, "%s: no Landlock here (%s); running without a Landlock domain\n", self,
			errno == EPERM ? "the unit's system call filter refuses it" : strerror(errno));
	else if (abi < 2)
		fprintf(stderr, "%s: Landlock ABI 1 would refuse renames across directories; running without a Landlock domain\n", self);
	else if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		fprintf(stderr, "%s: no_new_privs is not set (the unit has no NoNewPrivileges=yes); running without a Landlock domain\n", self);
	else if (restrict_self(abi, signals) == 0 && signals && abi < 6)
		fprintf(stderr, "%s: Landlock ABI %d cannot scope signals (needs 6, Linux 6.12): other processes can still be signalled\n", self, abi);

	char *program = argv[i];
	if (argv0)
		argv[i] = (char *)argv0;
	execvp(program, argv + i);
	fprintf(stderr, "%s: cannot run %s: %s\n", self, program, strerror(errno));
	return 127;
}
