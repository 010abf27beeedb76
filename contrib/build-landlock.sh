#!/usr/bin/env bash
# Compiles the Landlock helper (src/landlock/sandbox-landlock.c) to OUT.
# npm run build puts it in dist/libexec/; the RPM's %build compiles it the same
# way with the distribution's flags (CFLAGS/LDFLAGS from the environment).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: build-landlock.sh OUT}
mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2086 # CFLAGS and LDFLAGS are lists of flags
${CC:-cc} ${CFLAGS:--O2 -g} -Wall -Wextra -Werror ${LDFLAGS:-} -o "$out" src/landlock/sandbox-landlock.c
