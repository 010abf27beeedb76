#!/usr/bin/env bash
# Runs the benchmarks named (default: all but scale) on the bundle and keeps
# each one's whole output in bench/results/DATE-NAME.txt, which bench/README.md
# quotes. A benchmark that fails stops the run with its exit status.
#   bash bench/record.sh [labels overhead create-vs-hand exposure scale …]
#   RECORD_TAG=baseline bash bench/record.sh create-vs-hand   → DATE-create-vs-hand-baseline.txt
# SCALE_N sets scale's N (default 1000); PAIRS_ARGS pairs' arguments ("N ROUNDS BATCH_ROUNDS"),
# BENCH_BEFORE the bundle it compares with.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run bundle >/dev/null
mkdir -p bench/results
day=$(date -u +%F)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(labels overhead create-vs-hand)
for n in "${names[@]}"; do
	out="bench/results/$day-$n${RECORD_TAG:+-$RECORD_TAG}.txt"
	echo "== $n → $out"
	{
		echo "# node dist/bench/$n.js, $(date -u '+%F %T') UTC, $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'), $(nproc) cores, node $(node --version), load$(uptime | sed 's/.*load average://')"
		[ -z "${BENCH_CLI:-}" ] || echo "# BENCH_CLI=$BENCH_CLI"
		args=()
		[ "$n" = scale ] && [ -n "${SCALE_N:-}" ] && args=("$SCALE_N")
		[ "$n" = pairs ] && [ -n "${PAIRS_ARGS:-}" ] && read -ra args <<<"$PAIRS_ARGS"
		node "dist/bench/$n.js" "${args[@]}"
		echo "# done $(date -u '+%T') UTC, load$(uptime | sed 's/.*load average://')"
	} 2>&1 | tee "$out"
	[ "${PIPESTATUS[0]}" = 0 ] || exit 1
done
