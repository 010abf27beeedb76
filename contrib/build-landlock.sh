#!/usr/bin/env bash
# Compiles the two helpers into DIR: sandbox-landlock (src/landlock/, every
# command of a sandbox unit) and sandbox-enter (src/enter/, sandbox exec).
# npm run build puts them in dist/libexec/; the RPM's %build compiles them the
# same way with the distribution's flags (CFLAGS/LDFLAGS from the environment).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: build-landlock.sh DIR}
mkdir -p "$out"
for src in src/landlock/sandbox-landlock.c src/enter/sandbox-enter.c; do
    # shellcheck disable=SC2086 # CFLAGS and LDFLAGS are lists of flags
    ${CC:-cc} ${CFLAGS:--O2 -g} -Wall -Wextra -Werror -Isrc/landlock ${LDFLAGS:-} -o "$out/$(basename "$src" .c)" "$src"
done
