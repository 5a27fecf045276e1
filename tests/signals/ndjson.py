#!/usr/bin/python3
"""Seed 003's flat NDJSON (--format ndjson), checked with Python's json
(independent of our readers) against the OTLP/JSON rendering of the same
run:

- every line of metrics/logs/traces/events.ndjson is one JSON object with
  exactly seed 003's keys in its order, each of the right type (null only
  where it does not apply), timestamps YYYY-MM-DDTHH:MM:SS.ffffff+00:00;
- record for record, the flat files hold what the OTLP/JSON files of the
  same run hold: spans (ids, parent, service, name, start, duration to the
  nanosecond, status), log records (level, message, trace id), events
  (type, service, details, severity, version) and data points (one line a
  point: a gauge's or sum's value, a histogram's interval mean);
- the manifest lists each file with its lines as records, its size and
  SHA-256, and its counts agree with the lines.
Every bundled scenario, plus a mixed run. Prints TAP."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
OTELSIM = os.path.join(ROOT, BUILD, "otelsim")
ENV = dict(os.environ, LC_ALL="C", TZ="UTC")
results = []

KEYS = {
    "metrics": ["timestamp", "service", "metric", "value", "unit"],
    "logs": ["timestamp", "service", "level", "message", "trace_id"],
    "traces": ["timestamp", "trace_id", "span_id", "parent_span_id", "service", "operation",
               "duration_ms", "status"],
    "events": ["timestamp", "type", "service", "details", "severity", "version"],
}
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")
HEX32, HEX16 = re.compile(r"^[0-9a-f]{32}$"), re.compile(r"^[0-9a-f]{16}$")
NUM = (int, Decimal)


def tap(ok, name, detail=""):
    results.append((bool(ok), name, detail))


def otelsim(*args):
    p = subprocess.run([OTELSIM, *args, "--quiet"], capture_output=True, env=ENV, timeout=300)
    if p.returncode:
        raise RuntimeError(f"otelsim {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")


def stamp(ns):
    import datetime
    s, rest = divmod(int(ns), 10**9)
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=s)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{rest // 1000:06d}+00:00"


def lines_of(path):
    with open(path, "rb") as f:
        return [json.loads(line, object_pairs_hook=lambda kv: kv, parse_float=Decimal)
                for line in f.read().decode().splitlines()]


# the type each field may have: str, a number, or None where it may not apply
TYPES = {
    "timestamp": (str,), "service": (str,), "metric": (str,), "value": NUM + (type(None),),
    "unit": (str, type(None)), "level": (str, type(None)), "message": (str, type(None)),
    "trace_id": (str, type(None)), "span_id": (str,), "parent_span_id": (str, type(None)),
    "operation": (str,), "duration_ms": NUM, "status": (str,), "type": (str,),
    "details": (str, type(None)), "severity": (str, type(None)), "version": (str, type(None)),
}


def check_shape(kind, pairs):
    """'' when the line is right, else what is wrong."""
    keys = [k for k, _ in pairs]
    if keys != KEYS[kind]:
        return f"keys {keys}"
    d = dict(pairs)
    for k, v in pairs:
        if not isinstance(v, TYPES[k]) or isinstance(v, bool):
            return f"{k}: {v!r} is a {type(v).__name__}"
    if not STAMP.match(d["timestamp"]):
        return f"timestamp {d['timestamp']}"
    if kind == "traces":
        if not HEX32.match(d["trace_id"]) or not HEX16.match(d["span_id"]):
            return "ids"
        if d["parent_span_id"] is not None and not HEX16.match(d["parent_span_id"]):
            return "parent id"
        if d["status"] not in ("success", "error"):
            return f"status {d['status']}"
    if kind == "logs" and d["trace_id"] is not None and not HEX32.match(d["trace_id"]):
        return "trace id"
    if kind == "logs" and d["level"] is not None and d["level"] != d["level"].upper():
        return "level not upper-case"
    return ""


def kv_attrs(kvs):
    out = {}
    for kv in kvs or []:
        v = kv.get("value", {})
        out[kv["key"]] = next(iter(v.values())) if v else None
    return out


def otlp_items(path, res_key, scope_key, items_key):
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            for rs in json.loads(line, parse_float=Decimal)[res_key]:
                svc = kv_attrs(rs["resource"]["attributes"]).get("service.name")
                for ss in rs.get(scope_key, []):
                    for it in ss.get(items_key, []):
                        out.append((svc, it))
    return out


def want_spans(ds):
    out = []
    for svc, s in otlp_items(os.path.join(ds, "traces.jsonl"), "resourceSpans", "scopeSpans", "spans"):
        start, end = int(s["startTimeUnixNano"]), int(s["endTimeUnixNano"])
        out.append([("timestamp", stamp(start)), ("trace_id", s["traceId"]), ("span_id", s["spanId"]),
                    ("parent_span_id", s.get("parentSpanId") or None), ("service", svc),
                    ("operation", s["name"]), ("duration_ms", Decimal(end - start) / Decimal(10**6)),
                    ("status", "error" if s.get("status", {}).get("code") == 2 else "success")])
    return out


def body(r):
    b = r.get("body")
    return b.get("stringValue") if b else None


def want_logs(ds, name):
    out = []
    for svc, r in otlp_items(os.path.join(ds, name), "resourceLogs", "scopeLogs", "logRecords"):
        t = int(r.get("timeUnixNano") or r.get("observedTimeUnixNano"))
        if name.startswith("logs"):
            out.append([("timestamp", stamp(t)), ("service", svc),
                        ("level", r.get("severityText", "").upper() or None), ("message", body(r)),
                        ("trace_id", r.get("traceId") or None)])
        else:
            a = kv_attrs(r.get("attributes"))
            ver = next((v for k, v in a.items() if k == "version" or k.endswith(".version")), None)
            out.append([("timestamp", stamp(t)), ("type", r.get("eventName")), ("service", svc),
                        ("details", body(r)), ("severity", r.get("severityText", "").lower() or None),
                        ("version", ver)])
    return out


def want_points(ds):
    out, prev = [], {}
    for svc, m in otlp_items(os.path.join(ds, "metrics.jsonl"), "resourceMetrics", "scopeMetrics", "metrics"):
        kind = next(k for k in ("gauge", "sum", "histogram", "exponentialHistogram") if k in m)
        cumulative = m[kind].get("aggregationTemporality") == 2
        for p in m[kind]["dataPoints"]:
            if kind in ("gauge", "sum"):
                v = int(p["asInt"]) if "asInt" in p else p.get("asDouble", 0)
            else:
                key = (m["name"], svc, json.dumps(p.get("attributes", []), sort_keys=True))
                s, c = p.get("sum"), int(p.get("count", 0))
                if cumulative:
                    ps, pc = prev.get(key, (0.0, 0))
                    prev[key] = (float(s) if s is not None else 0.0, c)
                    s, c = (float(s) - ps if s is not None else None), c - pc
                v = None if s is None or c == 0 else float(s) / c
            out.append([("timestamp", stamp(int(p["timeUnixNano"]))), ("service", svc),
                        ("metric", m["name"]), ("value", v), ("unit", m.get("unit") or None)])
    return out


def floats(lines):
    """Metric values as floats (the mean is a double division on both sides)."""
    return [[(k, float(v) if k == "value" and v is not None else v) for k, v in pairs]
            for pairs in lines]


def same(got, want):
    """The same records: the OTLP files group a record's items by resource
    (batch order within each), the flat files keep batch order."""
    return sorted(map(repr, got)) == sorted(map(repr, want))


def check_dataset(nd, oj, label):
    names = sorted(f for f in os.listdir(nd) if f.endswith(".ndjson"))
    jnames = sorted(f[:-len(".jsonl")] + ".ndjson" for f in os.listdir(oj) if f.endswith(".jsonl"))
    tap(names == jnames, f"{label}: a flat file for every signal of the OTLP/JSON run ({', '.join(names)})",
        f"{names} vs {jnames}")
    man = json.load(open(os.path.join(nd, "manifest.json")))
    listed = {f["name"]: f for f in man["files"]}
    for name in names:
        kind = name[:-len(".ndjson")]
        path = os.path.join(nd, name)
        data = open(path, "rb").read()
        got = [[(k, Decimal(v) if k == "duration_ms" else v) for k, v in pairs]
               for pairs in lines_of(path)]
        bad = [(i + 1, why) for i, pairs in enumerate(got) for why in [check_shape(kind, pairs)] if why]
        tap(got and not bad, f"{label}/{name}: {len(got)} lines, each seed 003's keys in order, typed",
            f"line {bad[:1]}")
        f = listed.get(name, {})
        tap(f.get("records") == len(got) and f.get("size") == len(data) and
            f.get("sha256") == hashlib.sha256(data).hexdigest() and f.get("signal") == kind,
            f"{label}/{name}: the manifest lists it with its lines, size and SHA-256", str(f))
        if kind == "traces":
            want = want_spans(oj)
            tap(same(got, want) and man["counts"]["spans"] == len(got),
                f"{label}/{name}: span for span the OTLP/JSON run's {len(want)} spans",
                first_diff(got, want))
        elif kind in ("logs", "events"):
            want = want_logs(oj, kind + ".jsonl")
            count = man["counts"]["log_records" if kind == "logs" else "events"]
            tap(same(got, want) and count == len(got),
                f"{label}/{name}: record for record the OTLP/JSON run's {len(want)} {kind}",
                first_diff(got, want))
        else:
            want, got = floats(want_points(oj)), floats(got)
            tap(same(got, want) and man["counts"]["data_points"] == len(got),
                f"{label}/{name}: point for point the OTLP/JSON run's {len(want)} data points",
                first_diff(got, want))


def first_diff(got, want):
    if len(got) != len(want):
        return f"{len(got)} lines, {len(want)} wanted"
    got, want = sorted(map(repr, got)), sorted(map(repr, want))
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"{g} != {w}"
    return ""


def main():
    tmp = tempfile.mkdtemp(prefix="otelsim-ndjson.")
    try:
        nd, oj = os.path.join(tmp, "nd"), os.path.join(tmp, "oj")
        otelsim("render", "--format", "ndjson", "--out", nd)
        otelsim("render", "--format", "otlp-json", "--out", oj)
        otelsim("scenario", "--name", "example_scenario", "--format", "ndjson", "--out", nd)
        otelsim("scenario", "--name", "example_scenario", "--format", "otlp-json", "--out", oj)
        for args in (["run", "--count", "300"], ["run", "--count", "200", "--temporality", "delta"]):
            label = "_".join(args)
            otelsim(*args, "--format", "ndjson", "--out", os.path.join(nd, label))
            otelsim(*args, "--format", "otlp-json", "--out", os.path.join(oj, label))
        dirs = sorted(os.path.relpath(d, nd) for d, _, fs in os.walk(nd) if "manifest.json" in fs)
        kinds = set()
        for rel in dirs:
            check_dataset(os.path.join(nd, rel), os.path.join(oj, rel), rel)
            kinds |= {f for f in os.listdir(os.path.join(nd, rel)) if f.endswith(".ndjson")}
        tap(kinds == {"traces.ndjson", "metrics.ndjson", "logs.ndjson", "events.ndjson"},
            f"{len(dirs)} datasets checked, every signal among them", str(sorted(kinds)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and detail:
            print(f"#   {detail}")
    return 0 if all(r[0] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
