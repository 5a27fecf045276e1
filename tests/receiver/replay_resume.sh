#!/bin/sh
# otlp-replay killed with SIGKILL part-way, then started again with the same
# --resume state: prints "summary kill_pct=P total=N first_exit=.. second_exit=.."
# for run.sh's checks (with replay_check.py --dups for the duplicates).
# Usage: replay_resume.sh ENDPOINT CONTROL_PORT WORK_DIR -- REPLAY_ARGS...
# (the inputs come last in REPLAY_ARGS). The kill comes once the receiver
# holds at least 40% of the spans, polling every 20 ms (bounded: 30 s).
set -u
endpoint=$1 control=$2 work=$3
shift 4
PY=/usr/bin/python3
spans() {
	$PY -c 'import json, sys, urllib.request
print(json.loads(urllib.request.urlopen("http://127.0.0.1:%s/stats" % sys.argv[1], timeout=10).read())["spans"])' "$control"
}
total=$(for a in "$@"; do :; done; $PY "$(dirname "$0")/replay_check.py" in="$a" |
	sed -n 's/.*in_spans=\([0-9]*\).*/\1/p')
"$REPLAY" --quiet --endpoint "$endpoint" --resume "$work/state.json" "$@" 2>"$work/first.err" &
pid=$!
i=0
while [ $i -lt 1500 ]; do
	got=$(spans)
	[ $((got * 100)) -ge $((total * 40)) ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.02
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid
first=$?
at_kill=$(spans)
"$REPLAY" --quiet --endpoint "$endpoint" --resume "$work/state.json" "$@" 2>"$work/second.err"
second=$?
echo "summary kill_pct=$((at_kill * 100 / total)) total=$total first_exit=$first second_exit=$second"
grep -c '"complete": true' "$work/state.json" | sed 's/^/summary complete=/'
exit $second
