#!/bin/sh
# make fuzz: each fuzz target (build/libfuzzer/fuzz/fuzz_<name>, built by
# clang with libFuzzer, ASan and UBSan) runs for FUZZ_TIME seconds from its
# corpus, tests/fuzz/corpus/<name>. What it finds that adds coverage is
# merged into that corpus (the corpora grow; `make test` replays them); a
# crash, leak, sanitizer report or timeout leaves its input in
# build/libfuzzer/artifacts/ and fails the run. Prints a line per target:
# executions, crashes, inputs added. Runs under nice (the machine is shared).
# Usage: tools/fuzz.sh [name...]   (default: every target)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/libfuzzer}
FUZZ_TIME=${FUZZ_TIME:-60}
art="$BUILD/artifacts"
mkdir -p "$art"
names="$*"
if [ -z "$names" ]; then
	for f in "$BUILD"/fuzz/fuzz_*; do
		[ -x "$f" ] && names="$names ${f##*/fuzz_}"
	done
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/otelsim-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
failed=0
printf '%-10s %12s %8s %8s %8s\n' target executions crashes added seconds
for n in $names; do
	bin="$BUILD/fuzz/fuzz_$n"
	corpus="tests/fuzz/corpus/$n"
	if [ ! -x "$bin" ]; then
		echo "no fuzz target '$n' ($bin)" >&2
		failed=1
		continue
	fi
	mkdir -p "$corpus" "$work/$n"
	before=$(ls "$corpus" | wc -l)
	start=$(date +%s)
	# new inputs land in the first folder; -timeout: an input running 20 s is a finding
	nice -n 10 "$bin" -max_total_time="$FUZZ_TIME" -timeout=20 -print_final_stats=1 \
		-artifact_prefix="$art/$n-" "$work/$n" "$corpus" >"$work/$n.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$n.log" | tail -n 1)
	crashes=0
	if [ "$rc" -ne 0 ]; then
		crashes=1
		failed=1
		cp "$work/$n.log" "$art/$n.log"
	fi
	# keep what adds coverage (and nothing of a crash: its input is in artifacts/)
	nice -n 10 "$bin" -merge=1 "$corpus" "$work/$n" >"$work/$n.merge.log" 2>&1
	added=$(($(ls "$corpus" | wc -l) - before))
	printf '%-10s %12s %8d %8d %8d\n' "$n" "${execs:-?}" "$crashes" "$added" "$secs"
	if [ "$crashes" -ne 0 ]; then
		grep -m 3 -E 'ERROR|SUMMARY|check failed|Test unit written' "$art/$n.log" | sed 's/^/    /'
	fi
done
exit "$failed"
