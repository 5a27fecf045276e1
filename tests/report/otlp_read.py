"""An independent reader of OTLP files for the report tests: Python's
protobuf (modules generated from src/proto by protoc) and json, not our C.

read_items(paths) -> Items with spans, logs and metric stream identities,
in the shapes the tests compare against the page:
  span: dict(trace, span, parent, name, service, start, end, error)
  log:  dict(time, severity, event, trace, span, service)
  streams: set of identities (resource attributes, scope, metric name,
           type, point attributes, histogram bounds)
Reads what the tests write: 4-byte big-endian framed protobuf (.binpb),
OTLP/JSON lines (.jsonl), either gzipped (.gz).
"""
import base64
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_PB = None


def pb():
    global _PB
    if _PB is None:
        gen = tempfile.mkdtemp(prefix="otelsim-report-pb.")
        protos = []
        for d, _, files in os.walk(os.path.join(ROOT, "src/proto")):
            protos += [os.path.join(d, f) for f in files if f.endswith(".proto")]
        subprocess.run(["protoc", "--python_out=" + gen, "-I", os.path.join(ROOT, "src/proto")] + protos,
                       check=True)
        sys.path.insert(0, gen)
        from opentelemetry.proto.trace.v1 import trace_pb2
        from opentelemetry.proto.logs.v1 import logs_pb2
        from opentelemetry.proto.metrics.v1 import metrics_pb2
        from opentelemetry.proto.common.v1 import common_pb2
        from opentelemetry.proto.resource.v1 import resource_pb2
        _PB = {"trace": trace_pb2, "logs": logs_pb2, "metrics": metrics_pb2, "common": common_pb2,
               "resource": resource_pb2}
    return _PB


class Items:
    def __init__(self):
        self.spans, self.logs, self.streams, self.points = [], [], set(), 0
        self.exp = {}  # exponential histogram stream -> [(scale, zero, pos offset, counts, neg offset, counts)]
        self.services = set()

    def traces(self):
        t = {}
        for s in self.spans:
            t.setdefault(s["trace"], []).append(s)
        return t


# ---- values, both encodings, to one comparable form

def pb_value(v):
    k = v.WhichOneof("value")
    if k is None:
        return None
    if k in ("array_value",):
        return ("array", tuple(pb_value(x) for x in v.array_value.values))
    if k == "kvlist_value":
        return ("kv", tuple((x.key, pb_value(x.value)) for x in v.kvlist_value.values))
    if k == "bytes_value":
        return ("bytes", bytes(v.bytes_value))
    if k == "double_value":
        return ("double", v.double_value)
    if k == "int_value":
        return ("int", v.int_value)
    return (k, getattr(v, k))


def js_value(v):
    if not v:
        return None
    for k, tag in (("stringValue", "string_value"), ("boolValue", "bool_value")):
        if k in v:
            return (tag, v[k])
    if "intValue" in v:
        return ("int", int(v["intValue"]))
    if "doubleValue" in v:
        return ("double", float(v["doubleValue"]))
    if "bytesValue" in v:
        return ("bytes", base64.b64decode(v["bytesValue"]))
    if "arrayValue" in v:
        return ("array", tuple(js_value(x) for x in v["arrayValue"].get("values", [])))
    if "kvlistValue" in v:
        return ("kv", tuple((x["key"], js_value(x.get("value"))) for x in v["kvlistValue"].get("values", [])))
    return None


def pb_attrs(kvs):
    return tuple((kv.key, pb_value(kv.value)) for kv in kvs)


def js_attrs(kvs):
    return tuple((kv["key"], js_value(kv.get("value"))) for kv in kvs or [])


def service(attrs):
    for k, v in attrs:
        if k == "service.name" and v and v[0] == "string_value" and v[1]:
            return v[1]
    return "unknown_service"


# ---- files

def records(path):
    """(kind, payload): ('pb', bytes) or ('json', dict)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    base = path[:-3] if path.endswith(".gz") else path
    if base.endswith(".jsonl") or base.endswith(".json"):
        for line in data.decode("utf-8").splitlines():
            if line.strip():
                yield "json", json.loads(line)
        return
    off = 0
    while off < len(data):
        (n,) = struct.unpack(">I", data[off:off + 4])
        yield "pb", data[off + 4:off + 4 + n]
        off += 4 + n


def _signal_pb(payload, hint=""):
    """Try each message type, the file name's first: the one whose items carry the right shape."""
    P = pb()
    kinds = [("traces", P["trace"].TracesData, "resource_spans"),
             ("logs", P["logs"].LogsData, "resource_logs"),
             ("metrics", P["metrics"].MetricsData, "resource_metrics")]
    kinds.sort(key=lambda k: k[0] not in hint.replace("events", "logs"))
    for name, cls, field in kinds:
        m = cls()
        try:
            m.ParseFromString(payload)
        except Exception:
            continue
        if not m.ListFields():
            continue
        if name == "traces" and all(len(s.trace_id) == 16 for rs in m.resource_spans
                                    for ss in rs.scope_spans for s in ss.spans):
            return name, m
        if name == "logs" and m.resource_logs and not any(
                len(l.trace_id) not in (0, 16) for rl in m.resource_logs for sl in rl.scope_logs for l in sl.log_records):
            ok = any(l.time_unix_nano or l.severity_number or l.event_name for rl in m.resource_logs
                     for sl in rl.scope_logs for l in sl.log_records)
            if ok:
                return name, m
        if name == "metrics":
            return name, m
    raise ValueError("cannot tell the signal of a record")


def read_items(paths):
    it = Items()
    for p in paths:
        for kind, payload in records(p):
            if kind == "json":
                _json_record(it, payload)
            else:
                _pb_record(it, *_signal_pb(payload, os.path.basename(p)))
    return it


def _pb_record(it, signal, m):
    if signal == "traces":
        for rs in m.resource_spans:
            svc = service(pb_attrs(rs.resource.attributes))
            it.services.add(svc)
            for ss in rs.scope_spans:
                for s in ss.spans:
                    it.spans.append(dict(trace=s.trace_id.hex(), span=s.span_id.hex(),
                                         parent=s.parent_span_id.hex(), name=s.name, service=svc,
                                         start=s.start_time_unix_nano, end=s.end_time_unix_nano,
                                         error=s.status.code == 2))
    elif signal == "logs":
        for rl in m.resource_logs:
            svc = service(pb_attrs(rl.resource.attributes))
            it.services.add(svc)
            for sl in rl.scope_logs:
                for l in sl.log_records:
                    it.logs.append(dict(time=l.time_unix_nano or l.observed_time_unix_nano,
                                        severity=l.severity_number, event=l.event_name,
                                        trace=l.trace_id.hex(), span=l.span_id.hex(), service=svc))
    else:
        for rm in m.resource_metrics:
            rattrs = pb_attrs(rm.resource.attributes)
            it.services.add(service(rattrs))
            for sm in rm.scope_metrics:
                for met in sm.metrics:
                    kind = met.WhichOneof("data")
                    for dp in getattr(met, kind).data_points:
                        bounds = tuple(dp.explicit_bounds) if kind == "histogram" else ()
                        key = (rattrs, sm.scope.name, met.name, kind, pb_attrs(dp.attributes), bounds)
                        it.streams.add(key)
                        it.points += 1
                        if kind == "exponential_histogram":
                            it.exp.setdefault(key, []).append((
                                dp.scale, dp.zero_count, dp.positive.offset, list(dp.positive.bucket_counts),
                                dp.negative.offset, list(dp.negative.bucket_counts)))


def _json_record(it, d):
    def g(o, camel, snake):
        return o.get(camel, o.get(snake))
    for rs in g(d, "resourceSpans", "resource_spans") or []:
        svc = service(js_attrs((rs.get("resource") or {}).get("attributes")))
        it.services.add(svc)
        for ss in g(rs, "scopeSpans", "scope_spans") or []:
            for s in ss.get("spans", []):
                it.spans.append(dict(trace=g(s, "traceId", "trace_id"), span=g(s, "spanId", "span_id"),
                                     parent=g(s, "parentSpanId", "parent_span_id") or "", name=s.get("name", ""),
                                     service=svc, start=int(g(s, "startTimeUnixNano", "start_time_unix_nano") or 0),
                                     end=int(g(s, "endTimeUnixNano", "end_time_unix_nano") or 0),
                                     error=(s.get("status") or {}).get("code") in (2, "STATUS_CODE_ERROR")))
    for rl in g(d, "resourceLogs", "resource_logs") or []:
        svc = service(js_attrs((rl.get("resource") or {}).get("attributes")))
        it.services.add(svc)
        for sl in g(rl, "scopeLogs", "scope_logs") or []:
            for l in g(sl, "logRecords", "log_records") or []:
                it.logs.append(dict(time=int(g(l, "timeUnixNano", "time_unix_nano") or g(l, "observedTimeUnixNano", "observed_time_unix_nano") or 0),
                                    severity=int(g(l, "severityNumber", "severity_number") or 0),
                                    event=g(l, "eventName", "event_name") or "",
                                    trace=g(l, "traceId", "trace_id") or "", span=g(l, "spanId", "span_id") or "",
                                    service=svc))
    for rm in g(d, "resourceMetrics", "resource_metrics") or []:
        rattrs = js_attrs((rm.get("resource") or {}).get("attributes"))
        it.services.add(service(rattrs))
        for sm in g(rm, "scopeMetrics", "scope_metrics") or []:
            scope = (sm.get("scope") or {}).get("name", "")
            for met in sm.get("metrics", []):
                for kind, key in (("gauge", "gauge"), ("sum", "sum"), ("histogram", "histogram"),
                                  ("exponential_histogram", "exponentialHistogram"), ("summary", "summary")):
                    body = met.get(key)
                    if body is None:
                        continue
                    for dp in g(body, "dataPoints", "data_points") or []:
                        bounds = tuple(float(b) for b in g(dp, "explicitBounds", "explicit_bounds") or []) if kind == "histogram" else ()
                        key = (rattrs, scope, met["name"], kind, js_attrs(dp.get("attributes")), bounds)
                        it.streams.add(key)
                        it.points += 1
                        if kind == "exponential_histogram":
                            pos, neg = dp.get("positive") or {}, dp.get("negative") or {}
                            it.exp.setdefault(key, []).append((
                                int(dp.get("scale", 0)), int(g(dp, "zeroCount", "zero_count") or 0),
                                int(pos.get("offset", 0)), [int(c) for c in g(pos, "bucketCounts", "bucket_counts") or []],
                                int(neg.get("offset", 0)), [int(c) for c in g(neg, "bucketCounts", "bucket_counts") or []]))


def nearest_rank(values, pct):
    v = sorted(values)
    if not v:
        return 0
    k = (len(v) * pct + 99) // 100
    return v[max(k, 1) - 1]
