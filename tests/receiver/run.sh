#!/bin/sh
# Replay tests: the sender (src/net, through build/tests/send_driver) and
# otlp-replay against a real OTLP receiver (receiver.py) on 127.0.0.1.
# TAP output; tests/run.sh runs this as the `replay` suite.
#
# Every case is one line of the table at the bottom:
#
#   t 'name' 'receiver flags' 'command' 'checks'
#
# A fresh receiver starts with the flags (see receiver.py: --fail-first,
# --status, --grpc-status ...), the command runs (bounded by a timeout)
# with these set, then the checks run against its exit status and output
# and the receiver's /stats (see check.py for the syntax):
#   $HTTP        http://127.0.0.1:<http port>     (OTLP/HTTP)
#   $GRPC        http://127.0.0.1:<grpc port>     (OTLP/gRPC)
#   $GRPC_ADDR   127.0.0.1:<grpc port>
#   $HTTP_PORT $GRPC_PORT $CONTROL
#   $DRIVER      build/tests/send_driver          $REPLAY  build/otlp-replay
#   $TLS_CERT $TLS_KEY   a self-signed certificate for 127.0.0.1
#   $CLIENT_CERT $CLIENT_KEY  a self-signed client certificate
#   $WORK        a scratch folder for the case's files
# Usage: tests/receiver/run.sh [name-substring]
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PY=/usr/bin/python3
DRIVER=$BUILD/tests/send_driver
REPLAY=${OTLP_REPLAY:-$BUILD/otlp-replay}
OTELSIM=${OTELSIM:-$BUILD/otelsim}
export DRIVER REPLAY OTELSIM
only=${1:-}
CASE_TIMEOUT=60

WORK=$(mktemp -d "${TMPDIR:-/tmp}/otelsim-replay.XXXXXX")
export WORK
RX_PID=
cleanup() {
	[ -n "$RX_PID" ] && kill "$RX_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

n=0
bad=0

# never inherit an exporter configuration from the caller
for v in $(env | sed -n 's/^\(OTEL_EXPORTER_OTLP_[A-Z_]*\)=.*/\1/p;s/^\(OTLP_HTTP_ENDPOINT\)=.*/\1/p'); do
	unset "$v"
done

if [ ! -x "$DRIVER" ]; then
	echo "not ok 1 - $DRIVER is not built (make $DRIVER)"
	exit 1
fi

# self-signed certificates for the TLS cases: the server's, a client's
TLS_CERT=$WORK/cert.pem
TLS_KEY=$WORK/key.pem
CLIENT_CERT=$WORK/client.pem
CLIENT_KEY=$WORK/client-key.pem
export TLS_CERT TLS_KEY CLIENT_CERT CLIENT_KEY
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$TLS_KEY" -out "$TLS_CERT" >/dev/null 2>&1 &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=otelsim-client -keyout "$CLIENT_KEY" -out "$CLIENT_CERT" >/dev/null 2>&1 ||
	TLS_CERT=

rx_start() { # receiver flags...
	rm -f "$WORK/ports"
	$PY tests/receiver/receiver.py --gen-dir "$WORK/gen" --ports-file "$WORK/ports" \
		--max-lifetime 300 "$@" >/dev/null 2>"$WORK/rx.log" &
	RX_PID=$!
	i=0
	while [ ! -s "$WORK/ports" ]; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$RX_PID" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
	eval "$($PY -c 'import json,sys
p = json.load(open(sys.argv[1]))
print("HTTP_PORT=%d GRPC_PORT=%d CONTROL=%d" % (p["http"], p["grpc"], p["control"]))' "$WORK/ports")"
	HTTP=http://127.0.0.1:$HTTP_PORT
	GRPC=http://127.0.0.1:$GRPC_PORT
	GRPC_ADDR=127.0.0.1:$GRPC_PORT
	export HTTP GRPC GRPC_ADDR HTTP_PORT GRPC_PORT CONTROL
}

rx_stats() {
	$PY -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:%s/stats" % sys.argv[1], timeout=10).read().decode())' \
		"$CONTROL" >"$WORK/stats.json" 2>>"$WORK/rx.log"
}

rx_stop() {
	kill "$RX_PID" 2>/dev/null
	i=0
	while kill -0 "$RX_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$RX_PID" 2>/dev/null
	wait "$RX_PID" 2>/dev/null
	RX_PID=
}

diag() { sed 's/^/# /' "$@" | head -n 40; }

t() { # name, receiver flags, command, checks
	name=$1
	rxflags=$2
	cmd=$3
	checks=$4
	case "$name" in *"$only"*) ;; *) return ;; esac
	n=$((n + 1))
	eval "set -- $rxflags"
	if ! rx_start "$@"; then
		echo "not ok $n - $name: the receiver did not start"
		diag "$WORK/rx.log"
		bad=$((bad + 1))
		rx_stop
		return
	fi
	(eval "timeout --kill-after=5 $CASE_TIMEOUT $cmd") >"$WORK/out" 2>"$WORK/err"
	rc=$?
	rx_stats
	if $PY tests/receiver/check.py --rc "$rc" --out "$WORK/out" --err "$WORK/err" \
		--stats "$WORK/stats.json" -- "$checks" >"$WORK/check" 2>&1; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		diag "$WORK/check"
		echo "# command: $cmd (exit $rc)"
		diag "$WORK/out" "$WORK/err"
		echo "# receiver stats:"
		$PY -c 'import json,sys
s = json.load(open(sys.argv[1]))
for k in ("header_values", "arrivals_ms"): s.pop(k, None)
print(json.dumps(s, sort_keys=True))' "$WORK/stats.json" 2>/dev/null | diag
		bad=$((bad + 1))
	fi
	rx_stop
}

# ---- the sender through the driver ----

D='$DRIVER'
FAST='--retry-initial-ms 50 --retry-max-interval-ms 200'

t 'http/protobuf traces arrive exactly' '' \
	"$D --endpoint \$HTTP --items 25" \
	'exit=0 drv.ok=1 drv.accepted=25 drv.retries=0 drv.http_status=200 rx.requests=1
	 rx.spans=25 rx.unique_span_ids=25 rx.span_ids_sha256=@drv.ids_sha256
	 rx.header_values.content-type=application/x-protobuf rx.header_values.user-agent~^otelsim/
	 rx.services~send-driver rx.json_requests=0 rx.gzip_requests=0'
t 'http/json traces arrive exactly' '' \
	"$D --endpoint \$HTTP --protocol http/json --items 25" \
	'exit=0 drv.ok=1 rx.json_requests=1 rx.spans=25 rx.span_ids_sha256=@drv.ids_sha256
	 rx.header_values.content-type=application/json rx.bad_requests=0'
t 'http/protobuf metrics: every point type' '' \
	"$D --endpoint \$HTTP --signal metrics --items 12" \
	'exit=0 drv.ok=1 rx.data_points=12 rx.data_points_by_type.gauge=3 rx.data_points_by_type.sum=3
	 rx.data_points_by_type.histogram=2 rx.data_points_by_type.exponential_histogram=2
	 rx.data_points_by_type.summary=2 rx.metrics=5 rx.by_signal.metrics=1'
t 'http/json metrics: every point type' '' \
	"$D --endpoint \$HTTP --protocol http/json --signal metrics --items 7" \
	'exit=0 drv.ok=1 rx.json_requests=1 rx.data_points=7 rx.data_points_by_type.gauge=2
	 rx.data_points_by_type.summary=1 rx.data_points_by_type.exponential_histogram=1'
t 'http/protobuf logs carry their ids' '' \
	"$D --endpoint \$HTTP --signal logs --items 9" \
	'exit=0 drv.ok=1 rx.log_records=9 rx.log_span_ids_sha256=@drv.ids_sha256 rx.trace_ids=9'
t 'http/json logs carry their ids' '' \
	"$D --endpoint \$HTTP --protocol http/json --signal logs --items 9" \
	'exit=0 drv.ok=1 rx.log_records=9 rx.log_span_ids_sha256=@drv.ids_sha256 rx.json_requests=1'
t 'events go to the logs endpoint' '' \
	"$D --endpoint \$HTTP --signal events --items 4" \
	'exit=0 drv.ok=1 rx.log_records=4 rx.by_signal.logs=1'
t 'gzip over http/protobuf' '' \
	"$D --endpoint \$HTTP --compression gzip --items 200" \
	'exit=0 drv.ok=1 rx.gzip_requests=1 rx.header_values.content-encoding=gzip rx.spans=200
	 rx.span_ids_sha256=@drv.ids_sha256 drv.bytes<@rx.body_bytes'
t 'gzip over http/json' '' \
	"$D --endpoint \$HTTP --protocol http/json --compression gzip --signal logs --items 50" \
	'exit=0 drv.ok=1 rx.gzip_requests=1 rx.json_requests=1 rx.log_records=50'
t 'environment: endpoint, compression, headers' '' \
	"env OTEL_EXPORTER_OTLP_ENDPOINT=\$HTTP/ OTEL_EXPORTER_OTLP_COMPRESSION=gzip \
	 'OTEL_EXPORTER_OTLP_HEADERS=x-tenant=acme%20corp, api-key = k%3D1' $D --items 3" \
	'exit=0 drv.ok=1 rx.spans=3 rx.gzip_requests=1 "rx.header_values.x-tenant=acme corp"
	 rx.header_values.api-key=k=1'
t 'environment: per-signal endpoint and headers win' '' \
	"env OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:1 OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=\$HTTP/v1/traces \
	 OTEL_EXPORTER_OTLP_HEADERS=a=generic OTEL_EXPORTER_OTLP_TRACES_HEADERS=b=traces \
	 OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json $D --items 3" \
	'exit=0 drv.ok=1 rx.spans=3 rx.json_requests=1 rx.header_values.b=traces !rx.headers.a'
t 'environment: OTLP_HTTP_ENDPOINT (seeds 000/001)' '' \
	"env OTLP_HTTP_ENDPOINT=\$HTTP $D --signal logs --items 2" \
	'exit=0 drv.ok=1 rx.log_records=2'
t 'a flag header overrides the environment' '' \
	"env OTEL_EXPORTER_OTLP_HEADERS=x-tenant=env $D --endpoint \$HTTP --header 'X-Tenant: flag' --items 1" \
	'exit=0 rx.header_values.x-tenant=flag rx.headers.x-tenant=1'
t 'a bad environment value is a usage error' '' \
	"env OTEL_EXPORTER_OTLP_TIMEOUT=5s $D --endpoint \$HTTP" \
	'exit=2 "err~OTEL_EXPORTER_OTLP_TIMEOUT: .5s. is not a timeout in milliseconds" rx.requests=0'

t 'grpc traces arrive exactly' '' \
	"$D --endpoint \$GRPC --protocol grpc --items 25" \
	'exit=0 drv.ok=1 drv.grpc_status=0 drv.http_status=200 rx.grpc_requests=1 rx.spans=25
	 rx.span_ids_sha256=@drv.ids_sha256 rx.grpc_deadline_ms<=10000 rx.grpc_deadline_ms>=8000
	 !rx.headers.accept'
t 'grpc metrics and grpc:// endpoints' '' \
	"$D --endpoint grpc://\$GRPC_ADDR --signal metrics --items 10" \
	'exit=0 drv.ok=1 rx.grpc_requests=1 rx.data_points=10 rx.data_points_by_type.histogram=2'
t 'grpc logs to a bare host:port with OTEL_EXPORTER_OTLP_INSECURE=true (seed 004)' '' \
	"env OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_INSECURE=true OTEL_EXPORTER_OTLP_TIMEOUT=3000 $D --endpoint \$GRPC_ADDR --signal logs --items 6" \
	'exit=0 drv.ok=1 rx.grpc_requests=1 rx.log_records=6 rx.log_span_ids_sha256=@drv.ids_sha256
	 rx.grpc_deadline_ms<=3000 rx.grpc_deadline_ms>=2000'
t 'grpc gzip' '' \
	"$D --endpoint \$GRPC --protocol grpc --compression gzip --items 200" \
	'exit=0 drv.ok=1 rx.spans=200 rx.span_ids_sha256=@drv.ids_sha256 drv.bytes<@rx.body_bytes'
t 'grpc metadata from flags and the environment' '' \
	"env OTEL_EXPORTER_OTLP_HEADERS=x-tenant=acme $D --endpoint \$GRPC --protocol grpc --header 'X-Api-Key: k1' --items 2" \
	'exit=0 drv.ok=1 rx.header_values.x-tenant=acme rx.header_values.x-api-key=k1'

t 'http 503 with Retry-After, then success' '--fail-first 1 --fail-status 503 --retry-after 1' \
	"$D --endpoint \$HTTP $FAST --items 20" \
	'exit=0 drv.ok=1 drv.retries=1 drv.accepted=20 rx.requests=2 rx.faulted=1 rx.accepted=1
	 rx.spans=20 rx.span_ids_sha256=@drv.ids_sha256 rx.last_gap_ms>=950 drv.elapsed_ms>=1000'
t 'http 503 with Retry-After as an HTTP date' '--fail-first 1 --fail-status 503 --retry-after-date 2' \
	"$D --endpoint \$HTTP $FAST --items 5" \
	'exit=0 drv.ok=1 drv.retries=1 rx.spans=5 rx.last_gap_ms>=900'
t 'http 429 retried with backoff' '--fail-first 2 --fail-status 429' \
	"$D --endpoint \$HTTP --retry-initial-ms 100 --retry-max-interval-ms 400 --items 5" \
	'exit=0 drv.ok=1 drv.retries=2 rx.requests=3 rx.spans=5 rx.min_gap_ms>=45'
t 'http 429 honours Retry-After' '--fail-first 1 --fail-status 429 --retry-after 1' \
	"$D --endpoint \$HTTP $FAST --items 5" \
	'exit=0 drv.ok=1 drv.retries=1 rx.last_gap_ms>=950'
t 'http 502 and 504 are retried' '--fail-first 2 --fail-status 502' \
	"$D --endpoint \$HTTP $FAST --items 5" \
	'exit=0 drv.ok=1 drv.retries=2 rx.spans=5'
t 'http 504 is retried' '--fail-first 1 --fail-status 504' \
	"$D --endpoint \$HTTP $FAST --items 5" \
	'exit=0 drv.ok=1 drv.retries=1 rx.spans=5'
t 'dropped connections are retried, nothing lost' '--drop-connection 2' \
	"$D --endpoint \$HTTP $FAST --items 30" \
	'exit=0 drv.ok=1 drv.retries=2 rx.dropped=2 rx.accepted=1 rx.spans=30
	 rx.span_ids_sha256=@drv.ids_sha256'
t 'retries give up after retry_max_elapsed' '--status 503' \
	"$D --endpoint \$HTTP $FAST --retry-max-elapsed-ms 600 --items 5" \
	'exit=1 drv.failed=1 drv.retries>=2 drv.http_status=503 drv.gave_up=1
	 "drv.message~^injected 503; gave up after \d+ retries over [\d.]+m?s \(the retry budget of 600ms\)$"
	 drv.elapsed_ms<1500 rx.requests>=3 rx.spans=0'
t 'partial success is reported, not retried' "--partial-success '3:3 spans are too old'" \
	"$D --endpoint \$HTTP --items 10" \
	'exit=0 drv.partial=1 drv.rejected=3 drv.accepted=7 drv.retries=0 rx.requests=1
	 "drv.message=3 spans are too old"'
t 'partial success over http/json' "--partial-success '2:bad points'" \
	"$D --endpoint \$HTTP --protocol http/json --signal metrics --items 10" \
	'exit=0 drv.partial=1 drv.rejected=2 "drv.message=bad points" rx.requests=1'
t 'zero rejected with a message is a warning' "--partial-success '0:slow down a little'" \
	"$D --endpoint \$HTTP --signal logs --items 4" \
	'exit=0 drv.ok=1 drv.partial=0 drv.rejected=0 "drv.message=slow down a little"'
t 'an http response over max_response_bytes is not read, the items count as sent' \
	'--big-response 300000' \
	"$D --endpoint \$HTTP --max-response-bytes 100000 --items 5" \
	'exit=0 drv.ok=1 drv.partial=0 drv.retries=0 rx.spans=5
	 "drv.message=export response over 100000 bytes: not read"'
t 'a gzip grpc response inflating past max_response_bytes is not inflated' \
	'--big-response 300000' \
	"$D --endpoint \$GRPC --protocol grpc --max-response-bytes 100000 --items 5" \
	'exit=0 drv.ok=1 drv.partial=0 drv.grpc_status=0 rx.spans=5
	 "drv.message=export response inflates past 100000 bytes: not read"'
t 'a gzip grpc response within max_response_bytes is read' \
	'--big-response 300000' \
	"$D --endpoint \$GRPC --protocol grpc --items 5" \
	'exit=0 drv.ok=1 drv.grpc_status=0 rx.spans=5 drv.message~^x{200}'
t 'http 400 fails at once with the server message' "--status 400 --message 'invalid trace id'" \
	"$D --endpoint \$HTTP $FAST --items 5" \
	'exit=1 drv.failed=1 drv.retries=0 drv.http_status=400 "drv.message=invalid trace id"
	 rx.requests=1 rx.spans=0'
t 'http 400 with a JSON status body' "--status 400 --message 'bad json field'" \
	"$D --endpoint \$HTTP --protocol http/json $FAST --items 5" \
	'exit=1 drv.failed=1 drv.retries=0 "drv.message=bad json field" rx.requests=1'
t 'http 413 fails at once, text body' "--status 413 --error-body text --message 'payload too large'" \
	"$D --endpoint \$HTTP $FAST --items 5" \
	'exit=1 drv.failed=1 drv.retries=0 drv.http_status=413 "drv.message=payload too large" rx.requests=1'
t 'http 500 is not retried' '--status 500' \
	"$D --endpoint \$HTTP $FAST --items 5" \
	'exit=1 drv.failed=1 drv.retries=0 drv.http_status=500 rx.requests=1'
t 'http 404 on a wrong path is not retried' '' \
	"$D --traces-endpoint \$HTTP/v2/nothing $FAST --items 5" \
	'exit=1 drv.failed=1 drv.retries=0 drv.http_status=404 "drv.message=not found"'
t 'a slow server times out' '--slow 3000' \
	"$D --endpoint \$HTTP --timeout-ms 300 --retry-max-elapsed-ms 0 --items 5" \
	'exit=1 drv.failed=1 drv.retries=0 drv.curl_code=28 drv.elapsed_ms<1500 "drv.message~timed out"'
t 'a timeout is retried' '--slow 2000 --slow-first 1' \
	"$D --endpoint \$HTTP --timeout-ms 400 $FAST --items 5" \
	'exit=0 drv.ok=1 drv.retries=1 rx.requests=2'
t 'a slow server within the timeout' '--slow 300' \
	"$D --endpoint \$HTTP --timeout-ms 3000 --items 5" \
	'exit=0 drv.ok=1 drv.retries=0 drv.elapsed_ms>=300 rx.spans=5'
t 'a required header present' "--require-header 'x-api-key: s3cret'" \
	"$D --endpoint \$HTTP --header 'X-Api-Key: s3cret' --items 5" \
	'exit=0 drv.ok=1 rx.spans=5'
t 'a required header missing: 401, not retried' "--require-header 'x-api-key: s3cret'" \
	"$D --endpoint \$HTTP --header 'X-Api-Key: n0pe' $FAST --items 5" \
	'exit=1 drv.failed=1 drv.retries=0 drv.http_status=401 rx.spans=0
	 "drv.message~^missing or wrong header .x-api-key.$" out!~n0pe'
t 'a server echoing a header value: the value is masked in the message' \
	"--status 401 --message 'invalid api key k-s3cret-42 (Bearer t0ken-abcdef)'" \
	"$D --endpoint \$HTTP --header 'X-Api-Key: k-s3cret-42' --header 'Authorization: Bearer t0ken-abcdef' $FAST --items 2" \
	'exit=1 drv.failed=1 drv.http_status=401 "drv.message=invalid api key *** (***)"
	 out!~s3cret out!~t0ken'
t 'a grpc server echoing a word of a header value: masked too' \
	"--grpc-status 3 --grpc-message 'token t0ken-abcdef is unknown'" \
	"$D --endpoint \$GRPC --protocol grpc --header 'Authorization: Bearer t0ken-abcdef' $FAST --items 2" \
	'exit=1 drv.failed=1 drv.grpc_status=3 "drv.message=token *** is unknown" out!~t0ken'
t 'bodies over 1 MiB go without Expect: 100-continue' '' \
	"$D --endpoint \$HTTP --items 30000" \
	'exit=0 drv.ok=1 rx.spans=30000 drv.bytes>1048576 !rx.headers.expect drv.elapsed_ms<900'
t 'concurrent requests over http' '' \
	"$D --endpoint \$HTTP --requests 20 --concurrency 4 --items 5" \
	'exit=0 drv.ok=20 rx.requests=20 rx.spans=100 rx.span_ids_sha256=@drv.ids_sha256'
t 'concurrent requests over grpc' '' \
	"$D --endpoint \$GRPC --protocol grpc --requests 20 --concurrency 4 --items 5" \
	'exit=0 drv.ok=20 rx.grpc_requests=20 rx.spans=100 rx.span_ids_sha256=@drv.ids_sha256'
t 'http connections are reused, without stalls' '' \
	"$D --endpoint \$HTTP --requests 50 --items 2" \
	'exit=0 drv.ok=50 rx.requests=50 rx.http_connections=1 drv.wall_ms<1000'
t 'http connections are reused under concurrency' '' \
	"$D --endpoint \$HTTP --requests 40 --concurrency 4 --items 2" \
	'exit=0 drv.ok=40 rx.requests=40 rx.http_connections<=4'
t 'accepted requests are saved for inspection' '--save-dir $WORK/saved' \
	"$D --endpoint \$HTTP --protocol http/json --requests 3 --items 2 && ls \$WORK/saved" \
	'exit=0 drv.ok=3 out~000001-traces.binpb out~000003-traces.binpb rx.request_items=[2,2,2]
	 rx.time_min_ns=1767225600000000000 rx.time_max_ns=1767225600000001500'
t 'concurrent requests with faults lose nothing' '--fail-first 6 --fail-status 503' \
	"$D --endpoint \$HTTP $FAST --requests 12 --concurrency 3 --items 5" \
	'exit=0 drv.ok=12 rx.accepted=12 rx.faulted=6 rx.spans=60 rx.span_ids_sha256=@drv.ids_sha256'

t 'grpc UNAVAILABLE in trailers is retried' '--grpc-status 14 --fail-first 1' \
	"$D --endpoint \$GRPC --protocol grpc $FAST --items 8" \
	'exit=0 drv.ok=1 drv.retries=1 drv.grpc_status=0 rx.requests=2 rx.spans=8
	 rx.span_ids_sha256=@drv.ids_sha256'
t 'grpc INVALID_ARGUMENT fails with its message' "--grpc-status 3 --grpc-message 'bad span: 100% broken'" \
	"$D --endpoint \$GRPC --protocol grpc $FAST --items 8" \
	'exit=1 drv.failed=1 drv.retries=0 drv.grpc_status=3 "drv.message=bad span: 100% broken" rx.requests=1'
t 'grpc RESOURCE_EXHAUSTED, trailers only, no RetryInfo: final' '--grpc-status 8 --trailers-only' \
	"$D --endpoint \$GRPC --protocol grpc $FAST --items 8" \
	'exit=1 drv.failed=1 drv.retries=0 drv.grpc_status=8 "drv.message=injected RESOURCE_EXHAUSTED" rx.requests=1
	 drv.gave_up=0'
t 'grpc RESOURCE_EXHAUSTED with RetryInfo is retried after its delay' \
	'--grpc-status 8 --trailers-only --retry-info 700 --fail-first 1' \
	"$D --endpoint \$GRPC --protocol grpc $FAST --items 8" \
	'exit=0 drv.ok=1 drv.retries=1 rx.requests=2 rx.spans=8 rx.last_gap_ms>=650'
t 'grpc RetryInfo delay past what int64 nanoseconds hold ends the request' \
	'--grpc-status 8 --trailers-only --retry-info 9300000000000' \
	"$D --endpoint \$GRPC --protocol grpc $FAST --retry-max-elapsed-ms 9400000000000 --items 3" \
	'exit=1 drv.failed=1 drv.retries=0 drv.grpc_status=8 drv.elapsed_ms<1000 rx.requests=1'
t 'grpc UNAVAILABLE forever gives up' '--grpc-status 14' \
	"$D --endpoint \$GRPC --protocol grpc $FAST --retry-max-elapsed-ms 500 --items 3" \
	'exit=1 drv.failed=1 drv.retries>=2 drv.grpc_status=14 drv.gave_up=1
	 "drv.message~^injected UNAVAILABLE; gave up after \d+ retries"'
t 'grpc partial success' "--partial-success '4:rejected by filter'" \
	"$D --endpoint \$GRPC --protocol grpc --signal logs --items 10" \
	'exit=0 drv.partial=1 drv.rejected=4 drv.accepted=6 "drv.message=rejected by filter" rx.requests=1'
t 'grpc required header missing: UNAUTHENTICATED, final' "--require-header 'authorization: Bearer t0ken'" \
	"$D --endpoint \$GRPC --protocol grpc $FAST --items 3" \
	'exit=1 drv.failed=1 drv.retries=0 drv.grpc_status=16 rx.spans=0'
t 'grpc required header present' "--require-header 'authorization: Bearer t0ken'" \
	"$D --endpoint \$GRPC --protocol grpc --header 'Authorization: Bearer t0ken' --items 3" \
	'exit=0 drv.ok=1 rx.spans=3'
t 'grpc slow server times out' '--slow 3000' \
	"$D --endpoint \$GRPC --protocol grpc --timeout-ms 300 --retry-max-elapsed-ms 0 --items 3" \
	'exit=1 drv.failed=1 drv.elapsed_ms<1500'
t 'http/protobuf to a grpc port fails at once' '' \
	"$D --endpoint \$GRPC --protocol http/protobuf $FAST --items 3" \
	'exit=1 drv.failed=1 drv.retries=0 "drv.message~does the endpoint speak http/protobuf"'
t 'connection refused is retried, then fails' '' \
	"$D --endpoint http://127.0.0.1:1 $FAST --retry-max-elapsed-ms 400 --items 3" \
	'exit=1 drv.failed=1 drv.retries>=2 drv.curl_code=7 drv.http_status=0'

if [ -n "$TLS_CERT" ]; then
	TLS="--tls '$TLS_CERT' '$TLS_KEY'"
	t 'https with --cacert' "$TLS" \
		"$D --endpoint https://127.0.0.1:\$HTTP_PORT --cacert \$TLS_CERT --items 4" \
		'exit=0 drv.ok=1 rx.spans=4'
	t 'https unverified fails at once' "$TLS" \
		"$D --endpoint https://127.0.0.1:\$HTTP_PORT $FAST --items 4" \
		'exit=1 drv.failed=1 drv.retries=0 drv.curl_code=60 rx.requests=0'
	t 'https --insecure skips verification' "$TLS" \
		"$D --endpoint https://127.0.0.1:\$HTTP_PORT --insecure --items 4" \
		'exit=0 drv.ok=1 rx.spans=4'
	t 'https from OTEL_EXPORTER_OTLP_CERTIFICATE' "$TLS" \
		"env OTEL_EXPORTER_OTLP_CERTIFICATE=\$TLS_CERT OTEL_EXPORTER_OTLP_ENDPOINT=https://127.0.0.1:\$HTTP_PORT $D --items 4" \
		'exit=0 drv.ok=1 rx.spans=4'
	t 'grpc over TLS multiplexes one connection' "$TLS" \
		"$D --endpoint https://127.0.0.1:\$GRPC_PORT --protocol grpc --cacert \$TLS_CERT --requests 20 --concurrency 4 --items 4" \
		'exit=0 drv.ok=20 drv.grpc_status=0 rx.spans=80 rx.span_ids_sha256=@drv.ids_sha256
		 rx.grpc_connections=1'
	t 'OTEL_EXPORTER_OTLP_INSECURE=true never skips verification of https://' "$TLS" \
		"env OTEL_EXPORTER_OTLP_INSECURE=true \$REPLAY --endpoint https://127.0.0.1:\$HTTP_PORT --time-shift none fixtures/commerce/checkout_flow/traces.binpb" \
		'exit=1 rx.requests=0 "err~570 items failed: SSL certificate problem" "err~ 0 retried, 570 failed"'
	t 'a bare host:port over grpc is TLS, verified with --cacert' "$TLS" \
		"\$REPLAY --endpoint 127.0.0.1:\$GRPC_PORT --protocol grpc --cacert \$TLS_CERT --time-shift none fixtures/commerce/checkout_flow/traces.binpb" \
		'exit=0 rx.grpc_requests=1 rx.spans=570'
	MTLS="--tls '$TLS_CERT' '$TLS_KEY' --tls-client-ca '$CLIENT_CERT'"
	t 'https with a client certificate' "$MTLS" \
		"$D --endpoint https://127.0.0.1:\$HTTP_PORT --cacert \$TLS_CERT --cert \$CLIENT_CERT --key \$CLIENT_KEY --items 4" \
		'exit=0 drv.ok=1 rx.spans=4'
	t 'https without the required client certificate fails' "$MTLS" \
		"$D --endpoint https://127.0.0.1:\$HTTP_PORT --cacert \$TLS_CERT $FAST --retry-max-elapsed-ms 300 --items 4" \
		'exit=1 drv.failed=1 drv.http_status=0 rx.spans=0'
	t 'grpc with a client certificate from the environment' "$MTLS" \
		"env OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE=\$CLIENT_CERT OTEL_EXPORTER_OTLP_CLIENT_KEY=\$CLIENT_KEY \
		 OTEL_EXPORTER_OTLP_CERTIFICATE=\$TLS_CERT $D --endpoint https://127.0.0.1:\$GRPC_PORT --protocol grpc --items 4" \
		'exit=0 drv.ok=1 rx.spans=4'
fi

# ---- otelsim --endpoint: render and send, paced by the interval ----

O='$OTELSIM'
t 'otelsim scenario --endpoint: one request per trace, every span, and one of its logs' '' \
	"$O scenario --name successful_agent_turn --count 20 --interval 1 --endpoint \$HTTP" \
	'exit=0 rx.requests=40 rx.by_signal.traces=20 rx.by_signal.logs=20 rx.log_records=40 rx.spans=140 rx.unique_span_ids=140 rx.trace_ids=20
	 err~"20 traces \\(140 spans\\) in [\\d.]+s: 140 spans accepted, 0 rejected, 0 failed"'
# (a live run draws its seed from the clock: which control-plane requests
# fail and log their exception varies, so these count traces, not requests)
t 'otelsim run --endpoint grpc://' '' \
	"$O run --count 12 --interval 1 --tags control-plane --endpoint grpc://\$GRPC_ADDR --quiet" \
	'exit=0 rx.by_signal.traces=12 rx.trace_ids=12 rx.grpc_requests=@rx.requests rx.http_requests=0'
t 'otelsim --protocol http/json with --out writes files too' '' \
	"$O run --count 8 --interval 1 --tags control-plane --endpoint \$HTTP --protocol http/json --out \$WORK/o --quiet && test -s \$WORK/o/mixed/traces.binpb" \
	'exit=0 rx.by_signal.traces=8 rx.json_requests=@rx.requests rx.trace_ids=8'
t 'otelsim --endpoint with --out: the files hold exactly the traces sent (one clock seed)' '' \
	"$O scenario --name checkout_flow --count 5 --interval 1 --endpoint \$HTTP --out \$WORK/o --quiet &&
	 \$PY tests/receiver/replay_check.py in=\$WORK/o/commerce/checkout_flow/traces.binpb" \
	'exit=0 rx.requests=11 rx.by_signal.traces=5 rx.by_signal.logs=6 rx.spans=@drv.in_spans rx.span_ids_sha256=@drv.in_ids_sha256
	 rx.trace_ids=@drv.in_trace_ids'
t 'otelsim never prints the credentials of a URL' '--status 401 --message "no PASSW0RD here"' \
	"$O scenario --name checkout_flow --count 1 --interval 1 --endpoint http://user:PASSW0RD@127.0.0.1:\$HTTP_PORT" \
	'exit=1 rx.requests=3 "err~to http://\\*\\*\\*@127\\.0\\.0\\.1:\\d+/v1/traces" "err!~PASSW0RD"'
t 'otelsim paces by --interval (10 traces at 200 ms)' '' \
	"$O scenario --name tool_retry --count 10 --interval 200 --endpoint \$HTTP" \
	'exit=0 rx.requests=20 rx.by_signal.logs=10 err~"in (1\\.[89]|2\\.[01])s"'
t 'otelsim progress on a terminal shows the rate a paced send keeps' '' \
	"script -qefc '$O scenario --name tool_retry --count 6 --interval 200 --endpoint \$HTTP' /dev/null" \
	'exit=0 rx.requests=12 "out~(4\\.9|5\\.0|5\\.1) traces/s, [0-9.]+ spans/s" "out!~0\\.00M"'
t 'otelsim reads OTLP_HTTP_ENDPOINT as the earlier simulators did' '' \
	"env OTLP_HTTP_ENDPOINT=\$HTTP $O run --count 5 --tags commerce --interval 1 --quiet" \
	'exit=0 rx.requests=11 rx.by_signal.traces=5 rx.by_signal.logs=6 rx.trace_ids=5'
t 'otelsim --endpoint sends a session per request: its turns, one trace each' '' \
	"$O scenario --name claim_multi_turn --count 2 --interval 1 --endpoint \$HTTP --quiet" \
	'exit=0 rx.requests=2 rx.trace_ids=6'
t 'otelsim retries 503 and loses nothing' '--fail-first 2 --fail-status 503 --retry-after 0' \
	"$O scenario --name successful_agent_turn --count 6 --interval 1 --endpoint \$HTTP" \
	'exit=0 rx.spans=42 err~"2 retries"'
t 'otelsim reports a refused request and exits 1' '--status 400' \
	"$O scenario --name successful_agent_turn --count 3 --interval 1 --endpoint \$HTTP" \
	'exit=1 err~"0 spans accepted, 0 rejected, 21 failed" err~"400"'
# SIGINT 1 s in, while every request waits for its retry: out within 2 s
# (drv.stop_ms: from the signal to the exit), in-flight requests cancelled.
# The command runs beside the case's timeout (`true;`), under one of its own
# that passes the signal on once (--foreground: not to the process group).
STOP='& p=$!; sleep 1; t0=$(date +%s%N); kill -INT $p; wait $p; rc=$?;
	echo summary stop_ms=$(( ($(date +%s%N) - t0) / 1000000 )); exit $rc'
BG='true; timeout --foreground --kill-after=5 20'

t 'otelsim --endpoint: Ctrl-C stops at once when the port is closed' '' \
	"$BG $O scenario --name successful_agent_turn --count 1000 --interval 10 --endpoint http://127.0.0.1:1 $STOP" \
	'exit=1 drv.stop_ms<2000 "err~stopped after \d+ of 1000 traces .* [1-9]\d* failed or cancelled"
	 "err~(?m)^otelsim: interrupted$"
	 "err~(?m)^successful_agent_turn: http://127\.0\.0\.1:1/v1/traces: .*[Cc]onnect.*; retrying in [\d.]+s \(each request for up to 30s\)$"'
t 'otelsim --endpoint: Ctrl-C stops at once when the server fails' '--status 503' \
	"$BG $O run --count 1000 --interval 10 --endpoint \$HTTP --quiet $STOP" \
	'exit=1 drv.stop_ms<2000 rx.requests>=4 rx.spans=0 "err~(?m)^otelsim: interrupted$"'
t 'otelsim --endpoint --count 0: sends until Ctrl-C, then the usual summary, exit 0' '' \
	"$BG $O scenario --name ecommerce_order --count 0 --interval 20 --endpoint \$HTTP $STOP" \
	'exit=0 drv.stop_ms<2000 rx.requests>=20 rx.spans>=80
	 "err~(?m)^ecommerce_order: sending traces until stopped \(Ctrl-C\), one every 0\.02s, to "
	 "err~(?m)^ecommerce_order: \d+ traces \(\d+ spans\) in [\d.]+s: \d+ spans accepted, 0 rejected, 0 failed, 0 retries; stopped"'
t 'otelsim paces by TRACE_INTERVAL_MIN/MAX (10 traces, 150 to 250 ms apart)' '' \
	"env TRACE_INTERVAL_MIN=0.15 TRACE_INTERVAL_MAX=0.25 $O scenario --name service_foo --count 10 --endpoint \$HTTP" \
	'exit=0 rx.requests=10 rx.spans=20 err~"one every 0\.2s" err~"in (1\.[89]|2\.[01])s"'

# ---- dreamweaver FILE (otelsim run FILE --send): seed 004's configs, live ----
# A config of two services (a SERVER, its CLIENT call, the callee's SERVER:
# 3 spans a request) at RATE for DURATION to ENDPOINT: DWCFG RATE DURATION ENDPOINT
DWCFG='printf "seed: live\ntemplates:\n  web: {traces: {span_kind: server, operations: [GET], base_duration_ms: 2}}\nservices:\n  - {name: front, type: web, downstream: [back]}\n  - {name: back, type: web}\nworkload: {rate: %s, duration: %s}\noutput: {endpoint: \"%s\", batch_size: 50}\n"'
# 200/s for 5 s over gRPC to the config's bare host:port (clear text): 1,000
# requests within 3 sigma (sqrt(1000) ~ 32), batch_size 50 per export, paced:
# no second (from any arrival) carries more than twice the rate, and a
# second's 4 or 5 requests spread over it (~200 ms apart), not one burst.
t 'dreamweaver FILE streams the config live over gRPC at its rate for its duration' '' \
	"$DWCFG 200/s 5s \$GRPC_ADDR >\$WORK/dw.yaml && \$BUILD/dreamweaver \$WORK/dw.yaml --quiet &&
	 \$PY tests/receiver/dw_pace.py \$CONTROL 200 3" \
	'exit=0 drv.traces>=905 drv.traces<=1095 drv.spans_ok=1 drv.paced=1 drv.burst<=2
	 rx.grpc_requests>=18 rx.http_requests=0 rx.max_request_items<=150'
# without batch_size: 100 requests per export (the seed's default); at 300/s a
# second holds ~300, so its exports are full ones of 100 (300 spans)
t 'dreamweaver FILE without batch_size: 100 requests per export' '' \
	"$DWCFG 300/s 2s \$GRPC_ADDR | sed 's/, batch_size: 50//' >\$WORK/dw.yaml &&
	 ! grep -q batch_size \$WORK/dw.yaml && \$BUILD/dreamweaver \$WORK/dw.yaml --quiet" \
	'exit=0 rx.max_request_items=300 rx.grpc_requests>=6 rx.spans>=1500'
t 'dreamweaver FILE --duration 0: sends until Ctrl-C, then the summary, exit 0' '' \
	"$DWCFG 200/s 5s \$GRPC_ADDR >\$WORK/dw.yaml && $BG \$BUILD/dreamweaver \$WORK/dw.yaml --duration 0 $STOP" \
	'exit=0 drv.stop_ms<2000 rx.spans>=150 rx.grpc_requests>=1
	 "err~(?m)^dw: sending requests at 200/s \(Poisson arrivals\) until stopped \(Ctrl-C\), 50 per export, to "
	 "err~(?m)^dw: [\d,]+ spans in [\d.]+s: [\d,]+ spans accepted, 0 rejected, 0 failed, 0 retries; stopped"'
# the seed's other endpoint forms, grpc://h:p and http://h:p: clear-text gRPC
t 'dreamweaver FILE with a grpc:// endpoint: gRPC in clear text' '' \
	"$DWCFG 50/s 1s grpc://\$GRPC_ADDR >\$WORK/dw.yaml && \$BUILD/dreamweaver \$WORK/dw.yaml --count 10 --quiet" \
	'exit=0 rx.grpc_requests>=1 rx.http_requests=0 rx.trace_ids=10 rx.spans=30'
t 'dreamweaver FILE with an http:// endpoint: gRPC in clear text (not OTLP/HTTP)' '' \
	"$DWCFG 50/s 1s http://\$GRPC_ADDR >\$WORK/dw.yaml && \$BUILD/dreamweaver \$WORK/dw.yaml --count 10 --quiet" \
	'exit=0 rx.grpc_requests>=1 rx.http_requests=0 rx.trace_ids=10 rx.spans=30'
if [ -n "$TLS_CERT" ]; then
	t 'dreamweaver FILE with an https:// endpoint: gRPC over TLS' "--tls '$TLS_CERT' '$TLS_KEY'" \
		"$DWCFG 20/s 1s https://127.0.0.1:\$GRPC_PORT >\$WORK/dw.yaml &&
		 env OTEL_EXPORTER_OTLP_CERTIFICATE=\$TLS_CERT \$BUILD/dreamweaver \$WORK/dw.yaml --count 20 --quiet" \
		'exit=0 rx.grpc_requests>=1 rx.http_requests=0 rx.trace_ids=20 rx.spans=60'
fi
t 'otelsim run FILE --send: --endpoint wins over the file'"'"'s; the usual summary' '' \
	"$DWCFG 20/s 1s 127.0.0.1:1 >\$WORK/dw.yaml && $O run \$WORK/dw.yaml --send --count 20 --endpoint grpc://\$GRPC_ADDR" \
	'exit=0 rx.grpc_requests>=1 rx.trace_ids=20 rx.spans=60
	 "err~(?m)^dw: 20 traces \(60 spans\) in [\d.]+s: 60 spans accepted, 0 rejected, 0 failed, 0 retries$"'

# ---- otlp-replay: files in, exactly their items out ----

R='$REPLAY'
CK='$PY tests/receiver/replay_check.py'
# the traces of checkout_flow alone (the fixture also holds its metrics: the
# test below sends those; these count spans)
mkdir -p "$WORK/checkout_flow" && cp fixtures/commerce/checkout_flow/traces.binpb "$WORK/checkout_flow/"
DS=$WORK/checkout_flow
HW=tests/data/read
# (its 150 log records and 2 timeline events both go to the logs endpoint)
t 'otlp-replay: a dataset of ours, every signal (traces, metrics, logs, events)' '' \
	"$R --endpoint \$HTTP --time-shift none fixtures/commerce/checkout_flow" \
	'exit=0 rx.spans=570 rx.by_signal.traces=1 rx.by_signal.metrics=1 rx.data_points=40
	 rx.data_points_by_type.histogram=20 rx.data_points_by_type.exponential_histogram=6
	 rx.data_points_by_type.gauge=12 rx.data_points_by_type.sum=2 rx.by_signal.logs=2
	 rx.log_records=152 rx.requests=4'
t 'otlp-replay: a dataset of ours over grpc, its metrics, logs and events too' '' \
	"$R --endpoint grpc://\$GRPC_ADDR --time-shift none fixtures/commerce/checkout_flow" \
	'exit=0 rx.spans=570 rx.by_signal.metrics=1 rx.data_points=40 rx.grpc_requests=4
	 rx.data_points_by_type.exponential_histogram=6 rx.by_signal.logs=2 rx.log_records=152
	 "err~ 762 accepted, 0 rejected"'

t 'otlp-replay: a dataset over http/protobuf, ids and times intact' '' \
	"$R --endpoint \$HTTP --time-shift none $DS && $CK in=$DS/traces.binpb" \
	'exit=0 rx.spans=@drv.in_spans rx.unique_span_ids=@drv.in_spans rx.span_ids_sha256=@drv.in_ids_sha256
	 rx.trace_ids=@drv.in_trace_ids rx.time_min_ns=@drv.in_min_start rx.json_requests=0
	 rx.gzip_requests=0 rx.requests=1 rx.max_request_items=570 "err~ 0 rejected, 0 retried, 0 failed"'
t 'otlp-replay: http/json, converted from protobuf' '' \
	"$R --endpoint \$HTTP --protocol http/json --time-shift none $DS && $CK in=$DS/traces.binpb" \
	'exit=0 rx.json_requests=@rx.requests rx.bad_requests=0 rx.spans=@drv.in_spans
	 rx.span_ids_sha256=@drv.in_ids_sha256 rx.trace_ids=@drv.in_trace_ids rx.time_min_ns=@drv.in_min_start'
t 'otlp-replay: http/json with gzip' '' \
	"$R --endpoint \$HTTP --protocol http/json --compression gzip --time-shift none $DS && $CK in=$DS/traces.binpb" \
	'exit=0 rx.json_requests=@rx.requests rx.gzip_requests=@rx.requests rx.spans=@drv.in_spans
	 rx.span_ids_sha256=@drv.in_ids_sha256'
t 'otlp-replay: grpc with gzip' '' \
	"$R --endpoint grpc://\$GRPC_ADDR --gzip --time-shift none --summary-json \$WORK/s.json $DS &&
	 $CK in=$DS/traces.binpb && $CK --summary \$WORK/s.json" \
	'exit=0 rx.grpc_requests=@rx.requests rx.spans=@drv.in_spans rx.span_ids_sha256=@drv.in_ids_sha256
	 rx.trace_ids=@drv.in_trace_ids drv.sum_wire_bytes<@drv.sum_bytes drv.sum_items_accepted=@drv.in_spans'
t 'otlp-replay: hand-written OTLP/JSON, every signal, exact nanoseconds, over grpc' '' \
	"$R --endpoint grpc://\$GRPC_ADDR --time-shift none $HW/handwritten-traces.json $HW/handwritten-metrics.json $HW/handwritten-logs.jsonl.gz" \
	'exit=0 rx.spans=2 rx.data_points=5 rx.log_records=2 rx.data_points_by_type.gauge=1
	 rx.data_points_by_type.sum=1 rx.data_points_by_type.histogram=1
	 rx.data_points_by_type.exponential_histogram=1 rx.data_points_by_type.summary=1
	 rx.time_min_ns=1767225600123456789 rx.by_signal.logs=1 rx.by_signal.metrics=1'
t 'otlp-replay: the Collector formats (BE32, zstd per record, varint, whole-file zstd)' '' \
	"$R --endpoint \$HTTP --time-shift none $HW/collector-traces.binpb $HW/collector-traces.binpb.zst $HW/delimited-traces.pb $HW/collector-metrics-zstd-records.binpb" \
	'exit=0 rx.spans=14 rx.data_points=10 rx.unique_span_ids=2'
t 'otlp-replay --new-ids: fresh ids, parents consistent, nothing of the old ids' '--save-dir $WORK/saved' \
	"$R --endpoint \$HTTP --new-ids $DS && $CK in=$DS/traces.binpb rx=\$WORK/saved" \
	'exit=0 rx.spans=@drv.in_spans rx.unique_span_ids=@drv.in_spans rx.trace_ids=@drv.in_trace_ids
	 drv.rx_parents=@drv.in_parents drv.rx_unresolved=0 drv.common_span_ids=0
	 rx.span_ids_sha256!=@drv.in_ids_sha256'
t 'otlp-replay --loop 3: every pass with its own ids' '' \
	"$R --endpoint \$HTTP --loop 3 $DS && $CK --repeat 3 in=$DS/traces.binpb" \
	'exit=0 rx.spans=@drv.in_spans rx.unique_span_ids=@drv.in_spans rx.trace_ids=@drv.in_trace_ids
	 rx.requests>=3'
t 'otlp-replay --time-shift auto: the earliest timestamp becomes now' '' \
	"echo summary t0=\$(date +%s%N) && $R --endpoint \$HTTP $DS && echo summary t1=\$(date +%s%N) &&
	 $CK in=$DS/traces.binpb" \
	'exit=0 rx.spans=@drv.in_spans rx.time_min_ns>=@drv.t0 rx.time_min_ns<=@drv.t1'
t 'otlp-replay: 503s are retried, nothing lost' '--fail-first 2 --fail-status 503 --retry-after 0' \
	"$R --endpoint \$HTTP --time-shift none $DS && $CK in=$DS/traces.binpb" \
	'exit=0 rx.faulted=2 rx.spans=@drv.in_spans rx.span_ids_sha256=@drv.in_ids_sha256 "err~ 0 failed"'
t 'otlp-replay: partial success is counted, not retried, and exit 1' "--partial-success '3:too old'" \
	"$R --endpoint \$HTTP --max-items 100000 $DS" \
	'exit=1 rx.requests=1 "err~partial success: 3 of \d+ items rejected: too old"
	 "err~ \d+ accepted, 3 rejected, 0 retried, 0 failed"'
t 'otlp-replay: a grpc reply inflating past 4 MiB is a warning, not gigabytes' '--big-response 5000000' \
	"$R --endpoint grpc://\$GRPC_ADDR --time-shift none $DS" \
	'exit=0 rx.spans=570 rx.requests=1
	 "err~otlp-replay: warning: export response inflates past 4194304 bytes: not read\n"
	 "err~ 0 rejected, 0 retried, 0 failed"'
t 'otlp-replay: header values never appear in output' "--require-header 'authorization: Bearer s3cret'" \
	"$R --endpoint \$HTTP --header 'Authorization: Bearer s3cret' $DS && $CK in=$DS/traces.binpb &&
	 $R --endpoint \$HTTP --header 'Authorization: Bearer n0pe' --retry-max-time 0 $DS" \
	'exit=1 rx.spans=@drv.in_spans err!~s3cret err!~n0pe "err~ 0 rejected, 0 retried, 0 failed"
	 "err~\d+ items failed: HTTP 401: missing or wrong header"'
t 'otlp-replay: a final 400 is counted as failed with its status, as sent, and the replay goes on' \
	"--status 400 --message badreq" \
	"$R --endpoint \$HTTP --max-items 100 --concurrency 1 --time-shift none --summary-json \$WORK/s.json $DS;
	 rc=\$?; $CK --summary \$WORK/s.json; exit \$rc" \
	'exit=1 rx.requests=6 "err~(?m)^otlp-replay: 100 items failed: HTTP 400: badreq \(http://127\.0\.0\.1:\d+/v1/traces\)$"
	 "err~ 570 items read, 570 sent, 0 accepted, 0 rejected, 0 retried, 570 failed;" err!~rejected:
	 err!~stopped drv.sum_items_sent=570 drv.sum_items_failed=570 drv.sum_items_not_sent=0
	 drv.sum_stopped=false drv.sum_input_complete=true'
t 'otlp-replay: grpc INVALID_ARGUMENT is failed with its code name and message' \
	"--grpc-status 3 --grpc-message 'bad span'" \
	"$R --endpoint grpc://\$GRPC_ADDR --time-shift none $DS" \
	'exit=1 rx.requests=1 "err~(?m)^otlp-replay: 570 items failed: grpc-status 3 INVALID_ARGUMENT: bad span \(http://127\.0\.0\.1:\d+/opentelemetry\.proto\.collector\.trace\.v1\.TraceService/Export\)$"
	 "err~ 570 sent, 0 accepted, 0 rejected, 0 retried, 570 failed;"'
t 'otlp-replay: a trailers-only RESOURCE_EXHAUSTED without RetryInfo is failed, and the replay goes on' \
	'--grpc-status 8 --trailers-only' \
	"$R --endpoint grpc://\$GRPC_ADDR --max-items 100 --concurrency 1 --time-shift none $DS" \
	'exit=1 rx.requests=6 "err~items failed: grpc-status 8 RESOURCE_EXHAUSTED: injected RESOURCE_EXHAUSTED"
	 "err~ 570 sent, 0 accepted, 0 rejected, 0 retried, 570 failed;" err!~stopped'
t 'otlp-replay: a Retry-After past --retry-max-elapsed says so and stops' '--status 503 --retry-after 10' \
	"$R --endpoint \$HTTP --retry-max-elapsed 3s --loop 2 --time-shift none --summary-json \$WORK/s.json $DS;
	 rc=\$?; $CK --summary \$WORK/s.json; exit \$rc" \
	'exit=1 rx.requests=1
	 "err~items failed: HTTP 503: injected 503; the server asked to retry after 10s, past --retry-max-elapsed 3s"
	 "err~(?m)^otlp-replay: stopped: HTTP 503: .*; 570 items not sent; the rest of the input was not read$"
	 drv.sum_stopped=true drv.sum_items_not_sent=570 drv.sum_input_complete=false drv.sum_exit_code=1'
t 'otlp-replay: a bare --retry-max-elapsed is seconds, as curl reads --retry-max-time' '--status 503 --retry-after 10' \
	"$R --endpoint \$HTTP --retry-max-time 3 --time-shift none $DS" \
	'exit=1 rx.requests=1
	 "err~items failed: HTTP 503: injected 503; the server asked to retry after 10s, past --retry-max-elapsed 3s"'
t 'otlp-replay: a 404 from a per-signal endpoint without its path names the URL, never its credentials' '' \
	"env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://user:s3cret@127.0.0.1:\$HTTP_PORT $R --time-shift none $DS" \
	'exit=1 err!~s3cret
	 "err~(?m)^otlp-replay: 570 items failed: HTTP 404: not found \(http://\*\*\*@127\.0\.0\.1:\d+/\)$"'
t 'otlp-replay: a trailing slash after /v1/traces in OTLP_HTTP_ENDPOINT is read as without it' '' \
	"env OTLP_HTTP_ENDPOINT=\$HTTP/v1/traces/ $R --time-shift none $HW/handwritten-traces.json $HW/handwritten-logs.jsonl.gz" \
	'exit=0 rx.spans=2 rx.log_records=2 rx.by_signal.traces=1 rx.by_signal.logs=1'
t 'otlp-replay: a per-signal INSECURE=false decides, and the TLS hint names it' '' \
	"env OTEL_EXPORTER_OTLP_INSECURE=true OTEL_EXPORTER_OTLP_TRACES_INSECURE=false $R --endpoint \$GRPC_ADDR --protocol grpc --retry-max-elapsed 0 --time-shift none $DS" \
	'exit=1 rx.requests=0
	 "err~items failed: .*; --endpoint without a scheme means TLS for grpc; for a plaintext collector use grpc://127.0.0.1:\d+ or OTEL_EXPORTER_OTLP_TRACES_INSECURE=true"'
t 'otlp-replay: OTEL_EXPORTER_OTLP_INSECURE=yes is false with a warning, not an error' '' \
	"env OTEL_EXPORTER_OTLP_INSECURE=yes $R --endpoint \$HTTP --time-shift none $DS" \
	'exit=0 rx.spans=570
	 "err~(?m)^otlp-replay: warning: OTEL_EXPORTER_OTLP_INSECURE: .yes. is not true or false: read as false"'
# SIGINT 2 s in, while the only request waits 10 s for its retry: out within
# 1.5 s, the summary says what was cancelled, --summary-json is written, and
# the --resume state lets a second run send everything (the receiver fails
# only the first request).
RSTOP='& p=$!; sleep 2; t0=$(date +%s%N); kill -INT $p; wait $p; rc=$?;
	echo summary stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ));
	/usr/bin/python3 tests/receiver/replay_check.py --summary $WORK/s.json;
	$REPLAY --endpoint $HTTP --max-items 100 --concurrency 1 --time-shift none --resume $WORK/st.json --quiet '"$DS"';
	echo summary second_exit=$?; exit $rc'
t 'otlp-replay: Ctrl-C while a request waits for its retry stops at once, with the summary' \
	'--fail-first 1 --fail-status 503 --retry-after 10' \
	"$BG $R --endpoint \$HTTP --retry-max-elapsed 1h --max-items 100 --concurrency 1 --time-shift none --summary-json \$WORK/s.json --resume \$WORK/st.json $DS $RSTOP" \
	'exit=1 drv.stop_ms<1500 drv.sum_interrupted=true drv.sum_items_cancelled=100
	 drv.sum_items_failed=0 drv.sum_items_sent=0 drv.sum_exit_code=1 drv.second_exit=0
	 rx.spans=570 rx.unique_span_ids=570 rx.requests=7 err!~failed:
	 "err~(?m)^otlp-replay: interrupted before the end: \d+ items not sent \(100 in 1 request cancelled in flight or waiting for a retry\)$"'
t 'otlp-replay: a bare host:port over grpc is TLS: a plaintext collector fails at once with a hint' '' \
	"$R --endpoint \$GRPC_ADDR --protocol grpc --time-shift none $DS" \
	'exit=1 rx.requests=0 "err~ 0 retried, 570 failed"
	 "err~items failed: .*; --endpoint without a scheme means TLS for grpc; for a plaintext collector use grpc://127.0.0.1:\d+ or OTEL_EXPORTER_OTLP_INSECURE=true"'
t 'otlp-replay: OTEL_EXPORTER_OTLP_INSECURE=true makes a bare grpc host:port clear text' '' \
	"env OTEL_EXPORTER_OTLP_INSECURE=true $R --endpoint \$GRPC_ADDR --protocol grpc --time-shift none $DS && $CK in=$DS/traces.binpb" \
	'exit=0 rx.grpc_requests=1 rx.spans=@drv.in_spans rx.span_ids_sha256=@drv.in_ids_sha256'
t 'otlp-replay: OTLP_HTTP_ENDPOINT with /v1/traces reaches every signal' '' \
	"env OTLP_HTTP_ENDPOINT=\$HTTP/v1/traces $R --time-shift none $HW/handwritten-traces.json $HW/handwritten-metrics.json $HW/handwritten-logs.jsonl.gz" \
	'exit=0 rx.spans=2 rx.data_points=5 rx.log_records=2 rx.by_signal.logs=1 rx.by_signal.metrics=1
	 rx.by_signal.traces=1'
t 'otlp-replay: URL credentials never appear in output' \
	"--status 401 --message 'bad credentials dXNlcjpzM2NyZXRwdw== for user:s3cretpw'" \
	"$R --endpoint http://user:s3cretpw@127.0.0.1:\$HTTP_PORT --progress --time-shift none $DS;
	 $R --endpoint http://user:s3cretpw@127.0.0.1:1 --retry-max-elapsed 0 --progress $DS;
	 $R --endpoint http://user:s3cretpw@127.0.0.1:99999 $DS" \
	'exit=2 rx.requests=1 err!~s3cret err!~dXNlcjpzM2NyZXRwdw "err~HTTP 401: bad credentials \*\*\* for \*\*\*"
	 "err~.http://\*\*\*@127.0.0.1:99999. is not a valid endpoint"'
t 'otlp-replay --resume after SIGKILL at 30-70%: every item, duplicates within the in-flight requests' '' \
	"$O scenario --name agent_turn_7span --count 3000 --out \$WORK/d --quiet &&
	 tests/receiver/replay_resume.sh \$HTTP \$CONTROL \$WORK -- --rate 6000 --concurrency 2 --no-verify \$WORK/d/bench/agent_turn_7span/traces.binpb &&
	 $CK --dups \$CONTROL" \
	'exit=0 drv.kill_pct>=30 drv.kill_pct<=70 drv.first_exit=137 drv.second_exit=0 drv.complete=1
	 rx.unique_span_ids=@drv.total drv.dups<=600'
t 'otlp-replay --rate: 10 s within 5%' '' \
	"$O scenario --name agent_turn_7span --count 3000 --out \$WORK/d --quiet &&
	 $R --endpoint \$HTTP --rate 2100 --no-verify \$WORK/d/bench/agent_turn_7span/traces.binpb && $CK --rate \$CONTROL 2100" \
	'exit=0 rx.spans=21000 rx.requests>=200 drv.rate_err_pct<=5'
t 'otlp-replay --speed: the original pace, 10 s within 5%' '' \
	"$R --endpoint \$HTTP --speed 2.5 fixtures/agentic/successful_agent_turn/traces.binpb &&
	 $CK --pace \$CONTROL fixtures/agentic/successful_agent_turn/traces.binpb 2.5" \
	'exit=0 rx.spans=350 rx.requests>=40 drv.pace_err_pct<=5'

# ---- otlp-replay: seed 003's flat NDJSON, posted as OTLP ----

FC='$PY tests/receiver/flat_check.py $WORK/gen'
S3=tests/data/seeds/seed003
$PY tests/receiver/flat_gen.py "$WORK/flat" 400
FLAT=$WORK/flat
SAME='drv.rx_same_ids=1 drv.rx_same_times=1 drv.rx_same_logs=1 drv.rx_same_events=1 drv.rx_same_points=1
	 drv.rx_resources_ok=1 drv.rx_logs_unresolved=0 drv.rx_logs_traced=@drv.in_logs_traced'
t "otlp-replay: seed 003's sample as it shows it, over http: every record, the log at its trace" '--save-dir $WORK/f1' \
	"$R --endpoint \$HTTP --time-shift none $S3 && $FC \$WORK/f1 $S3" \
	"exit=0 rx.spans=1 rx.log_records=2 rx.data_points=1 drv.rx_spans=1 drv.rx_logs=1 drv.rx_events=1
	 drv.rx_points=1 drv.rx_logs_traced=1 drv.rx_parents_unresolved=1 $SAME"
t "otlp-replay: seed 003's sample over grpc" '--save-dir $WORK/f2' \
	"$R --endpoint grpc://\$GRPC_ADDR --time-shift none $S3 && $FC \$WORK/f2 $S3" \
	"exit=0 rx.grpc_requests=4 rx.spans=1 rx.log_records=2 rx.data_points=1 $SAME"
t 'otlp-replay: a larger flat dataset in its style over http: every record arrives as it was' '--save-dir $WORK/f3' \
	"$R --endpoint \$HTTP --time-shift none $FLAT && $FC \$WORK/f3 $FLAT" \
	"exit=0 drv.in_spans>1000 drv.rx_spans=@drv.in_spans drv.rx_logs=@drv.in_logs drv.rx_events=@drv.in_events
	 drv.rx_points=@drv.in_points drv.rx_errors=@drv.in_errors drv.rx_parents_unresolved=0 $SAME
	 rx.spans=@drv.in_spans rx.unique_span_ids=@drv.in_spans"
t 'otlp-replay: a larger flat dataset over grpc with gzip' '--save-dir $WORK/f4' \
	"$R --endpoint grpc://\$GRPC_ADDR --gzip --time-shift none $FLAT && $FC \$WORK/f4 $FLAT" \
	"exit=0 rx.grpc_requests>=4 drv.rx_spans=@drv.in_spans drv.rx_logs=@drv.in_logs drv.rx_events=@drv.in_events
	 drv.rx_points=@drv.in_points drv.rx_parents_unresolved=0 $SAME"
t 'otlp-replay: flat NDJSON over http/json' '--save-dir $WORK/f5' \
	"$R --endpoint \$HTTP --protocol http/json --time-shift none $FLAT && $FC \$WORK/f5 $FLAT" \
	"exit=0 rx.json_requests=@rx.requests rx.bad_requests=0 drv.rx_spans=@drv.in_spans drv.rx_logs=@drv.in_logs
	 drv.rx_points=@drv.in_points $SAME"
t 'otlp-replay: flat NDJSON with --new-ids and a time shift: new ids, logs still at their traces' '--save-dir $WORK/f6' \
	"$R --endpoint \$HTTP --new-ids $FLAT && $FC \$WORK/f6 $FLAT --new-ids" \
	'exit=0 drv.rx_spans=@drv.in_spans drv.rx_logs=@drv.in_logs drv.rx_same_ids=0 drv.rx_same_times=0
	 drv.rx_same_durations=1 drv.rx_parents_unresolved=0 drv.rx_logs_unresolved=0 drv.rx_same_logs=1
	 drv.rx_logs_traced=@drv.in_logs_traced rx.time_min_ns>1767225600000000000'
t 'otlp-replay: otelsim --format ndjson datasets replay, logs at their traces' '--save-dir $WORK/f7' \
	"$O scenario --name example_scenario --count 20 --format ndjson --out \$WORK/nd --quiet &&
	 $R --endpoint \$HTTP --time-shift none \$WORK/nd/example_scenario && $FC \$WORK/f7 \$WORK/nd/example_scenario" \
	"exit=0 drv.in_logs>10 drv.rx_spans=@drv.in_spans drv.rx_logs=@drv.in_logs drv.rx_events=@drv.in_events
	 drv.rx_points=@drv.in_points drv.rx_parents_unresolved=0 $SAME"
t 'otlp-replay: a bad flat line stops the replay at file:line, exit 2' '' \
	"mkdir -p \$WORK/bad && cp $FLAT/logs.ndjson \$WORK/bad/ && echo '{\"timestamp\": \"2024-01-15 10:30:00\", \"service\": \"a\", \"level\": null, \"message\": null}' >> \$WORK/bad/logs.ndjson &&
	 $R --endpoint \$HTTP \$WORK/bad" \
	"exit=2 rx.log_records=0 \"err~bad/logs.ndjson:\\d+:15: field 'timestamp': '2024-01-15 10:30:00' has no UTC offset\""
t 'otlp-replay --skip-bad-records: the bad line skipped and counted, the rest arrives' '' \
	"mkdir -p \$WORK/bad && cp $FLAT/logs.ndjson \$WORK/bad/ && echo '[]' >> \$WORK/bad/logs.ndjson &&
	 $R --endpoint \$HTTP --skip-bad-records --summary-json \$WORK/s.json \$WORK/bad && $CK --summary \$WORK/s.json &&
	 mkdir -p \$WORK/none && $FC \$WORK/none $FLAT" \
	'exit=0 rx.log_records=@drv.in_logs drv.sum_bad_records_skipped=1 "err~1 bad record skipped"'

echo "1..$n"
[ "$bad" -eq 0 ]
