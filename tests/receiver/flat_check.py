#!/usr/bin/python3
"""What otlp-replay delivered of a flat NDJSON dataset (seed 003's format),
for the receiver cases:

    flat_check.py GEN_DIR SAVED_DIR NDJSON_DIR [--new-ids]

GEN_DIR is receiver.py's --gen-dir (its Python protobuf modules), SAVED_DIR
its --save-dir (every accepted request), NDJSON_DIR the replayed files.
Prints "summary key=value ..." for check.py:
  in_spans in_logs in_logs_traced in_events in_points in_errors
  rx_spans rx_logs rx_logs_traced rx_events rx_points rx_errors
  rx_logs_unresolved   log records whose trace id no span delivered has
  rx_parents_unresolved spans whose parent no span of their trace is
  rx_same_ids          1: the span and trace ids are the files' (hex as it
                       is, any other text by SHA-256: 16 or 8 bytes)
  rx_same_times        1: start and end of every span as the files say
  rx_same_durations    1: the spans' durations, as a multiset (--new-ids)
  rx_same_logs rx_same_events rx_same_points  1: level/message/trace,
                       type/service/details/severity/version,
                       service/metric/unit/value as in the files
  rx_resources_ok      1: every item's resource is its service.name"""
import calendar
import datetime
import hashlib
import json
import os
import sys
from decimal import Decimal


def ns_of(ts):
    t = datetime.datetime.fromisoformat(ts)
    return calendar.timegm(t.utctimetuple()) * 10**9 + t.microsecond * 1000


def flat_id(s, n):
    try:
        b = bytes.fromhex(s) if len(s) == 2 * n else None
    except ValueError:
        b = None
    if b is None or not any(b):
        b = bytearray(hashlib.sha256(s.encode()).digest()[:n])
        if not any(b):
            b[-1] = 1
        b = bytes(b)
    return b


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l, parse_float=Decimal) for l in f if l.strip()]


def main(argv):
    gen, saved, src = argv[:3]
    new_ids = "--new-ids" in argv
    sys.path.insert(0, gen)
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
    from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2

    spans, logs, events, points, res_ok = [], [], [], [], True
    for name in sorted(os.listdir(saved)):
        data = open(os.path.join(saved, name), "rb").read()
        if name.endswith("-traces.binpb"):
            req = trace_service_pb2.ExportTraceServiceRequest.FromString(data)
            for rs in req.resource_spans:
                svc = [a.value.string_value for a in rs.resource.attributes if a.key == "service.name"]
                res_ok &= len(rs.resource.attributes) == 1 and len(svc) == 1
                for ss in rs.scope_spans:
                    for s in ss.spans:
                        spans.append((svc[0] if svc else None, s))
        elif name.endswith("-logs.binpb"):
            req = logs_service_pb2.ExportLogsServiceRequest.FromString(data)
            for rl in req.resource_logs:
                svc = [a.value.string_value for a in rl.resource.attributes if a.key == "service.name"]
                for sl in rl.scope_logs:
                    for r in sl.log_records:
                        (events if r.event_name else logs).append((svc[0] if svc else None, r))
        elif name.endswith("-metrics.binpb"):
            req = metrics_service_pb2.ExportMetricsServiceRequest.FromString(data)
            for rm in req.resource_metrics:
                svc = [a.value.string_value for a in rm.resource.attributes if a.key == "service.name"]
                for sm in rm.scope_metrics:
                    for m in sm.metrics:
                        for p in m.gauge.data_points:
                            v = None if p.flags & 1 else (
                                p.as_int if p.WhichOneof("value") == "as_int" else p.as_double)
                            points.append((svc[0] if svc else None, m.name, m.unit or None, v))
    t_in = lines(os.path.join(src, "traces.ndjson"))
    l_in = lines(os.path.join(src, "logs.ndjson"))
    e_in = lines(os.path.join(src, "events.ndjson"))
    m_in = lines(os.path.join(src, "metrics.ndjson"))
    span_ids = {(s.trace_id, s.span_id) for _, s in spans}
    trace_ids = {s.trace_id for _, s in spans}
    out = {
        "in_spans": len(t_in), "in_logs": len(l_in), "in_events": len(e_in), "in_points": len(m_in),
        "in_logs_traced": sum(1 for l in l_in if l.get("trace_id")),
        "in_errors": sum(1 for t in t_in if str(t.get("status")).lower() == "error"),
        "rx_spans": len(spans), "rx_logs": len(logs), "rx_events": len(events), "rx_points": len(points),
        "rx_logs_traced": sum(1 for _, r in logs if r.trace_id),
        "rx_errors": sum(1 for _, s in spans if s.status.code == 2),
        "rx_logs_unresolved": sum(1 for _, r in logs if r.trace_id and r.trace_id not in trace_ids),
        "rx_parents_unresolved": sum(1 for _, s in spans
                                     if s.parent_span_id and (s.trace_id, s.parent_span_id) not in span_ids),
        "rx_resources_ok": int(res_ok),
    }
    want_ids = {(flat_id(t["trace_id"], 16), flat_id(t["span_id"], 8)) for t in t_in}
    out["rx_same_ids"] = int(want_ids == span_ids)
    dur = lambda t: int(Decimal(str(t["duration_ms"])) * 10**6)
    want_times = sorted((flat_id(t["trace_id"], 16), flat_id(t["span_id"], 8), t["service"], t["operation"],
                         ns_of(t["timestamp"]), ns_of(t["timestamp"]) + dur(t)) for t in t_in)
    got_times = sorted((s.trace_id, s.span_id, svc, s.name, s.start_time_unix_nano, s.end_time_unix_nano)
                       for svc, s in spans)
    out["rx_same_times"] = int(want_times == got_times)
    out["rx_same_durations"] = int(sorted(dur(t) for t in t_in) ==
                                   sorted(s.end_time_unix_nano - s.start_time_unix_nano for _, s in spans))
    tid = (lambda t: b"" if not t else flat_id(t, 16)) if not new_ids else (lambda t: bool(t))
    rtid = (lambda b: b) if not new_ids else (lambda b: bool(b))
    out["rx_same_logs"] = int(sorted((l["service"], l.get("level") or "", l.get("message") or "",
                                      tid(l.get("trace_id")))
                                     for l in l_in) ==
                              sorted((svc, r.severity_text, r.body.string_value, rtid(r.trace_id))
                                     for svc, r in logs))
    ver = lambda r: next((a.value.string_value for a in r.attributes if a.key == "service.version"), None)
    out["rx_same_events"] = int(sorted((e["type"], e["service"], e.get("details") or "",
                                        e.get("severity") or "", e.get("version") or "")
                                       for e in e_in) ==
                                sorted((r.event_name, svc, r.body.string_value, r.severity_text, ver(r) or "")
                                       for svc, r in events))
    out["rx_same_points"] = int(sorted((m["service"], m["metric"], m.get("unit"),
                                        None if m["value"] is None else float(m["value"])) for m in m_in) ==
                                sorted((s, n, u, None if v is None else float(v)) for s, n, u, v in points))
    print("summary " + " ".join(f"{k}={v}" for k, v in out.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
