#!/usr/bin/python3
"""A real OTLP receiver for otelsim's replay tests.

Serves OTLP/HTTP (/v1/traces, /v1/metrics, /v1/logs; protobuf or JSON
bodies, gzip Content-Encoding) and OTLP/gRPC (the three Export methods,
gzip grpc-encoding) on 127.0.0.1, on ports the kernel picks, plus a plain
HTTP control port:

    GET  /stats   what arrived, as JSON (see Store.snapshot)
    POST /reset   forget it
    GET  /health  "ok"

On start it prints one JSON line {"http": P, "grpc": P, "control": P,
"pid": N} to stdout (and to --ports-file, written atomically).

Uses only Debian's python3-grpcio, python3-protobuf and protobuf-compiler:
run it with /usr/bin/python3. The _pb2 modules are generated at start-up
from src/proto with protoc (into --gen-dir, or a temporary folder).

Faults (each for HTTP and gRPC where it makes sense); faulted requests are
not counted as received data:
    --fail-first N        the first N requests fail (HTTP --fail-status,
                          gRPC --grpc-status or UNAVAILABLE)
    --fail-status CODE    HTTP status for --fail-first (default 503)
    --status CODE         every HTTP request fails with CODE
    --retry-after V       Retry-After on HTTP failures (seconds or a date)
    --retry-after-date S  Retry-After as an HTTP date S seconds ahead
    --message M           message in HTTP error bodies
    --error-body KIND     status (google.rpc.Status), json, text, or auto
                          (the request's type; default)
    --drop-connection N   close the first N HTTP connections unanswered
    --partial-success REJECTED:MESSAGE   on every accepted request
    --slow MS [--slow-first N]   answer (all, or the first N) after MS
    --require-header 'k: v'      else HTTP 401 / gRPC UNAUTHENTICATED
    --grpc-status CODE    gRPC requests fail with CODE (all, or the first
                          N with --fail-first)
    --grpc-message M      its grpc-message
    --trailers-only       answer gRPC failures with headers only
    --retry-info MS       attach a google.rpc.RetryInfo with this delay
    --big-response BYTES  answer accepted requests with a partial success
                          of 0 rejected and a message of BYTES 'x's (gRPC:
                          gzip-compressed, a few KiB on the wire)
    --tls CERT KEY        serve the OTLP ports over TLS
    --tls-client-ca CA    and require a client certificate signed by CA
Other options:
    --save-dir DIR        write each accepted request, re-serialized as
                          protobuf, to DIR/NNNNNN-<signal>.binpb
    --gen-dir DIR         keep the generated _pb2 modules there
    --max-lifetime S      exit after S seconds (default 900)
Logs (stderr) name headers, never their values.
"""

import argparse
import base64
import email.utils
import glob
import gzip
import hashlib
import json
import os
import signal as signals
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALS = ("traces", "metrics", "logs")
SERVICES = {
    "traces": "opentelemetry.proto.collector.trace.v1.TraceService",
    "metrics": "opentelemetry.proto.collector.metrics.v1.MetricsService",
    "logs": "opentelemetry.proto.collector.logs.v1.LogsService",
}
HEX_ID_KEYS = ("traceId", "spanId", "parentSpanId")

RPC_PROTO = """
syntax = "proto3";
package otelsim_test.rpc;
// google.rpc.Status, google.protobuf.Any, google.rpc.RetryInfo and
// google.protobuf.Duration by their wire shape (the names do not travel).
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
message Any { string type_url = 1; bytes value = 2; }
message RetryInfo { Duration retry_delay = 1; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
"""


def log(msg):
    sys.stderr.write("receiver: %s\n" % msg)
    sys.stderr.flush()


def gen_modules(gen_dir):
    """protoc --python_out for our protos (once per gen_dir), then import."""
    stamp = os.path.join(gen_dir, ".generated")
    if not os.path.exists(stamp):
        os.makedirs(gen_dir, exist_ok=True)
        protos = sorted(glob.glob(os.path.join(ROOT, "src/proto/**/*.proto"), recursive=True))
        rpc_dir = os.path.join(gen_dir, "rpcsrc")
        os.makedirs(rpc_dir, exist_ok=True)
        with open(os.path.join(rpc_dir, "otelsim_rpc.proto"), "w") as f:
            f.write(RPC_PROTO)
        subprocess.run(["protoc", "--python_out=" + gen_dir, "-I", os.path.join(ROOT, "src/proto"),
                        "-I", rpc_dir] + protos + [os.path.join(rpc_dir, "otelsim_rpc.proto")],
                       check=True)
        # our packages first on sys.path, whatever else is installed
        for d, _, _ in os.walk(os.path.join(gen_dir, "opentelemetry")):
            open(os.path.join(d, "__init__.py"), "a").close()
        open(stamp, "w").close()
    sys.path.insert(0, gen_dir)
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as ts
    from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2 as ms
    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2 as ls
    import otelsim_rpc_pb2 as rpc
    return {
        "traces": (ts.ExportTraceServiceRequest, ts.ExportTraceServiceResponse),
        "metrics": (ms.ExportMetricsServiceRequest, ms.ExportMetricsServiceResponse),
        "logs": (ls.ExportLogsServiceRequest, ls.ExportLogsServiceResponse),
    }, rpc


def hex_ids_to_base64(node):
    """OTLP/JSON writes ids as hex; proto3 JSON wants base64 for bytes."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in HEX_ID_KEYS and isinstance(v, str) and v:
                node[k] = base64.b64encode(bytes.fromhex(v)).decode()
            else:
                hex_ids_to_base64(v)
    elif isinstance(node, list):
        for v in node:
            hex_ids_to_base64(v)


def sha_of(ids):
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


class Store:
    """Everything that arrived, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.requests = 0          # every export request that arrived
            self.accepted = 0          # counted as received data
            self.faulted = 0           # answered with an injected fault
            self.dropped = 0           # connections closed unanswered
            self.by_transport = {"http": 0, "grpc": 0}
            self.by_signal = {s: 0 for s in SIGNALS}
            self.json_requests = 0
            self.gzip_requests = 0
            self.bad_requests = 0      # undecodable bodies
            self.spans = 0
            self.log_records = 0
            self.data_points = 0
            self.points_by_type = {}
            self.metrics = 0
            self.trace_ids = set()
            self.span_ids = []
            self.log_span_ids = []
            self.services = set()
            self.headers = {}
            self.header_values = {}
            self.arrivals = []
            self.grpc_deadline_ms = -1
            self.body_bytes = 0
            self.connections = {"http": set(), "grpc": set()}
            self.request_items = []    # items in each accepted request, in order
            self.request_bytes = []    # its (decompressed) body size
            self.time_min_ns = None    # span start / log / point time
            self.time_max_ns = None
            self.saved = 0

    def arrive(self, transport, headers, peer):
        """A request arrived: its 1-based index."""
        with self.lock:
            self.requests += 1
            self.by_transport[transport] += 1
            self.connections[transport].add(peer)
            self.arrivals.append(time.monotonic())
            for k, v in headers:
                k = k.lower()
                self.headers[k] = self.headers.get(k, 0) + 1
                self.header_values[k] = v if isinstance(v, str) else repr(v)
            return self.requests

    def fault(self, dropped=False):
        with self.lock:
            self.faulted += 1
            if dropped:
                self.dropped += 1

    def add(self, signal, req, json_body, gz, nbytes, save_dir):
        with self.lock:
            self.accepted += 1
            self.by_signal[signal] += 1
            self.json_requests += json_body
            self.gzip_requests += gz
            self.body_bytes += nbytes
            items = 0
            if signal == "traces":
                for rs in req.resource_spans:
                    self._resource(rs.resource)
                    for ss in rs.scope_spans:
                        for sp in ss.spans:
                            items += 1
                            self.trace_ids.add(sp.trace_id.hex())
                            self.span_ids.append(sp.span_id.hex())
                            self._time(sp.start_time_unix_nano)
                            self._time(sp.end_time_unix_nano)
                self.spans += items
            elif signal == "metrics":
                for rm in req.resource_metrics:
                    self._resource(rm.resource)
                    for sm in rm.scope_metrics:
                        for m in sm.metrics:
                            self.metrics += 1
                            kind = m.WhichOneof("data")
                            if kind is None:
                                continue
                            points = getattr(m, kind).data_points
                            for p in points:
                                self._time(p.time_unix_nano)
                            items += len(points)
                            self.points_by_type[kind] = self.points_by_type.get(kind, 0) + len(points)
                self.data_points += items
            else:
                for rl in req.resource_logs:
                    self._resource(rl.resource)
                    for sl in rl.scope_logs:
                        for lr in sl.log_records:
                            items += 1
                            self._time(lr.time_unix_nano)
                            if lr.trace_id:
                                self.trace_ids.add(lr.trace_id.hex())
                            if lr.span_id:
                                self.log_span_ids.append(lr.span_id.hex())
                self.log_records += items
            self.request_items.append(items)
            self.request_bytes.append(nbytes)
            if save_dir:
                self.saved += 1
                path = os.path.join(save_dir, "%06d-%s.binpb" % (self.saved, signal))
                with open(path + ".tmp", "wb") as f:
                    f.write(req.SerializeToString())
                os.rename(path + ".tmp", path)

    def _time(self, ns):
        if ns:
            self.time_min_ns = ns if self.time_min_ns is None else min(self.time_min_ns, ns)
            self.time_max_ns = ns if self.time_max_ns is None else max(self.time_max_ns, ns)

    def _resource(self, res):
        for kv in res.attributes:
            if kv.key == "service.name":
                self.services.add(kv.value.string_value)

    def snapshot(self):
        with self.lock:
            t0 = self.arrivals[0] if self.arrivals else 0
            arrivals = [round((t - t0) * 1000) for t in self.arrivals]
            gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
            return {
                "requests": self.requests,
                "accepted": self.accepted,
                "faulted": self.faulted,
                "dropped": self.dropped,
                "http_requests": self.by_transport["http"],
                "grpc_requests": self.by_transport["grpc"],
                "by_signal": dict(self.by_signal),
                "json_requests": self.json_requests,
                "gzip_requests": self.gzip_requests,
                "bad_requests": self.bad_requests,
                "body_bytes": self.body_bytes,
                "spans": self.spans,
                "log_records": self.log_records,
                "metrics": self.metrics,
                "data_points": self.data_points,
                "data_points_by_type": dict(self.points_by_type),
                "trace_ids": len(self.trace_ids),
                "span_ids": len(self.span_ids),
                "unique_span_ids": len(set(self.span_ids)),
                "span_ids_sha256": sha_of(self.span_ids),
                "log_span_ids_sha256": sha_of(self.log_span_ids),
                "services": sorted(self.services),
                "headers": dict(self.headers),
                "header_values": dict(self.header_values),
                "arrivals_ms": arrivals,
                "last_gap_ms": gaps[-1] if gaps else -1,
                "min_gap_ms": min(gaps) if gaps else -1,
                "grpc_deadline_ms": self.grpc_deadline_ms,
                "http_connections": len(self.connections["http"]),
                "grpc_connections": len(self.connections["grpc"]),
                "request_items": list(self.request_items),
                "request_bytes": list(self.request_bytes),
                "max_request_items": max(self.request_items) if self.request_items else 0,
                "max_request_bytes": max(self.request_bytes) if self.request_bytes else 0,
                "time_min_ns": self.time_min_ns or 0,
                "time_max_ns": self.time_max_ns or 0,
                "wall_now_ns": time.time_ns(),
            }


class Faults:
    """What the command line asked to go wrong, decided per request index."""

    def __init__(self, args, rpc):
        self.a = args
        self.rpc = rpc
        self.require = None
        if args.require_header:
            k, _, v = args.require_header.partition(":")
            self.require = (k.strip().lower(), v.strip())

    def header_ok(self, headers):
        if not self.require:
            return True
        return any(k.lower() == self.require[0] and v == self.require[1] for k, v in headers)

    def maybe_slow(self, n):
        if self.a.slow and (self.a.slow_first == 0 or n <= self.a.slow_first):
            time.sleep(self.a.slow / 1000.0)

    def drop(self, n):
        return n <= self.a.drop_connection

    def http_status(self, n):
        if self.a.fail_first and n <= self.a.fail_first:
            return self.a.fail_status
        return self.a.status

    def grpc_code(self, n):
        if self.a.fail_first and n <= self.a.fail_first:
            return self.a.grpc_status if self.a.grpc_status is not None else 14
        if self.a.fail_first:
            return None
        return self.a.grpc_status

    def retry_after(self):
        if self.a.retry_after_date is not None:
            return email.utils.formatdate(time.time() + self.a.retry_after_date, usegmt=True)
        return self.a.retry_after

    def status_bytes(self, code, message):
        st = self.rpc.Status(code=code, message=message)
        if self.a.retry_info is not None:
            ms = self.a.retry_info
            ri = self.rpc.RetryInfo(retry_delay=self.rpc.Duration(seconds=ms // 1000,
                                                                  nanos=(ms % 1000) * 1000000))
            st.details.add(type_url="type.googleapis.com/google.rpc.RetryInfo",
                           value=ri.SerializeToString())
        return st.SerializeToString()

    def partial(self):
        if not self.a.partial_success:
            return None
        n, _, msg = self.a.partial_success.partition(":")
        return int(n), msg


def partial_response(resp_cls, signal, faults):
    resp = resp_cls()
    if faults.a.big_response:
        resp.partial_success.error_message = "x" * faults.a.big_response
        return resp
    p = faults.partial()
    if p:
        field = {"traces": "rejected_spans", "metrics": "rejected_data_points",
                 "logs": "rejected_log_records"}[signal]
        setattr(resp.partial_success, field, p[0])
        resp.partial_success.error_message = p[1]
    return resp


def make_http_handler(store, faults, msgs):
    from google.protobuf import json_format

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, ctype, body, extra=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def read_body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def error_body(self, status, message, is_json):
            kind = faults.a.error_body
            if kind == "auto":
                kind = "json" if is_json else "status"
            if kind == "json":
                return "application/json", json.dumps({"code": status, "message": message}).encode()
            if kind == "text":
                return "text/plain", message.encode()
            return "application/x-protobuf", faults.rpc.Status(code=status,
                                                              message=message).SerializeToString()

        def do_POST(self):
            path = self.path.split("?")[0]
            signal = {"/v1/traces": "traces", "/v1/metrics": "metrics", "/v1/logs": "logs"}.get(path)
            if signal is None:
                self.read_body()
                self.reply(404, "text/plain", b"not found")
                return
            headers = list(self.headers.items())
            body = self.read_body()
            n = store.arrive("http", headers, "%s:%d" % self.client_address[:2])
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            is_json = ctype == "application/json"
            log("http %s #%d headers: %s" % (path, n, ", ".join(sorted({k.lower() for k, _ in headers}))))
            if faults.drop(n):
                store.fault(dropped=True)
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            faults.maybe_slow(n)
            if not faults.header_ok(headers):
                store.fault()
                ct, b = self.error_body(401, "missing or wrong header '%s'" % faults.require[0], is_json)
                self.reply(401, ct, b)
                return
            status = faults.http_status(n)
            if status:
                store.fault()
                extra = []
                ra = faults.retry_after()
                if ra is not None:
                    extra.append(("Retry-After", str(ra)))
                msg = faults.a.message or "injected %d" % status
                ct, b = self.error_body(status, msg, is_json)
                self.reply(status, ct, b, extra)
                return
            gz = (self.headers.get("Content-Encoding") or "").lower() == "gzip"
            try:
                if gz:
                    body = gzip.decompress(body)
                req_cls, resp_cls = msgs[signal]
                if is_json:
                    tree = json.loads(body)
                    hex_ids_to_base64(tree)
                    req = json_format.ParseDict(tree, req_cls(), ignore_unknown_fields=True)
                elif ctype == "application/x-protobuf":
                    req = req_cls.FromString(body)
                else:
                    store.fault()
                    self.reply(415, "text/plain", b"unsupported content type")
                    return
            except Exception as e:  # a bad body: tell the client, count it
                with store.lock:
                    store.bad_requests += 1
                ct, b = self.error_body(400, "cannot decode the request: %s" % type(e).__name__, is_json)
                self.reply(400, ct, b)
                return
            store.add(signal, req, is_json, gz, len(body), faults.a.save_dir)
            resp = partial_response(resp_cls, signal, faults)
            if is_json:
                out = json_format.MessageToJson(resp, indent=None).encode()
                self.reply(200, "application/json", out)
            else:
                self.reply(200, "application/x-protobuf", resp.SerializeToString())

    return Handler


def make_control_handler(store):
    class Control(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, body):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/stats":
                self.reply(200, json.dumps(store.snapshot(), sort_keys=True).encode())
            elif self.path == "/health":
                self.reply(200, b'"ok"')
            else:
                self.reply(404, b'"not found"')

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                self.rfile.read(n)
            if self.path == "/reset":
                store.reset()
                self.reply(200, b'"reset"')
            else:
                self.reply(404, b'"not found"')

    return Control


def grpc_handlers(store, faults, msgs):
    handlers = []
    for signal in SIGNALS:
        req_cls, resp_cls = msgs[signal]

        def export(request, context, signal=signal, resp_cls=resp_cls):
            md = [(k, v) for k, v in context.invocation_metadata()]
            n = store.arrive("grpc", md, context.peer())
            remaining = context.time_remaining()
            if remaining is not None:
                with store.lock:
                    store.grpc_deadline_ms = int(remaining * 1000 + 0.5)
            log("grpc %s #%d metadata: %s" % (signal, n, ", ".join(sorted({k for k, _ in md}))))
            faults.maybe_slow(n)
            if not faults.header_ok(md):
                store.fault()
                context.abort(grpc.StatusCode.UNAUTHENTICATED,
                              "missing or wrong header '%s'" % faults.require[0])
            code = faults.grpc_code(n)
            if code:
                store.fault()
                sc = [c for c in grpc.StatusCode if c.value[0] == code][0]
                msg = faults.a.grpc_message
                if msg is None:
                    msg = "injected %s" % sc.name
                if faults.a.retry_info is not None:
                    context.set_trailing_metadata(
                        [("grpc-status-details-bin", faults.status_bytes(code, msg))])
                if not faults.a.trailers_only:
                    context.send_initial_metadata(())
                context.abort(sc, msg)
            gz = 1 if any(k == "grpc-encoding" and v == "gzip" for k, v in md) else 0
            store.add(signal, request, False, gz, request.ByteSize(), faults.a.save_dir)
            if faults.a.big_response:
                context.set_compression(grpc.Compression.Gzip)
            return partial_response(resp_cls, signal, faults)

        h = grpc.unary_unary_rpc_method_handler(
            export, request_deserializer=req_cls.FromString,
            response_serializer=resp_cls.SerializeToString)
        handlers.append(grpc.method_handlers_generic_handler(SERVICES[signal], {"Export": h}))
    return handlers


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ports-file")
    ap.add_argument("--gen-dir", help="where the _pb2 modules are (generated when missing)")
    ap.add_argument("--max-lifetime", type=float, default=900.0, help="exit after this many seconds")
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--fail-status", type=int, default=503)
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--retry-after")
    ap.add_argument("--retry-after-date", type=float)
    ap.add_argument("--message")
    ap.add_argument("--error-body", choices=("auto", "status", "json", "text"), default="auto")
    ap.add_argument("--drop-connection", type=int, default=0)
    ap.add_argument("--partial-success")
    ap.add_argument("--slow", type=int, default=0)
    ap.add_argument("--slow-first", type=int, default=0)
    ap.add_argument("--require-header")
    ap.add_argument("--grpc-status", type=int)
    ap.add_argument("--grpc-message")
    ap.add_argument("--trailers-only", action="store_true")
    ap.add_argument("--retry-info", type=int)
    ap.add_argument("--big-response", type=int, default=0)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--tls-client-ca")
    ap.add_argument("--save-dir")
    args = ap.parse_args()

    if args.save_dir:
        os.makedirs(args.save_dir, exist_ok=True)
    tmp = None
    gen_dir = args.gen_dir
    if not gen_dir:
        tmp = tempfile.TemporaryDirectory(prefix="otelsim-rx-")
        gen_dir = tmp.name
    msgs, rpc = gen_modules(gen_dir)
    store = Store()
    faults = Faults(args, rpc)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_http_handler(store, faults, msgs))
    httpd.daemon_threads = True
    control = ThreadingHTTPServer(("127.0.0.1", 0), make_control_handler(store))
    control.daemon_threads = True
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16),
                         handlers=grpc_handlers(store, faults, msgs),
                         options=[("grpc.so_reuseport", 0)])
    if args.tls:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        client_ca = None
        if args.tls_client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.tls_client_ca)
            with open(args.tls_client_ca, "rb") as f:
                client_ca = f.read()
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        with open(args.tls[0], "rb") as f:
            cert = f.read()
        with open(args.tls[1], "rb") as f:
            key = f.read()
        creds = grpc.ssl_server_credentials([(key, cert)], root_certificates=client_ca,
                                            require_client_auth=client_ca is not None)
        grpc_port = server.add_secure_port("127.0.0.1:0", creds)
    else:
        grpc_port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    for srv in (httpd, control):
        threading.Thread(target=srv.serve_forever, daemon=True).start()

    ports = {"http": httpd.server_address[1], "grpc": grpc_port,
             "control": control.server_address[1], "pid": os.getpid()}
    line = json.dumps(ports, sort_keys=True)
    if args.ports_file:
        with open(args.ports_file + ".tmp", "w") as f:
            f.write(line + "\n")
        os.rename(args.ports_file + ".tmp", args.ports_file)
    print(line, flush=True)
    log("listening: %s" % line)

    stop = threading.Event()
    signals.signal(signals.SIGTERM, lambda *_: stop.set())
    signals.signal(signals.SIGINT, lambda *_: stop.set())
    stop.wait(args.max_lifetime)
    server.stop(0)
    httpd.shutdown()
    control.shutdown()
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
