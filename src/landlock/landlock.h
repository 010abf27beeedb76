/*
 * The Landlock domain every command of a sandbox runs in, shared by
 * sandbox-landlock.c (unit commands) and src/enter/sandbox-enter.c (sandbox
 * exec). sandbox-landlock.c's comment says what the domain closes and why.
 */
#ifndef SANDBOX_LANDLOCK_H
#define SANDBOX_LANDLOCK_H

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

/* The ABI version, or 0 with errno set (ENOSYS, EOPNOTSUPP: none; EPERM: a seccomp filter refused the call). */
static int landlock_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

/* Returns 0 when the domain is in force, -1 (with a line on stderr) when not. */
static int landlock_restrict_self(const char *self, int abi, int signals)
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

/* Enters the domain where the kernel and no_new_privs allow it; says on stderr why not, or what it cannot scope. */
static void landlock_enter(const char *self, int signals)
{
	errno = 0;
	int abi = landlock_abi();
	if (abi == 0)
		fprintf(stderr, "%s: no Landlock here (%s); running without a Landlock domain\n", self,
			errno == EPERM ? "the unit's system call filter refuses it" : strerror(errno));
	else if (abi < 2)
		fprintf(stderr, "%s: Landlock ABI 1 would refuse renames across directories; running without a Landlock domain\n", self);
	else if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		fprintf(stderr, "%s: no_new_privs is not set (the unit has no NoNewPrivileges=yes); running without a Landlock domain\n", self);
	else if (landlock_restrict_self(self, abi, signals) == 0 && signals && abi < 6)
		fprintf(stderr, "%s: Landlock ABI %d cannot scope signals (needs 6, Linux 6.12): other processes can still be signalled\n", self, abi);
}

#endif
