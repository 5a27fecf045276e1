#!/bin/sh
# Replay a file into the project's own OTLP receiver (tests/receiver) on
# 127.0.0.1 and print both processes' CPU seconds: otlp-replay should spend
# at most a quarter of what the receiver spends decoding what it receives.
#   tools/bench/replay_cpu.sh FILE [protocol]
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
file=$1
proto=${2:-http/protobuf}
work=$(mktemp -d "${TMPDIR:-/tmp}/otelsim-replaycpu.XXXXXX")
rx=
trap '[ -n "$rx" ] && kill "$rx" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
/usr/bin/python3 tests/receiver/receiver.py --ports-file "$work/ports" --gen-dir "$work/gen" \
	--max-lifetime 600 >/dev/null 2>"$work/rx.log" &
rx=$!
i=0
while [ ! -s "$work/ports" ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && { echo "receiver did not start" >&2; exit 1; }
	sleep 0.1
done
port() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/ports" "$1"; }
http=$(port http)
grpc=$(port grpc)
cpu_of() { awk '{ printf "%.2f", ($14 + $15) / ticks }' ticks="$(getconf CLK_TCK)" "/proc/$1/stat"; }
before=$(cpu_of "$rx")
case $proto in
grpc) url=http://127.0.0.1:$grpc ;;
*) url=http://127.0.0.1:$http ;;
esac
/usr/bin/time -f '%U %S %e' -o "$work/t" "$BUILD/otlp-replay" --endpoint "$url" --protocol "$proto" \
	--quiet --summary-json "$work/summary.json" "$file"
after=$(cpu_of "$rx")
set -- $(cat "$work/t")
replay_cpu=$(awk -v u="$1" -v s="$2" 'BEGIN { printf "%.2f", u + s }')
rx_cpu=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')
spans=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['items_accepted'])" "$work/summary.json" 2>/dev/null || echo '?')
printf 'replay into the local receiver (%s): %s items accepted in %ss\n' "$proto" "$spans" "$3"
printf '  otlp-replay CPU %ss, receiver CPU %ss, ratio %s (target <= 0.25)\n' "$replay_cpu" "$rx_cpu" \
	"$(awk -v a="$replay_cpu" -v b="$rx_cpu" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
