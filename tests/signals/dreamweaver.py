#!/usr/bin/python3
"""Seed 004's Dreamweaver configs, through the real command (`otelsim run
FILE`), read back as OTLP/JSON with Python's json (independent of our
readers).

- the bundled complete example, byte for byte as the seed prints it
  (scenarios/dreamweaver/example-config.yaml), renders; its spans follow
  the graph: every root is an entry point, every parent/child pair is a
  CLIENT span of the caller over the callee's SERVER span (or a downstream
  client span under its caller), and each service span's own time (its
  duration minus its calls') lies in 50%..200% of its base;
- a graph with two entry points, a diamond, a producer and a consumer:
  roots only at entry points (both used), kinds per the dialect, every
  edge a `downstream` one, failures visible to every caller;
- metrics and logs agree with the traces: each counter is the service's
  spans, each histogram's count its spans, each log record carries the
  ids of a span of its service, and its body is one of the patterns;
- the same seed string gives the same bytes across runs, threads and
  shards (3 shards concatenate to the whole);
- the workload: `duration` bounds every request's arrival.
Prints TAP."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
OTELSIM = os.path.join(ROOT, BUILD, "otelsim")
ENV = dict(os.environ, LC_ALL="C", TZ="UTC", OTELSIM_HOME=ROOT)
EXAMPLE = os.path.join(ROOT, "scenarios", "dreamweaver", "example-config.yaml")
SEED = os.path.join(ROOT, "..", "shared", "seeds")
results = []

GRAPH = """seed: "two-doors"
templates:
  edge:
    traces: {span_kind: server, operations: ["GET /a", "GET /b"], error_rate: 0.05, base_duration_ms: 20}
    metrics:
      - {name: edge.requests, type: counter}
      - {name: edge.request.duration, type: histogram, unit: ms}
    logs:
      - patterns: ["from {ip} user {user_id}", "req {request_id} took {duration}ms"]
      - patterns: ["failed: {error}"]
        severity: warn
  worker:
    traces: {span_kind: internal, operations: [work], base_duration_ms: 5}
  queue:
    traces: {span_kind: producer, operations: [enqueue], base_duration_ms: 2}
  reader:
    traces: {span_kind: consumer, operations: [dequeue], error_rate: 0.1, base_duration_ms: 8}
  db:
    traces: {span_kind: client, operations: [SELECT], error_rate: 0.02, base_duration_ms: 3}
    metrics:
      - {name: db.client.operation.duration, type: histogram, unit: s}
services:
  - {name: web, type: edge, downstream: [left, right]}
  - {name: mobile, type: edge, downstream: [right, queue]}
  - {name: left, type: worker, downstream: [store]}
  - {name: right, type: edge, downstream: [store]}
  - {name: queue, type: queue, downstream: [reader]}
  - {name: reader, type: reader, downstream: [store]}
  - {name: store, type: db}
workload: {rate: 50/s, duration: 20s}
output: {endpoint: "localhost:4317", batch_size: 10}
"""
EDGES = {("web", "left"), ("web", "right"), ("mobile", "right"), ("mobile", "queue"),
         ("left", "store"), ("right", "store"), ("queue", "reader"), ("reader", "store")}
BASE = {"web": 20, "mobile": 20, "right": 20, "left": 5, "queue": 2, "reader": 8, "store": 3}
KIND = {"SERVER": 2, "CLIENT": 3, "PRODUCER": 4, "CONSUMER": 5, "INTERNAL": 1}


def tap(ok, name, detail=""):
    results.append((bool(ok), name, detail))


def otelsim(cwd, *args):
    p = subprocess.run([OTELSIM, *args, "--quiet"], capture_output=True, env=ENV, timeout=300,
                       cwd=cwd)
    if p.returncode:
        raise RuntimeError(f"otelsim {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")


def sval(v):
    for k in ("stringValue", "intValue", "doubleValue", "boolValue"):
        if k in v:
            return v[k]
    return None


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(x) for x in f if x.strip()]


def read_spans(d):
    spans = []
    for rec in lines(os.path.join(d, "traces.jsonl")):
        for rs in rec["resourceSpans"]:
            svc = next(sval(a["value"]) for a in rs["resource"]["attributes"]
                       if a["key"] == "service.name")
            for ss in rs["scopeSpans"]:
                for s in ss["spans"]:
                    s["service"] = svc
                    s["dur"] = (int(s["endTimeUnixNano"]) - int(s["startTimeUnixNano"])) / 1e6
                    spans.append(s)
    return spans


def read_metrics(d):
    out = {}  # (service, name) -> last point
    path = os.path.join(d, "metrics.jsonl")
    if not os.path.exists(path):
        return out
    for rec in lines(path):
        for rm in rec["resourceMetrics"]:
            svc = next(sval(a["value"]) for a in rm["resource"]["attributes"]
                       if a["key"] == "service.name")
            for sm in rm["scopeMetrics"]:
                for m in sm["metrics"]:
                    data = m.get("sum") or m.get("histogram") or m.get("gauge")
                    for p in data["dataPoints"]:
                        out.setdefault((svc, m["name"]), []).append(p)
    return out


def read_logs(d):
    logs = []
    path = os.path.join(d, "logs.jsonl")
    if not os.path.exists(path):
        return logs
    for rec in lines(path):
        for rl in rec["resourceLogs"]:
            svc = next(sval(a["value"]) for a in rl["resource"]["attributes"]
                       if a["key"] == "service.name")
            for sl in rl["scopeLogs"]:
                for r in sl["logRecords"]:
                    r["service"] = svc
                    logs.append(r)
    return logs


def by_trace(spans):
    traces = {}
    for s in spans:
        traces.setdefault(s["traceId"], []).append(s)
    return traces


def children_of(spans):
    ch = {}
    for s in spans:
        if s.get("parentSpanId"):
            ch.setdefault(s["parentSpanId"], []).append(s)
    return ch


def check_example(tmp):
    with open(EXAMPLE, encoding="utf-8") as f:
        mine = f.read()
    seeds = glob.glob(os.path.join(SEED, "004_*.txt"))
    if seeds:
        text = open(seeds[0], encoding="utf-8").read()
        i = text.index("## Complete Example")
        j = text.index("```yaml\n", i) + 8
        tap(mine == text[j:text.index("```", j)],
            "the bundled example is seed 004's complete example, byte for byte")
    shutil.copy(EXAMPLE, tmp)
    otelsim(tmp, "run", "example-config.yaml", "--out", "ex", "--format", "otlp-json")
    d = os.path.join(tmp, "ex", "example-config")
    spans = read_spans(d)
    traces = by_trace(spans)
    tap(len(traces) == 600, "the example renders 10/s for 1m: 600 requests", len(traces))
    roots = [s for s in spans if not s.get("parentSpanId")]
    tap(len(roots) == 600 and all(r["service"] == "api-gateway" and r["kind"] == KIND["SERVER"]
                                  for r in roots),
        "every root is the entry point's SERVER span (api-gateway)")
    ids = {s["spanId"]: s for s in spans}
    bad = []
    for s in spans:
        p = ids.get(s.get("parentSpanId"))
        if not p:
            continue
        pair = (p["service"], s["service"])
        if pair == ("api-gateway", "api-gateway") and s["kind"] == KIND["CLIENT"]:
            ok = s["name"] == "user-service"
        elif pair == ("api-gateway", "user-service"):
            ok = p["kind"] == KIND["CLIENT"] and s["kind"] == KIND["SERVER"]
        elif pair == ("user-service", "user-service"):
            ok = s["kind"] == KIND["CLIENT"] and s["name"] == "users-db"
        elif pair == ("user-service", "users-db"):
            ok = p["kind"] == KIND["SERVER"] and s["kind"] == KIND["CLIENT"]
        else:
            ok = False
        if not ok:
            bad.append((pair, p["name"], s["name"]))
    tap(not bad, "every edge follows services/downstream (CLIENT call spans over SERVER spans)",
        bad[:3])
    ops = {"api-gateway": {"GET /api/users", "POST /api/orders"},
           "user-service": {"GET /api/users", "POST /api/orders"},
           "users-db": {"SELECT", "INSERT", "UPDATE"}}
    svc_spans = [s for s in spans if s["name"] in ops[s["service"]]]
    tap(all(s["name"] in ops[s["service"]] for s in svc_spans) and
        {s["name"] for s in svc_spans if s["service"] == "users-db"} == ops["users-db"],
        "operations are picked among the template's")
    base = {"api-gateway": 50, "user-service": 50, "users-db": 25}
    bad = []
    ch = children_of(spans)
    for s in svc_spans:
        own = s["dur"] - sum(c["dur"] for c in ch.get(s["spanId"], []))
        b = base[s["service"]]
        if not (0.5 * b - 1e-6 <= own <= 2 * b + 1e-6):
            bad.append((s["service"], own))
    tap(not bad, "each span's own time is 50%..200% of its base (plus its calls)", bad[:3])
    check_signals(d, spans, svc_spans, {
        "api-gateway": ["http.server.request.duration", "http.server.request.total"],
        "user-service": ["http.server.request.duration", "http.server.request.total"],
        "users-db": ["db.client.query.duration"]},
        {"api-gateway": [r"Request from \d+\.\d+\.\d+\.\d+", r"Completed in \d+ms"],
         "user-service": [r"Request from \d+\.\d+\.\d+\.\d+", r"Completed in \d+ms"]},
        "the example")
    return spans


def check_signals(d, spans, svc_spans, metrics, patterns, what):
    ms = read_metrics(d)
    per = {}
    for s in svc_spans:
        per[s["service"]] = per.get(s["service"], 0) + 1
    bad = []
    for svc, names in metrics.items():
        for n in names:
            pts = ms.get((svc, n))
            if not pts:
                bad.append((svc, n, "missing"))
                continue
            last = pts[-1]
            if "asInt" in last:
                got = int(last["asInt"])
            elif "count" in last:  # cumulative: the last point holds them all
                got = int(last["count"])
            else:
                got = None
            if got != per.get(svc, 0):
                bad.append((svc, n, got, per.get(svc, 0)))
    tap(not bad, f"{what}: each counter is its service's spans, each histogram's count too",
        bad[:4])
    ids = {s["spanId"]: s for s in spans}
    bad, n = [], 0
    for (svc, name), pts in ms.items():
        for p in pts:
            for ex in p.get("exemplars", []):
                n += 1
                s = ids.get(ex.get("spanId"))
                if not s or s["service"] != svc or s["traceId"] != ex.get("traceId") or \
                        abs(s["dur"] - ex["asDouble"] * (1000 if name.endswith("operation.duration") else 1)) > 1e-3:
                    bad.append((svc, name, ex.get("spanId")))
    tap(n > 0 and not bad, f"{what}: histogram exemplars point at their spans (and durations)",
        (n, bad[:3]))
    logs = read_logs(d)
    ids = {s["spanId"]: s for s in spans}
    bad = []
    counts = {}
    for r in logs:
        s = ids.get(r.get("spanId"))
        body = r.get("body", {}).get("stringValue", "")
        if not s or s["service"] != r["service"] or r.get("traceId") != s["traceId"]:
            bad.append(("ids", r.get("spanId")))
        elif not any(re.fullmatch(p, body) for p in patterns.get(r["service"], [])):
            bad.append(("body", body))
        counts[r["service"]] = counts.get(r["service"], 0) + 1
    tap(not bad, f"{what}: every log record carries a span of its service and a pattern's body",
        bad[:3])
    return counts, per


def check_graph(tmp):
    path = os.path.join(tmp, "doors.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(GRAPH)
    otelsim(tmp, "run", "doors.yaml", "--out", "g", "--format", "otlp-json")
    d = os.path.join(tmp, "g", "doors")
    spans = read_spans(d)
    ids = {s["spanId"]: s for s in spans}
    roots = [s for s in spans if not s.get("parentSpanId")]
    starts = {r["service"] for r in roots}
    tap(starts == {"web", "mobile"} and len(roots) == len(by_trace(spans)),
        "two entry points: one root per trace, each an entry point, both used", starts)
    n_web = sum(r["service"] == "web" for r in roots)
    tap(abs(n_web - len(roots) / 2) <= 3 * (len(roots) / 4) ** 0.5,
        "the entry point is picked uniformly (within 3 sigma)", (n_web, len(roots)))
    bad = []
    for s in spans:
        p = ids.get(s.get("parentSpanId"))
        if not p:
            continue
        if p["service"] == s["service"]:
            # a call span of the caller: CLIENT over a SERVER, PRODUCER over a CONSUMER
            want = {KIND["CLIENT"]: s["name"], KIND["PRODUCER"]: s["name"].replace("publish ", "")}
            if s["kind"] not in want or (p["service"], want[s["kind"]]) not in EDGES:
                bad.append(("call", p["service"], s["name"], s["kind"]))
            continue
        if (p["service"], s["service"]) not in EDGES:
            bad.append(("edge", p["service"], s["service"]))
        elif s["service"] in ("right",) and not (p["kind"] == KIND["CLIENT"] and
                                                   s["kind"] == KIND["SERVER"]):
            bad.append(("server", p["service"], s["service"], p["kind"], s["kind"]))
        elif s["service"] == "reader" and s["kind"] != KIND["CONSUMER"]:
            bad.append(("consumer", s["kind"]))
        elif s["service"] == "store" and s["kind"] != KIND["CLIENT"]:
            bad.append(("client", s["kind"]))
    tap(not bad, "every edge is a downstream one; kinds: CLIENT>SERVER, producer>CONSUMER, "
        "client spans direct", bad[:4])
    # failures: a failed span's callers fail with it, up to the root
    failed_bad = []
    for s in spans:
        if s.get("status", {}).get("code") != 2:
            continue
        p = ids.get(s.get("parentSpanId"))
        if p and p.get("status", {}).get("code") != 2:
            failed_bad.append((s["service"], p["service"]))
    nfail = sum(s.get("status", {}).get("code") == 2 for s in spans)
    tap(nfail > 0 and not failed_bad, "a callee's error is visible to its caller (ERROR up to "
        "the root)", (nfail, failed_bad[:3]))
    svc_spans = [s for s in spans if s["name"] not in BASE and not s["name"].startswith("publish ")]
    ch = children_of(spans)
    bad = []
    for s in svc_spans:
        own = s["dur"] - sum(c["dur"] for c in ch.get(s["spanId"], []))
        b = BASE[s["service"]]
        if not (0.5 * b - 1e-6 <= own <= 2 * b + 1e-6):
            bad.append((s["service"], own))
    tap(not bad, "own times within 50%..200% of each base", bad[:3])
    counts, per = check_signals(
        d, spans, svc_spans,
        {"web": ["edge.requests", "edge.request.duration"],
         "mobile": ["edge.requests", "edge.request.duration"],
         "right": ["edge.requests", "edge.request.duration"],
         "store": ["db.client.operation.duration"]},
        {svc: [r"from \d+\.\d+\.\d+\.\d+ user \d{4}", r"req [0-9a-f]{16} took \d+ms",
               r"failed: (Connection timeout|Connection refused|Internal server error|"
               r"Service unavailable|Deadline exceeded|Resource exhausted|Permission denied|"
               r"Not found)"] for svc in ("web", "mobile", "right")},
        "two entry points")
    tap(all(counts.get(s, 0) == 2 * per[s] for s in ("web", "mobile", "right")),
        "two log templates: two records per span of the service", (counts, per))
    start = min(int(r["startTimeUnixNano"]) for r in roots)
    tap(all(int(r["startTimeUnixNano"]) - 1767225600000000000 < 20e9 for r in roots)
        and start >= 1767225600000000000,
        "duration bounds every request's arrival (20s)")
    return d


def same_bytes(tmp):
    def run(out, *extra):
        otelsim(tmp, "run", "doors.yaml", "--out", out, *extra)
        return os.path.join(tmp, out, "doors")

    a = run("s1")
    b = run("s2")
    c = run("s3", "--threads", "2")
    names = sorted(os.listdir(a))
    same = all(open(os.path.join(a, n), "rb").read() == open(os.path.join(b, n), "rb").read()
               for n in names if n != "manifest.json")
    tap(same, "the same seed string gives the same bytes across runs")
    same = all(open(os.path.join(a, n), "rb").read() == open(os.path.join(c, n), "rb").read()
               for n in names if n.endswith((".binpb", ".json")) and n != "manifest.json")
    tap(same, "and with --threads 2")
    parts = b""
    for k in (1, 2, 3):
        parts += open(os.path.join(run(f"sh{k}", "--shard", f"{k}/3"), "traces.binpb"),
                      "rb").read()
    tap(parts == open(os.path.join(a, "traces.binpb"), "rb").read(),
        "3 shards' traces concatenate to the whole run's")
    other = GRAPH.replace('seed: "two-doors"', 'seed: "two-doors!"')
    with open(os.path.join(tmp, "doors.yaml"), "w", encoding="utf-8") as f:
        f.write(other)
    e = run("s4")
    tap(open(os.path.join(e, "traces.binpb"), "rb").read() !=
        open(os.path.join(a, "traces.binpb"), "rb").read(),
        "another seed string gives other bytes")


def main():
    tmp = tempfile.mkdtemp(prefix="otelsim-dw.")
    try:
        for fn in (check_example, check_graph, same_bytes):
            try:
                fn(tmp)
            except Exception as e:  # a crash is a failed test, not a silent skip
                tap(False, f"{fn.__name__} ran", repr(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    failed = 0
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            failed += 1
            print(f"#   {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
