#!/usr/bin/env bash
# Runs the benchmarks named (default: all but scale) on the bundle and keeps
# each one's whole output in bench/results/DATE-NAME.txt, which bench/README.md
# quotes. A benchmark that fails stops the run with its exit status.
#   bash bench/record.sh [labels overhead create-vs-hand exposure scale …]
set -euo pipefail
cd "$(dirname "$0")/.."
npm run bundle >/dev/null
mkdir -p bench/results
day=$(date -u +%F)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(labels overhead create-vs-hand)
for n in "${names[@]}"; do
	out="bench/results/$day-$n.txt"
	echo "== $n → $out"
	{
		echo "# node dist/bench/$n.js, $(date -u '+%F %T') UTC, $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'), $(nproc) cores, node $(node --version)"
		node "dist/bench/$n.js"
	} 2>&1 | tee "$out"
	[ "${PIPESTATUS[0]}" = 0 ] || exit 1
done
