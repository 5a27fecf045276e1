"""Adds the signals otelsim does not write yet to a rendered traces dataset,
for the report tests: logs.binpb (protobuf, 4-byte framing, linked to the
spans), events.jsonl (OTLP/JSON log records with event_name), metrics.binpb
(a cumulative sum with two attribute sets, a gauge and a cumulative
histogram per service, one point per second), ground_truth.json in issue
9's shape (one injection with its trace ids inline, one with a
trace_ids_file), and a manifest.json rewritten with extra keys a newer
otelsim may write (per-signal counts), to check the report reads manifests
generously. Deterministic: the same traces give the same files.

usage: make_data.py DATASET_DIR
"""
import datetime
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import otlp_read  # noqa: E402


def rfc3339(ns):
    d = datetime.datetime.fromtimestamp(ns // 10**9, datetime.timezone.utc)
    frac = ns % 10**9
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ("." + ("%09d" % frac) if frac else "") + "Z"


def kv(P, key, value):
    k = P["common"].KeyValue(key=key)
    if isinstance(value, bool):
        k.value.bool_value = value
    elif isinstance(value, int):
        k.value.int_value = value
    elif isinstance(value, float):
        k.value.double_value = value
    else:
        k.value.string_value = value
    return k


def frame(msgs):
    out = b""
    for m in msgs:
        b = m.SerializeToString()
        out += struct.pack(">I", len(b)) + b
    return out


def main(ds):
    P = otlp_read.pb()
    items = otlp_read.read_items([os.path.join(ds, "traces.binpb")])
    spans = sorted(items.spans, key=lambda s: (s["start"], s["span"]))
    t0 = min(s["start"] for s in spans)
    t1 = max(s["end"] for s in spans)
    rng = t1 - t0
    services = sorted({s["service"] for s in spans})

    # logs: a record per root span (INFO), per error span (ERROR), every 7th span (DEBUG)
    ld = P["logs"].LogsData()
    by_svc = {}
    for i, s in enumerate(spans):
        recs = []
        if not s["parent"]:
            recs.append((9, "INFO", "request handled: %s" % s["name"]))
        if s["error"]:
            recs.append((17, "ERROR", "operation failed: %s" % s["name"]))
        if i % 7 == 3:
            recs.append((5, "DEBUG", "step %d" % i))
        for sev, text, body in recs:
            by_svc.setdefault(s["service"], []).append((s, sev, text, body))
    for svc in sorted(by_svc):
        rl = ld.resource_logs.add()
        rl.resource.attributes.append(kv(P, "service.name", svc))
        sl = rl.scope_logs.add()
        sl.scope.name = "report-test"
        for s, sev, text, body in by_svc[svc]:
            lr = sl.log_records.add()
            lr.time_unix_nano = s["start"] + (s["end"] - s["start"]) // 2
            lr.severity_number = sev
            lr.severity_text = text
            lr.body.string_value = body
            lr.trace_id = bytes.fromhex(s["trace"])
            lr.span_id = bytes.fromhex(s["span"])
            lr.attributes.append(kv(P, "code.function.name", s["name"]))
            if s["error"]:
                lr.attributes.append(kv(P, "exception.type", "UnavailableError"))
    with open(os.path.join(ds, "logs.binpb"), "wb") as f:
        f.write(frame([ld]))

    # events: OTLP/JSON, one line per event, no trace
    events = [(0.2, "checkout", "deployment", 9, {"deployment.version": "1.9.4"}),
              (0.6, "payment", "config_change", 13, {"config.key": "timeout_ms", "config.value": "250"}),
              (0.8, "checkout", "scale", 9, {"replicas": 6})]
    with open(os.path.join(ds, "events.jsonl"), "w") as f:
        for frac, svc, name, sev, attrs in events:
            attr_json = []
            for k, v in attrs.items():
                attr_json.append({"key": k, "value": {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}})
            line = {"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": svc}}]},
                                      "scopeLogs": [{"scope": {"name": "report-test"}, "logRecords": [{
                                          "timeUnixNano": str(t0 + int(rng * frac)), "severityNumber": sev,
                                          "eventName": name, "body": {"stringValue": name + " of " + svc},
                                          "attributes": attr_json}]}]}]}
            f.write(json.dumps(line, separators=(",", ":")) + "\n")

    # metrics: per service, per second
    md = P["metrics"].MetricsData()
    bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5]
    step = 10**9
    windows = list(range(t0 - t0 % step + step, t1 + step, step))
    for svc in services:
        rm = md.resource_metrics.add()
        rm.resource.attributes.append(kv(P, "service.name", svc))
        sm = rm.scope_metrics.add()
        sm.scope.name = "report-test"
        count = sm.metrics.add(name="app.requests", unit="{request}", description="spans ended, by outcome")
        count.sum.aggregation_temporality = 2
        count.sum.is_monotonic = True
        cpu = sm.metrics.add(name="process.cpu.utilization", unit="1", description="a made-up gauge")
        hist = sm.metrics.add(name="app.duration", unit="s", description="span durations")
        hist.histogram.aggregation_temporality = 2
        mine = [s for s in spans if s["service"] == svc]
        for wi, w in enumerate(windows):
            done = [s for s in mine if s["end"] <= w]
            for outcome in ("ok", "error"):
                dp = count.sum.data_points.add(start_time_unix_nano=t0, time_unix_nano=w)
                dp.as_int = sum(1 for s in done if s["error"] == (outcome == "error"))
                dp.attributes.append(kv(P, "outcome", outcome))
            g = cpu.gauge.data_points.add(time_unix_nano=w)
            g.as_double = 0.2 + 0.05 * (wi % 7)
            h = hist.histogram.data_points.add(start_time_unix_nano=t0, time_unix_nano=w)
            secs = [(s["end"] - s["start"]) / 1e9 for s in done]
            h.count = len(secs)
            h.sum = sum(secs)
            h.explicit_bounds.extend(bounds)
            counts = [0] * (len(bounds) + 1)
            for x in secs:
                counts[sum(1 for b in bounds if x > b)] += 1
            h.bucket_counts.extend(counts)
    with open(os.path.join(ds, "metrics.binpb"), "wb") as f:
        f.write(frame([md]))

    # ground truth: issue 9's shape
    def window(a, b):
        return t0 + int(rng * a), t0 + int(rng * b)
    s1, e1 = window(0.3, 0.5)
    failed = [s for s in spans if s["error"] and s1 <= s["start"] <= e1]
    ids1 = sorted({s["trace"] for s in failed})
    s2, e2 = window(0.7, 0.75)
    slow = sorted({s["trace"] for s in spans if s2 <= s["start"] <= e2})
    gt = {"injections": [
        {"id": "inj-1", "kind": "error_rate", "scenario": "checkout_flow", "service": "payment",
         "span_type": "POST /v1/payments", "start": rfc3339(s1), "end": rfc3339(e1),
         "spans": len(failed), "traces": len(ids1), "trace_ids": ids1},
        {"id": "inj-2", "kind": "latency", "scenario": "checkout_flow", "service": "checkout",
         "span_type": "POST /checkout", "start": rfc3339(s2), "end": rfc3339(e2),
         "spans": len(slow), "traces": len(slow), "trace_ids_file": "ground_truth.traces.ndjson"}]}
    with open(os.path.join(ds, "ground_truth.json"), "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    with open(os.path.join(ds, "ground_truth.traces.ndjson"), "w") as f:
        for t in slow:
            f.write(json.dumps({"injection": "inj-2", "trace_id": t}) + "\n")

    # the manifest, as a newer otelsim might write it (unknown keys included)
    with open(os.path.join(ds, "manifest.json")) as f:
        man = json.load(f)
    man["files"] = []
    for name, signal, n in (("traces.binpb", "traces", len(spans)), ("logs.binpb", "logs", sum(len(v) for v in by_svc.values())),
                            ("events.jsonl", "events", len(events)), ("metrics.binpb", "metrics", None)):
        with open(os.path.join(ds, name), "rb") as f:
            data = f.read()
        entry = {"name": name, "signal": signal, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        if n is not None:
            entry["count"] = n
        man["files"].append(entry)
    man["signals"] = {"traces": {"spans": len(spans)}, "logs": {"records": sum(len(v) for v in by_svc.values())}}
    man["seed"] = 18446744073709551557  # a 64-bit seed: its digits must survive
    with open(os.path.join(ds, "manifest.json"), "w") as f:
        json.dump(man, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
