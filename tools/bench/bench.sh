#!/bin/sh
# make bench: otelsim end to end (load, render, encode, write, SHA-256
# manifest) beside the official OpenTelemetry JS SDK writing the same 7-span
# agent-turn traces, in the same run; then otelsim report (generation, page
# size, Chromium load of the 1M-span page) and otlp-replay. Prints figures and
# whether each target is met; timing comes from /usr/bin/time -v (wall
# seconds, peak RSS), the median of RUNS runs.
#   RUNS=3 SPANS=1000000 tools/bench/bench.sh
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
SPANS=${SPANS:-1000000}
TRACES=$(( (SPANS + 6) / 7 ))
OTELSIM="$BUILD/otelsim"
REPLAY="$BUILD/otlp-replay"
SHARED=${OTELSIM_SHARED:-../shared}
# Output goes to tmpfs when there is one, so the figures measure the tools and
# not the disk's writeback (on a VM it throttles writes after a few GB);
# BENCH_DIR=/some/disk/folder measures with the disk.
if [ -z "${BENCH_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	BENCH_DIR=/dev/shm
fi
TMP=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/otelsim-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export LC_ALL=C

[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (Debian package 'time')" >&2; exit 1; }

# run CMD... RUNS times; prints "median_wall_seconds max_rss_kib"
measure() {
	i=0
	: >"$TMP/m"
	while [ $i -lt "$RUNS" ]; do
		sync
		/usr/bin/time -f '%e %M' -o "$TMP/t" "$@" >/dev/null 2>"$TMP/err" || {
			echo "bench: command failed: $*" >&2
			cat "$TMP/err" >&2
			exit 1
		}
		cat "$TMP/t" >>"$TMP/m"
		rm -rf "$TMP/run"
		i=$((i + 1))
	done
	sort -n "$TMP/m" | awk '{w[NR]=$1; if ($2>r) r=$2} END {print w[int((NR+1)/2)], r}'
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
check() { # label value op target
	if awk -v v="$2" -v t="$4" -v op="$3" 'BEGIN { exit !((op == ">=") ? v >= t : v <= t) }'; then
		printf '  %-58s %12s  (target %s %s)  met\n' "$1" "$2" "$3" "$4"
	else
		printf '  %-58s %12s  (target %s %s)  MISSED\n' "$1" "$2" "$3" "$4"
	fi
}

echo "output folder: $TMP (figures are whole-process wall seconds and peak RSS, /usr/bin/time -v)"
echo "otelsim bench: $TRACES traces x 7 spans = $((TRACES * 7)) spans, median of $RUNS runs"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
# the otelsim command line for: format threads count out [extra...]
gen() {
	f=$1 t=$2 n=$3 o=$4
	shift 4
	echo "$OTELSIM" scenario --name agent_turn_7span --count "$n" --format "$f" --threads "$t" \
		--out "$o" --quiet "$@"
}

# ---- otelsim
set -- $(measure $(gen otlp 1 "$TRACES" "$TMP/o1"))
p1_s=$1 p1_rss=$2
set -- $(measure $(gen otlp 2 "$TRACES" "$TMP/o2"))
p2_s=$1 p2_rss=$2
rm -rf "$TMP/o2"
set -- $(measure $(gen otlp-json 1 "$TRACES" "$TMP/j1"))
j1_s=$1 j1_rss=$2
rm -rf "$TMP/j1"
set -- $(measure $(gen otlp-json 2 "$TRACES" "$TMP/j2"))
j2_s=$1 j2_rss=$2
rm -rf "$TMP/j2"
spans=$((TRACES * 7))
p1=$(rate $spans "$p1_s") p2=$(rate $spans "$p2_s") j1=$(rate $spans "$j1_s") j2=$(rate $spans "$j2_s")
pb_file=$(find "$TMP/o1" -name traces.binpb)
pb_bytes=$(stat -c %s "$pb_file")
echo
echo "otelsim (whole process: load, render, encode, write, SHA-256, manifest):"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "protobuf, 1 thread" "$p1_s" "$p1" "$p1_rss"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "protobuf, 2 threads" "$p2_s" "$p2" "$p2_rss"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "OTLP/JSON, 1 thread" "$j1_s" "$j1" "$j1_rss"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "OTLP/JSON, 2 threads" "$j2_s" "$j2" "$j2_rss"
printf '  protobuf file: %s bytes (%s bytes/span)\n' "$pb_bytes" "$(awk -v b="$pb_bytes" -v s="$spans" 'BEGIN{printf "%.1f", b/s}')"
# The part no render thread can share: one SHA-256 over the whole file, in
# order, and the copy into the output folder. More render threads cannot make
# a run shorter than this (Amdahl), whatever the core count.
if command -v openssl >/dev/null; then
	set -- $(measure openssl dgst -sha256 "$pb_file")
	sha_s=$1
	set -- $(measure cp "$pb_file" "$TMP/copy")
	cp_s=$1
	rm -f "$TMP/copy"
	serial=$(awk -v a="$sha_s" -v b="$cp_s" 'BEGIN { printf "%.2f", a + b }')
	printf '  in-order part alone: SHA-256 %ss (openssl dgst) + copy %ss (cp) = %ss: no number\n' \
		"$sha_s" "$cp_s" "$serial"
	printf '    of render threads takes a protobuf run below about that (Amdahl; 1 thread: %ss)\n' \
		"$p1_s"
fi

RUNS_BIG=1
big_traces=$((TRACES * 10))
/usr/bin/time -f '%e %M' -o "$TMP/t" "$OTELSIM" scenario --name agent_turn_7span \
	--count "$big_traces" --threads 1 --out "$TMP/big" --quiet
set -- $(cat "$TMP/t")
big_s=$1 big_rss=$2
rm -rf "$TMP/big"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "protobuf, 1 thread, 10x" "$big_s" \
	"$(rate $((big_traces * 7)) "$big_s")" "$big_rss"

# ---- every signal: the same scenario with its metrics (tools/bench/metrics_rules.yaml)
mkdir -p "$TMP/sc/bench"
cat scenarios/bench/agent_turn_7span.yaml tools/bench/metrics_rules.yaml >"$TMP/sc/bench/agent_turn_7span.yaml"
set -- $(measure $(gen otlp 1 "$TRACES" "$TMP/a1" --scenarios-dir "$TMP/sc"))
a1_s=$1 a1_rss=$2
m_file=$(find "$TMP/a1" -name metrics.binpb)
m_bytes=$(stat -c %s "$m_file")
rm -rf "$TMP/a1"
/usr/bin/time -f '%e %M' -o "$TMP/t" $(gen otlp 1 "$big_traces" "$TMP/abig" --scenarios-dir "$TMP/sc")
set -- $(cat "$TMP/t")
abig_s=$1 abig_rss=$2
rm -rf "$TMP/abig"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB  (metrics file %s bytes)\n' \
	"every signal, 1 thread" "$a1_s" "$(rate $spans "$a1_s")" "$a1_rss" "$m_bytes"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "every signal, 1 thread, 10x" "$abig_s" \
	"$(rate $((big_traces * 7)) "$abig_s")" "$abig_rss"

# ---- traces + logs: the same scenario with a log record at every span's start
# (one record per span: as many log records as spans), beside traces alone
mkdir -p "$TMP/lg/bench"
awk '/^ *latency:/ { i = $0; sub(/[^ ].*/, "", i); print i "logs: [{at: start, body: step started}]" } { print }' \
	scenarios/bench/agent_turn_7span.yaml >"$TMP/lg/bench/agent_turn_7span.yaml"
set -- $(measure $(gen otlp 1 "$TRACES" "$TMP/l1" --scenarios-dir "$TMP/lg"))
l1_s=$1 l1_rss=$2
l_file=$(find "$TMP/l1" -name logs.binpb)
l_bytes=$(stat -c %s "$l_file")
rm -rf "$TMP/l1"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB  (logs file %s bytes)\n' \
	"traces + logs, 1 thread" "$l1_s" "$(rate $spans "$l1_s")" "$l1_rss" "$l_bytes"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "traces only, 1 thread" "$p1_s" \
	"$(rate $spans "$p1_s")" "$p1_rss"

# ---- time-based workloads: seed 003's outage dataset (1 hour at 100/s), and the
# 7-span turn as a native time-based scenario at 300/s for 10 minutes and 1 hour
# (peak RSS must not grow with the duration: windows are rendered block by block)
timed() { # label out-folder command...: prints the line, sets t_s t_rss t_spans
	label=$1 out=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$TMP/t" "$@" --out "$out" --quiet
	set -- $(cat "$TMP/t")
	t_s=$1 t_rss=$2
	t_spans=$(sed -n 's/^    "spans": \([0-9]*\),*$/\1/p' "$(find "$out" -name manifest.json | head -n 1)")
	rm -rf "$out"
	printf '  %-34s %8ss %10s spans %10s spans/s  peak RSS %6s KiB\n' "$label" "$t_s" "$t_spans" \
		"$(rate "$t_spans" "$t_s")" "$t_rss"
}
mkdir -p "$TMP/timed"
sed -e '/^repeat_count:/d' -e '/^interval_ms:/d' -e 's/^name: agent_turn_7span/name: turn_300/' \
	scenarios/bench/agent_turn_7span.yaml >"$TMP/timed/turn_300.yaml"
printf 'duration: 1h\nrate: 300/s\narrivals: poisson\n' >>"$TMP/timed/turn_300.yaml"
echo
echo "time-based workloads (whole process, 1 thread, protobuf):"
timed "outage dataset, 1h at 100/s" "$TMP/to" "$OTELSIM" scenario --name outage --duration 1h \
	--rate 100/s --threads 1
timed "native 300/s, 10 minutes" "$TMP/t10" "$OTELSIM" scenario --scenarios-dir "$TMP/timed" \
	--name turn_300 --duration 10m --threads 1
rss10=$t_rss
timed "native 300/s, 1 hour" "$TMP/t60" "$OTELSIM" scenario --scenarios-dir "$TMP/timed" \
	--name turn_300 --threads 1
rss60=$t_rss
timed_rss_ratio=$(ratio "$rss60" "$rss10")
printf '  peak RSS 1 hour / 10 minutes: %s (flat in duration)\n' "$timed_rss_ratio"

# ---- a Dreamweaver config (seed 004): rate 300/s for 1 hour to files, every
# signal (tools/bench/dreamweaver_1h.yaml: the seed's example at that rate);
# the same for 6 minutes shows the peak RSS stays flat in the duration
sed 's/duration: 1h/duration: 6m/' tools/bench/dreamweaver_1h.yaml >"$TMP/dreamweaver_6m.yaml"
set -- $(measure "$OTELSIM" run tools/bench/dreamweaver_1h.yaml --out "$TMP/dw" --quiet)
dw_s=$1 dw_rss=$2
dw_spans=$(sed -n 's/^ *"spans": \([0-9]*\),*$/\1/p' "$TMP/dw/dreamweaver_1h/manifest.json" | head -n 1)
rm -rf "$TMP/dw"
set -- $(measure "$OTELSIM" run "$TMP/dreamweaver_6m.yaml" --out "$TMP/dw6" --quiet)
dw6_s=$1 dw6_rss=$2
rm -rf "$TMP/dw6"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB  (%s spans)\n' "Dreamweaver 300/s, 1 h" \
	"$dw_s" "$(rate "${dw_spans:-0}" "$dw_s")" "$dw_rss" "${dw_spans:-?}"
printf '  %-26s %8ss %12s  peak RSS %6s KiB\n' "Dreamweaver 300/s, 6 min" "$dw6_s" "" "$dw6_rss"

# ---- otelsim report on the 1M-span dataset: generation, page size, Chromium's load
rep=
ds_dir=$(dirname "$pb_file")
set -- $(measure "$OTELSIM" report "$ds_dir" --html "$TMP/report.html" --quiet)
rep_s=$1 rep_rss=$2
"$OTELSIM" report "$ds_dir" --html "$TMP/report.html" --quiet
rep_bytes=$(stat -c %s "$TMP/report.html")
echo
echo "otelsim report ($spans spans, default --sample-traces 2000):"
printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "generation" "$rep_s" "$(rate $spans "$rep_s")" "$rep_rss"
printf '  %-26s %8s bytes (%s MiB)\n' "page size" "$rep_bytes" "$(awk -v b="$rep_bytes" 'BEGIN{printf "%.1f", b/1048576}')"
if command -v chromium >/dev/null && /usr/bin/python3 tools/bench/report_load.py "$TMP/report.html" "$RUNS" >"$TMP/load" 2>"$TMP/err"; then
	rep=$(awk '/^ready/ {print $2}' "$TMP/load")
	printf '  %-26s %8ss (first view drawn; load event %ss)\n' "Chromium load, median" "$rep" \
		"$(awk '/^load/ {print $2}' "$TMP/load")"
	printf '  %-26s %s\n' "each other view drawn (s)" "$(sed -n 's/^tabs //p' "$TMP/load")"
else
	echo "bench: no Chromium load time (chromium missing or failed):" >&2
	cat "$TMP/err" >&2
fi
rm -f "$TMP/report.html"

# ---- the JS SDK peer, same traces, same run
js=
if [ -d "$SHARED/peers/js-sdk" ] && command -v node >/dev/null && command -v npm >/dev/null; then
	PEER="$BUILD/peer-js"
	mkdir -p "$PEER"
	cp "$SHARED/peers/js-sdk/package.json" "$SHARED/peers/js-sdk/package-lock.json" \
		"$SHARED/peers/js-sdk/gen.js" "$SHARED/peers/js-sdk/check.js" "$PEER/"
	if [ ! -d "$PEER/node_modules" ]; then
		(cd "$PEER" && npm ci --silent --no-audit --no-fund >/dev/null 2>&1) ||
			echo "bench: npm ci failed in $PEER; skipping the JS SDK peer" >&2
	fi
	if [ -d "$PEER/node_modules" ]; then
		set -- $(measure node "$PEER/gen.js" --traces "$TRACES" --out "$TMP/js.pb")
		js_s=$1 js_rss=$2
		set -- $(measure node "$PEER/gen.js" --traces "$TRACES" --out "$TMP/js.jsonl" --format json)
		jsj_s=$1 jsj_rss=$2
		rm -f "$TMP/js.pb" "$TMP/js.jsonl"
		js=$(rate $spans "$js_s")
		jsj=$(rate $spans "$jsj_s")
		echo
		echo "OpenTelemetry JS SDK peer (whole process, node included):"
		printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "protobuf (varint)" "$js_s" "$js" "$js_rss"
		printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "OTLP/JSON" "$jsj_s" "$jsj" "$jsj_rss"
		$(gen otlp 1 "$TRACES" "$TMP/v" --framing varint)
		vfile=$(find "$TMP/v" -name traces.binpb)
		printf '  peer check.js on our --framing varint output: %s\n' \
			"$(node "$PEER/check.js" "$vfile" | tail -n 1)"
	fi
else
	echo "bench: no $SHARED/peers/js-sdk or no node/npm: skipping the JS SDK peer" >&2
fi

# ---- otlp-replay
rp=
if "$REPLAY" --help >/dev/null 2>&1 && "$REPLAY" --help 2>&1 | grep -q -- --dry-run; then
	set -- $(measure "$REPLAY" --dry-run --quiet --time-shift auto --new-ids "$pb_file")
	rp_s=$1 rp_rss=$2
	rp=$(rate $spans "$rp_s")
	echo
	echo "otlp-replay --dry-run (read, time-shift, new ids, re-encode):"
	printf '  %-26s %8ss %12s spans/s  peak RSS %6s KiB\n' "protobuf file" "$rp_s" "$rp" "$rp_rss"
	tools/deps.sh test
	tools/bench/replay_cpu.sh "$pb_file" http/protobuf | sed 's/^/  /'
	tools/bench/replay_cpu.sh "$pb_file" grpc | sed 's/^/  /'
fi

echo
echo "targets:"
[ -n "$js" ] && check "protobuf, 1 render thread vs JS SDK (x)" "$(ratio "$p1" "$js")" ">=" 20
check "OTLP/JSON, 1 render thread (spans/s)" "$j1" ">=" 600000
check "protobuf, 2 threads vs 1 (x)" "$(ratio "$p2" "$p1")" ">=" 1.8
check "OTLP/JSON, 2 threads vs 1 (x)" "$(ratio "$j2" "$j1")" ">=" 1.8
check "peak RSS, protobuf 1 thread (KiB)" "$p1_rss" "<=" 32768
check "peak RSS, protobuf 1 thread, 10x count (KiB)" "$big_rss" "<=" 32768
check "every signal vs traces only, 1 thread (x time)" "$(ratio "$a1_s" "$p1_s")" "<=" 1.5
check "traces + logs vs traces only, 1 thread (x time)" "$(ratio "$l1_s" "$p1_s")" "<=" 2
check "peak RSS, traces + logs, 1 thread (KiB)" "$l1_rss" "<=" 65536
check "peak RSS, every signal, 1 thread (KiB)" "$a1_rss" "<=" 65536
check "peak RSS, every signal, 1 thread, 10x count (KiB)" "$abig_rss" "<=" 65536
check "peak RSS, Dreamweaver 300/s, 1 h vs 6 min (x)" "$(ratio "$dw_rss" "$dw6_rss")" "<=" 1.25
[ -n "$rp" ] && check "otlp-replay --dry-run (spans/s)" "$rp" ">=" 2000000
check "time-based 300/s: peak RSS 1 h / 10 min" "$timed_rss_ratio" "<=" 1.2
check "report page size, 1M spans (MiB)" "$(awk -v b="$rep_bytes" 'BEGIN{printf "%.1f", b/1048576}')" "<=" 20
[ -n "$rep" ] && check "report: Chromium draws the 1M-span page (s)" "$rep" "<=" 3
exit 0
