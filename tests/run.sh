#!/bin/sh
# Runs every test suite and ends with "N passed, N failed" alone on a line.
# Suites speak TAP ("ok N - name" / "not ok N - name"); cmocka binaries are
# switched to TAP with CMOCKA_MESSAGE_OUTPUT. A suite that exits non-zero
# without reporting a failure counts as one failed test (a crash).
# Usage: tests/run.sh [unit|cli|golden|signals|workload|replay|report|install|fuzz ...]   (default: all)
# TEST_TIME_SCALE=n multiplies every suite's time limit (sanitizer builds are slower).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
export OTELSIM="$BUILD/otelsim" OTLP_REPLAY="$BUILD/otlp-replay"
export CMOCKA_MESSAGE_OUTPUT=TAP
export LC_ALL=C TZ=UTC
passed=0
failed=0
logdir=$(mktemp -d "${TMPDIR:-/tmp}/otelsim-tests.XXXXXX")
trap 'rm -rf "$logdir"' EXIT INT TERM

run_suite() { # name, timeout seconds (times TEST_TIME_SCALE), command...
	name=$1
	limit=$(($2 * ${TEST_TIME_SCALE:-1}))
	shift 2
	log="$logdir/$(echo "$name" | tr '/ ' '__').log"
	start=$(date +%s)
	timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
	rc=$?
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		if [ "$rc" -eq 124 ]; then
			echo "not ok - $name: timed out after ${limit}s" >>"$log"
		else
			echo "not ok - $name: exited with status $rc" >>"$log"
		fi
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	secs=$(($(date +%s) - start))
	if [ "$bad" -gt 0 ]; then
		printf '%-34s %4d passed %4d FAILED  (%ss)\n' "$name" "$ok" "$bad" "$secs"
		grep -E -A15 '^not ok' "$log" | head -n 60 | sed 's/^/    /'
	else
		printf '%-34s %4d passed  (%ss)\n' "$name" "$ok" "$secs"
	fi
}

want() { [ -z "$suites" ] || echo " $suites " | grep -q " $1 "; }
suites="$*"

if want unit; then
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		run_suite "unit/$(basename "$t")" 300 "$t"
	done
fi
if want cli && [ -x tests/cli/run.sh ]; then
	run_suite cli 600 tests/cli/run.sh
fi
if want golden && [ -x tests/golden/run.sh ]; then
	run_suite golden 600 tests/golden/run.sh
fi
if want signals && [ -x tests/signals/run.py ]; then
	run_suite signals 300 /usr/bin/python3 tests/signals/run.py
fi
if want signals && [ -x tests/signals/dreamweaver.py ]; then
	run_suite signals/dreamweaver 300 /usr/bin/python3 tests/signals/dreamweaver.py
fi
if want signals && [ -x tests/signals/metrics.py ]; then
	run_suite signals/metrics 300 /usr/bin/python3 tests/signals/metrics.py
fi
if want signals && [ -x tests/signals/ndjson.py ]; then
	run_suite signals/ndjson 300 /usr/bin/python3 tests/signals/ndjson.py
fi
if want workload && [ -x tests/workload/run.py ]; then
	run_suite workload 300 /usr/bin/python3 tests/workload/run.py
fi
if want replay && [ -x tests/receiver/run.sh ]; then
	run_suite replay 900 tests/receiver/run.sh
fi
if want report && [ -x tests/report/run.py ]; then
	run_suite report 300 /usr/bin/python3 tests/report/run.py
fi
if want install && [ -x tests/install/run.sh ]; then
	run_suite install 300 tests/install/run.sh
fi
if want fuzz; then
	for f in "$BUILD"/fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		n=$(basename "$f")
		run_suite "fuzz/$n" 300 "$f" "tests/fuzz/corpus/${n#fuzz_}"
	done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
