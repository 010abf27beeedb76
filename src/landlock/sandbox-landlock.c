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
#include "landlock.h"

static const char *self = "sandbox-landlock";

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

	landlock_enter(self, signals);

	char *program = argv[i];
	if (argv0)
		argv[i] = (char *)argv0;
	execvp(program, argv + i);
	fprintf(stderr, "%s: cannot run %s: %s\n", self, program, strerror(errno));
	return 127;
}
