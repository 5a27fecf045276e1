#!/usr/bin/python3
"""Time-based workloads (engine.h): rate x duration, arrivals, and the
same bytes whatever the threads and shards.

- rate: a 10-minute `rate: 20/s` Poisson run has a trace count within 3
  sigma of 12,000 and inter-arrival times that pass a one-sample
  Kolmogorov-Smirnov test against the exponential of rate 20 (p > 0.01);
- uniform arrivals: exactly rate x duration traces, evenly spaced;
- --duration / --rate override the file; the manifest records the workload;
- bytes: --threads 1 and 2 and 3 shards concatenated give the same files.
Reads OTLP/JSON with Python's json (independent of our readers). Prints TAP."""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
OTELSIM = os.path.join(ROOT, BUILD, "otelsim")
DATA = os.path.join(ROOT, "tests", "data", "workload")
ENV = dict(os.environ, LC_ALL="C", TZ="UTC")
results = []


def tap(ok, name, detail=""):
    results.append((bool(ok), name, detail))


def otelsim(*args):
    p = subprocess.run([OTELSIM, *args, "--quiet"], capture_output=True, env=ENV, timeout=300)
    if p.returncode:
        raise RuntimeError(f"otelsim {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")


def render(tmp, name, out, *extra, scenarios=os.path.join(DATA, "ok")):
    otelsim("scenario", "--scenarios-dir", scenarios, "--name", name, "--format", "otlp-json",
            "--out", os.path.join(tmp, out), *extra)
    return os.path.join(tmp, out, name)


def root_starts(path):
    """Start times (ns) of the root spans of traces.jsonl, sorted."""
    starts = []
    with open(os.path.join(path, "traces.jsonl")) as f:
        for line in f:
            for rs in json.loads(line)["resourceSpans"]:
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        if not s.get("parentSpanId"):
                            starts.append(int(s["startTimeUnixNano"]))
    return sorted(starts)


def ks_exponential(xs, rate):
    """One-sample KS statistic and its asymptotic p-value against Exp(rate)."""
    xs = sorted(xs)
    n = len(xs)
    d = 0.0
    for i, x in enumerate(xs):
        cdf = 1 - math.exp(-rate * x)
        d = max(d, (i + 1) / n - cdf, cdf - i / n)
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    p = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return d, max(0.0, min(1.0, p))


def test_poisson(tmp):
    path = render(tmp, "rate20", "poisson")
    starts = root_starts(path)
    n, mean = len(starts), 20 * 600
    sigma = math.sqrt(mean)
    tap(abs(n - mean) <= 3 * sigma, "rate 20/s for 10m: trace count within 3 sigma of 12000",
        f"{n} traces (3 sigma = {3 * sigma:.0f})")
    t0 = 1767225600 * 10**9  # 2026-01-01T00:00:00Z
    tap(starts[0] >= t0 and starts[-1] < t0 + 600 * 10**9, "every arrival lies inside the 10 minutes",
        f"{starts[0]}..{starts[-1]}")
    gaps = [(b - a) / 1e9 for a, b in zip(starts, starts[1:])]
    d, p = ks_exponential(gaps, 20.0)
    tap(p > 0.01, "inter-arrival times pass a KS test against Exp(20) (p > 0.01)",
        f"D = {d:.4f}, p = {p:.3f}")
    manifest = json.load(open(os.path.join(path, "manifest.json")))
    w = manifest.get("workload", {})
    tap(w == {"duration_ns": 600 * 10**9, "rate_per_s": 20, "arrivals": "poisson",
              "window_ns": 10**9, "windows": 600}, "the manifest records the workload", str(w))
    tap(manifest["counts"]["traces"] == n, "the manifest counts the traces", "")


def test_uniform(tmp):
    path = render(tmp, "uniform", "uniform")
    starts = root_starts(path)
    gaps = set(b - a for a, b in zip(starts, starts[1:]))
    tap(len(starts) == 1200, "uniform 600/m for 2 minutes: exactly 1200 traces", str(len(starts)))
    tap(gaps == {100000000}, "uniform arrivals are evenly spaced (100 ms)", str(sorted(gaps)[:5]))
    path = render(tmp, "uniform", "uniform-flags", "--duration", "30s", "--rate", "4/s")
    starts = root_starts(path)
    gaps = set(b - a for a, b in zip(starts, starts[1:]))
    tap(len(starts) == 120 and gaps == {250000000}, "--duration 30s --rate 4/s override the file",
        f"{len(starts)} traces, gaps {sorted(gaps)[:5]}")


def files_of(path):
    out = {}
    for name in sorted(os.listdir(path)):
        if name.endswith(".jsonl") or name.endswith(".binpb"):
            with open(os.path.join(path, name), "rb") as f:
                out[name] = f.read()
    return out


def test_bytes(tmp):
    common = ("--duration", "2m", "--format", "otlp")
    one = files_of(render(tmp, "rate20", "t1", "--threads", "1", *common))
    two = files_of(render(tmp, "rate20", "t2", "--threads", "2", *common))
    tap(one and one == two, "same bytes with --threads 1 and 2", str(sorted(one)))
    parts = [files_of(render(tmp, "rate20", f"s{k}", "--shard", f"{k}/3", *common)) for k in (1, 2, 3)]
    cat = {name: b"".join(p.get(name, b"") for p in parts) for name in one}
    tap(cat["traces.binpb"] == one["traces.binpb"], "3 shards' traces concatenated = the whole run",
        f"{[len(p.get('traces.binpb', b'')) for p in parts]}")
    again = files_of(render(tmp, "rate20", "t3", "--threads", "2", *common))
    tap(again == one, "same bytes run after run", "")


def roots_with_links(path):
    roots = []
    with open(os.path.join(path, "traces.jsonl")) as f:
        for line in f:
            for rs in json.loads(line)["resourceSpans"]:
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        if not s.get("parentSpanId"):
                            links = [(l["traceId"], l["spanId"]) for l in s.get("links", [])]
                            roots.append((int(s["startTimeUnixNano"]), s["traceId"], s["spanId"], links))
    return sorted(roots)


def test_links(tmp):
    """{trace: previous} links the previous arrival's root, across windows and shards."""
    whole = roots_with_links(render(tmp, "linked", "l1"))
    bad = [i for i in range(1, len(whole))
           if whole[i][3] != [(whole[i - 1][1], whole[i - 1][2])]]
    tap(len(whole) > 100 and not whole[0][3] and not bad,
        "each trace links the previous arrival's root (the first none)", f"{len(whole)} traces, {len(bad)} wrong")
    shard = roots_with_links(render(tmp, "linked", "l2", "--shard", "2/2"))
    tap(shard and shard == whole[len(whole) - len(shard):],
        "a shard's first trace links the previous shard's last", f"{len(shard)} traces")


# ---- phases: incidents found from the data itself ----

T0 = 1767225600 * 10**9  # 2026-01-01T00:00:00Z
BUCKET = 5 * 10**9


def iso_ns(s):
    """RFC 3339 with nine fraction digits (as ground_truth.json writes) -> ns."""
    import datetime
    whole, frac = s.rstrip("Z").split(".")
    dt = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp()) * 10**9 + int(frac)


def read_spans(path):
    spans = []
    with open(os.path.join(path, "traces.jsonl")) as f:
        for line in f:
            for rs in json.loads(line)["resourceSpans"]:
                svc = next(a["value"]["stringValue"] for a in rs["resource"]["attributes"]
                           if a["key"] == "service.name")
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        a = {x["key"]: next(iter(x["value"].values())) for x in s.get("attributes", [])}
                        spans.append({"svc": svc, "name": s["name"], "trace": s["traceId"], "id": s["spanId"],
                                      "parent": s.get("parentSpanId", ""),
                                      "start": int(s["startTimeUnixNano"]), "end": int(s["endTimeUnixNano"]),
                                      "err": s.get("status", {}).get("code") == 2, "type": a.get("error.type")})
    failed_children = {(s["trace"], s["parent"]) for s in spans if s["err"]}
    for s in spans:  # its own failure: no failed child marked it
        s["own"] = s["err"] and (s["trace"], s["id"]) not in failed_children
    return spans


def buckets(spans, pred):
    """Per 5 s bucket of span start: (spans, own failures, latencies) of the spans pred keeps."""
    out = {}
    for s in spans:
        if pred(s):
            b = out.setdefault((s["start"] - T0) // BUCKET, [0, 0, []])
            b[0] += 1
            b[1] += s["own"]
            b[2].append(s["end"] - s["start"])
    return out


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0


def window_from(bk, flag):
    """The first and last bucket the flag marks, as [start, end) ns."""
    marked = sorted(k for k, v in bk.items() if flag(v))
    return (T0 + marked[0] * BUCKET, T0 + (marked[-1] + 1) * BUCKET) if marked else (None, None)


def phases_of(path):
    return json.load(open(os.path.join(path, "ground_truth.json")))["phases"]


def render_triage(tmp, name, out, *extra):
    otelsim("scenario", "--name", name, "--format", "otlp-json", "--out", os.path.join(tmp, out),
            "--rate", "20/s", *extra)
    found = [d for d, _, fs in os.walk(os.path.join(tmp, out)) if "manifest.json" in fs]
    return found[0]


def close(a, b):
    return a is not None and abs(a - b) <= BUCKET


def test_outage(tmp):
    base = render_triage(tmp, "normal", "normal")
    path = render_triage(tmp, "outage", "outage")
    tap(os.path.relpath(path, os.path.join(tmp, "outage")) == "incidents/outage",
        "dataset: incidents/outage names the folder below --out", path)
    gt = {p["kind"]: p for p in phases_of(path)}
    start, end = iso_ns(gt["errors"]["start"]), iso_ns(gt["errors"]["end"])
    db = buckets(read_spans(path), lambda s: s["svc"] == "database")
    found = window_from(db, lambda v: v[1] / v[0] > 0.45)
    tap(close(found[0], start) and close(found[1], end),
        "outage: the window found from the database's error share per 5 s bucket matches the ground truth",
        f"found {found}, truth {(start, end)}")
    inside = [v for k, v in db.items() if start <= T0 + k * BUCKET and T0 + (k + 1) * BUCKET <= end]
    outside = [v for k, v in db.items() if T0 + (k + 1) * BUCKET <= start or T0 + k * BUCKET >= end]
    n_in, f_in = sum(v[0] for v in inside), sum(v[1] for v in inside)
    share = f_in / n_in
    sd = math.sqrt(0.9 * 0.1 / n_in)
    tap(abs(share - 0.9) <= 3 * sd, "outage: the database's error share inside is 0.9 (3 sigma)",
        f"{share:.3f} of {n_in} (sd {sd:.3f})")
    tap(sum(v[1] for v in outside) == 0, "outage: no database errors outside the window", "")
    lat_in = median([x for v in inside for x in v[2]])
    lat_out = median([x for v in outside for x in v[2]])
    base_db = median([s["end"] - s["start"] for s in read_spans(base) if s["svc"] == "database"])
    tap(20 <= lat_in / lat_out <= 31, "outage: database latency inside is 25x outside (20..31)",
        f"median {lat_in / 1e6:.1f} ms vs {lat_out / 1e6:.2f} ms")
    tap(abs(lat_out / base_db - 1) <= 0.15, "outage: latency outside the window matches the normal dataset (15%)",
        f"{lat_out / 1e6:.2f} ms vs {base_db / 1e6:.2f} ms")
    tap(gt["errors"]["spans"] == f_in + sum(v[1] for v in outside if v),
        "outage: the ground truth counts exactly the database spans that failed",
        f"{gt['errors']['spans']} vs {f_in}")
    low = render_triage(tmp, "outage", "outage-low", "--severity", "low", "--incident-duration", "30s")
    gl = {p["kind"]: p for p in phases_of(low)}
    tap(gl["errors"]["rate"] == 0.45 and gl["latency"]["factor"] == [13, 13] and
        iso_ns(gl["errors"]["end"]) - iso_ns(gl["errors"]["start"]) == 30 * 10**9,
        "--severity low halves the effect (rate, factor - 1), --incident-duration sets the window",
        f"{gl['errors']['rate']}, {gl['latency']['factor']}")


def test_cascade(tmp):
    path = render_triage(tmp, "cascade", "cascade")
    ph = phases_of(path)[0]
    start = iso_ns(ph["start"])
    spans = read_spans(path)
    reach = {}
    for svc, hop in (("inventory-service", 0), ("product-service", 1), ("api-gateway", 2)):
        bk = buckets(spans, lambda s, svc=svc: s["svc"] == svc and s["type"] == "ServiceUnavailable" and s["own"])
        reach[svc] = window_from(bk, lambda v: v[1] > 0)[0]
        want = start + hop * 20 * 10**9
        tap(close(reach[svc], want), f"cascade reaches {svc} after {hop} hops of 20 s",
            f"first own failure bucket {reach[svc]}, want {want}")
    brk = [s for s in spans if s["type"] == "CircuitBreakerOpen" and s["own"]]
    first = {}
    for s in brk:
        first[s["svc"]] = min(first.get(s["svc"], s["start"]), s["start"])
    tap(set(first) == {"product-service", "api-gateway"} and
        close(first["product-service"], start + 35 * 10**9) and close(first["api-gateway"], start + 55 * 10**9),
        "cascade: callers' breakers open 15 s after the failure reaches them (fast failures)",
        str({k: (v - T0) / 1e9 for k, v in first.items()}))
    events = []
    with open(os.path.join(path, "events.jsonl")) as f:
        for line in f:
            for rl in json.loads(line)["resourceLogs"]:
                for sl in rl["scopeLogs"]:
                    for r in sl["logRecords"]:
                        if r["eventName"].startswith("circuit_breaker"):
                            events.append((r["eventName"], (int(r["timeUnixNano"]) - start) / 1e9))
    tap(events == [("circuit_breaker_open", 35.0), ("circuit_breaker_open", 55.0),
                   ("circuit_breaker_closed", 90.0), ("circuit_breaker_closed", 90.0)],
        "cascade: circuit_breaker_open events per caller, closed at the end", str(events))


def test_deployment(tmp):
    path = render_triage(tmp, "deployment", "deployment")
    ph = phases_of(path)[0]
    start = iso_ns(ph["start"])
    ev = []
    with open(os.path.join(path, "events.jsonl")) as f:
        for line in f:
            for rl in json.loads(line)["resourceLogs"]:
                for sl in rl["scopeLogs"]:
                    for r in sl["logRecords"]:
                        a = {x["key"]: next(iter(x["value"].values())) for x in r.get("attributes", [])}
                        if r["eventName"] == "deployment":
                            ev.append((r["eventName"], int(r["timeUnixNano"]), a.get("service.version")))
    fails = [s["start"] for s in read_spans(path) if s["type"] == "ConfigurationError" and s["own"]]
    tap(ev == [("deployment", start, "2.1.0")] and fails and min(fails) >= start + 10 * 10**9,
        "deployment: its event (version 2.1.0) precedes its effects (after the 10 s restart)",
        f"event at {(ev[0][1] - T0) / 1e9 if ev else None}, first failure at {(min(fails) - T0) / 1e9 if fails else None}")
    mem = []
    with open(os.path.join(path, "metrics.jsonl")) as f:
        for line in f:
            for rm in json.loads(line)["resourceMetrics"]:
                svc = next(a["value"]["stringValue"] for a in rm["resource"]["attributes"] if a["key"] == "service.name")
                for sm in rm["scopeMetrics"]:
                    for m in sm["metrics"]:
                        if m["name"] == "process.memory.usage" and svc == "user-service":
                            mem += [(int(p["startTimeUnixNano"]), p["asDouble"]) for p in m["gauge"]["dataPoints"]]
    zero = sorted((t - start) / 1e9 for t, v in mem if v == 0)
    tap(zero == [0.0], "deployment: the restart shows in the gauges (memory 0 for its 10 s interval)", str(zero))


def test_phase_bytes(tmp):
    """A phased dataset (the cascade: breakers, events, phase draws) gives the
    same traces, logs and events with 1 or 2 threads and as 3 shards."""
    common = ("--format", "otlp", "--duration", "1m", "--incident-duration", "20s")
    one = files_of(render_triage(tmp, "cascade", "pb1", "--threads", "1", *common))
    two = files_of(render_triage(tmp, "cascade", "pb2", "--threads", "2", *common))
    tap(one and one == two, "cascade: same bytes with --threads 1 and 2", str(sorted(one)))
    parts = [files_of(render_triage(tmp, "cascade", f"ps{k}", "--shard", f"{k}/3", *common))
             for k in (1, 2, 3)]
    for name in ("traces.binpb", "logs.binpb", "events.binpb"):
        cat = b"".join(p.get(name, b"") for p in parts)
        tap(name in one and cat == one[name], f"cascade: 3 shards' {name} concatenated = the whole run",
            f"{[len(p.get(name, b'')) for p in parts]}")


def test_noise(tmp):
    path = render_triage(tmp, "high-volume", "hv", "--rate", "10/s")
    sp = read_spans(path)
    roots = [s for s in sp if not s["parent"]]
    tap(not any(s["err"] for s in sp) and abs(len(roots) - 1200) <= 3 * math.sqrt(1200),
        "high_volume (named high-volume): no errors, 1200 requests within 3 sigma", str(len(roots)))
    path = render_triage(tmp, "intermittent", "im")
    sp = read_spans(path)
    roots = [s for s in sp if not s["parent"]]
    share = sum(s["own"] for s in roots) / len(roots)
    sd = math.sqrt(0.15 * 0.85 / len(roots))
    tap(abs(share - 0.15) <= 3 * sd, "intermittent: about 15% of requests fail (3 sigma)",
        f"{share:.3f} of {len(roots)}")


SEED003_KEYS = {
    "metrics.ndjson": ["timestamp", "service", "metric", "value", "unit"],
    "logs.ndjson": ["timestamp", "service", "level", "message", "trace_id"],
    "traces.ndjson": ["timestamp", "trace_id", "span_id", "parent_span_id", "service", "operation",
                      "duration_ms", "status"],
    "events.ndjson": ["timestamp", "type", "service", "details", "severity", "version"],
}
SEED003_DIRS = ["incidents/cascade", "incidents/degradation", "incidents/deployment", "incidents/outage",
                "noise/high_volume", "noise/intermittent", "noise/transient", "normal"]


def ndjson(path):
    with open(path) as f:
        return [json.loads(line, object_pairs_hook=lambda kv: kv) for line in f]


def ts_ns(s):
    """seed 003's timestamp (2026-01-01T00:00:30.000000+00:00) -> ns."""
    import datetime
    dt = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(dt.timestamp()) * 10**9 + dt.microsecond * 1000


def test_seed003(tmp):
    out = os.path.join(tmp, "seed003")
    otelsim("render", "--category", "triage", "--format", "ndjson", "--out", out)
    dirs = sorted(os.path.relpath(d, out) for d, _, fs in os.walk(out) if "manifest.json" in fs)
    tap(dirs == SEED003_DIRS, "render --category triage --format ndjson lays out seed 003's folders", str(dirs))
    bad = []
    for d in dirs:
        files = sorted(f for f in os.listdir(os.path.join(out, d)) if f.endswith(".ndjson"))
        if files != sorted(SEED003_KEYS):
            bad.append(f"{d}: {files}")
            continue
        for f, keys in SEED003_KEYS.items():
            for rec in ndjson(os.path.join(out, d, f)):
                if [k for k, _ in rec] != keys:
                    bad.append(f"{d}/{f}: {[k for k, _ in rec]}")
                    break
    tap(not bad, "each dataset has its four .ndjson files, every line with seed 003's keys in order", "; ".join(bad[:3]))
    rec = {d: {f: [dict(r) for r in ndjson(os.path.join(out, d, f))] for f in SEED003_KEYS} for d in dirs}
    gt = phases_of(os.path.join(out, "incidents/outage"))[0]
    start, end = iso_ns(gt["start"]), iso_ns(gt["end"])
    db = [t for t in rec["incidents/outage"]["traces.ndjson"] if t["service"] == "database"]
    inside = [t for t in db if start <= ts_ns(t["timestamp"]) < end]
    outside = [t for t in db if not start <= ts_ns(t["timestamp"]) < end]
    share_in = sum(t["status"] == "error" for t in inside) / len(inside)
    sd = math.sqrt(0.9 * 0.1 / len(inside))
    tap(abs(share_in - 0.9) <= 3 * sd and not any(t["status"] == "error" for t in outside),
        "outage (ndjson): database error share 0.9 inside the window (3 sigma), 0 outside",
        f"{share_in:.3f} of {len(inside)}, {len(outside)} outside")
    msgs = [l["message"] for l in rec["incidents/outage"]["logs.ndjson"] if l["level"] == "ERROR"]
    tap(msgs and all("Connection refused" in m or "connection" in m.lower() for m in msgs),
        "outage (ndjson): its ERROR logs carry the database's connection errors", f"{len(msgs)} logs, e.g. {msgs[:1]}")
    q_in = [t["duration_ms"] for t in inside]
    q_out = [t["duration_ms"] for t in outside]
    tap(median(q_in) > 15 * median(q_out), "outage (ndjson): high query times inside the window",
        f"median {median(q_in):.1f} ms vs {median(q_out):.2f} ms")
    roots = [t for t in rec["noise/intermittent"]["traces.ndjson"] if t["parent_span_id"] is None]
    failed = {t["trace_id"] for t in roots if t["status"] == "error"}
    err_logs = {l["trace_id"] for l in rec["noise/intermittent"]["logs.ndjson"] if l["level"] == "ERROR"}
    share = len(failed) / len(roots)
    sd = math.sqrt(0.15 * 0.85 / len(roots))
    tap(abs(share - 0.15) <= 3 * sd and failed == err_logs,
        "intermittent (ndjson): about 15% of requests fail (3 sigma), each with an ERROR log",
        f"{share:.3f} of {len(roots)}")
    hv = rec["noise/high_volume"]
    tap(not any(t["status"] == "error" for t in hv["traces.ndjson"]) and
        not any(l["level"] == "ERROR" for l in hv["logs.ndjson"]) and
        len([t for t in hv["traces.ndjson"] if t["parent_span_id"] is None]) > 3 * len(
            [t for t in rec["normal"]["traces.ndjson"] if t["parent_span_id"] is None]),
        "high_volume (ndjson): no errors, several times normal's requests", "")
    ev = rec["incidents/deployment"]["events.ndjson"]
    dep = [e for e in ev if e["type"] == "deployment"]
    cfg = [ts_ns(l["timestamp"]) for l in rec["incidents/deployment"]["logs.ndjson"]
           if l["level"] == "ERROR" and "configuration" in l["message"]]
    tap(len(dep) == 1 and dep[0]["version"] == "2.1.0" and dep[0]["service"] == "user-service" and cfg and
        min(cfg) > ts_ns(dep[0]["timestamp"]),
        "deployment (ndjson): the deployment event (2.1.0), then configuration errors in the logs",
        f"{dep}, {len(cfg)} errors")
    brk = [e["service"] for e in rec["incidents/cascade"]["events.ndjson"] if e["type"] == "circuit_breaker_open"]
    tap(brk == ["product-service", "api-gateway"], "cascade (ndjson): circuit_breaker_open events, hop by hop", str(brk))
    cpu = {}
    for m in rec["noise/transient"]["metrics.ndjson"]:
        if m["metric"] == "system.cpu.utilization":
            cpu.setdefault(m["service"], []).append((ts_ns(m["timestamp"]) - T0) // 10**9)
    spikes = {}
    for m in rec["noise/transient"]["metrics.ndjson"]:
        if m["metric"] == "system.cpu.utilization":
            spikes.setdefault(m["service"], {})[(ts_ns(m["timestamp"]) - T0) // 10**9] = m["value"]
    gw = spikes["api-gateway"]
    tap(gw[30] > 1.8 * (gw[20] + gw[40]) / 2 and not any(t["status"] == "error" for t in rec["noise/transient"]["traces.ndjson"]),
        "transient (ndjson): the gateway's CPU spikes in the interval of its spike, no errors",
        f"{gw[20]:.1f} {gw[30]:.1f} {gw[40]:.1f}")


def test_traffic_down(tmp):
    path = render(tmp, "phased", "phased")
    sp = read_spans(path)
    roots = [s for s in sp if not s["parent"]]
    inside = sum(1 for s in roots if T0 + 20 * 10**9 <= s["start"] < T0 + 40 * 10**9)
    outside = len(roots) - inside
    tap(abs(inside - 600) <= 3 * math.sqrt(600) and abs(outside - 800) <= 3 * math.sqrt(800),
        "traffic x3 for 20 s at 10/s: 600 arrivals inside, 800 outside (3 sigma)", f"{inside}, {outside}")
    gt = {p["kind"]: p for p in phases_of(path)}
    tap(gt["traffic"]["traces"] == inside and gt["traffic"]["spans"] == inside,
        "traffic: the ground truth counts the requests that arrived in it", str(gt["traffic"]["traces"]))
    down = [s for s in sp if s["name"] == "db.query" and T0 + 60 * 10**9 <= s["start"] < T0 + 80 * 10**9]
    ids = {s["id"] for s in down}
    kids = [s for s in sp if s["name"] == "db.plan" and s["parent"] in ids]
    gw_marked = {s["trace"] for s in roots if s["err"] and s["type"] == "ConnectionError"}
    tap(down and all(s["err"] and s["type"] == "ConnectionError" and s["end"] - s["start"] == 200000 for s in down)
        and not kids and gw_marked == {s["trace"] for s in down},
        "down: the service's spans fail fast (4 ms x 0.05) with no children; their callers see the error",
        f"{len(down)} spans, {len(kids)} children")
    other = [s for s in sp if s["name"] == "db.query" and not (T0 + 60 * 10**9 <= s["start"] < T0 + 80 * 10**9)]
    tap(other and not any(s["err"] for s in other), "down: none fail outside its window", str(len(other)))


def test_degradation(tmp):
    path = render_triage(tmp, "degradation", "degradation")
    gt = {p["kind"]: p for p in phases_of(path)}
    start, end = iso_ns(gt["latency"]["start"]), iso_ns(gt["latency"]["end"])
    sp = [s for s in read_spans(path) if s["svc"] == "inventory-service"]
    third = (end - start) // 3
    lat = [median([s["end"] - s["start"] for s in sp if a <= s["start"] < b])
           for a, b in ((T0, start), (start, start + third), (end - third, end), (end, T0 + 120 * 10**9))]
    # the ramp 1 -> 12: the first third's mean factor is about 2.8, the last's about 10.2
    tap(lat[0] > 0 and 1.8 <= lat[1] / lat[0] <= 3.8 and 8 <= lat[2] / lat[0] <= 12.5 and
        abs(lat[3] / lat[0] - 1) <= 0.15,
        "degradation: inventory-service latency ramps up over the window and is back after it",
        " ".join(f"{x / 1e6:.1f}ms" for x in lat))
    prod = [s for s in read_spans(path) if s["svc"] == "product-service" and s["own"]]
    tap(prod and all(s["type"] == "TimeoutError" and start <= s["start"] < end for s in prod),
        "degradation: slow product-service calls time out (TimeoutError) only inside the window", str(len(prod)))


def main():
    tmp = tempfile.mkdtemp(prefix="otelsim-workload-")
    try:
        for t in (test_poisson, test_uniform, test_bytes, test_phase_bytes, test_links, test_outage,
                  test_cascade,
                  test_deployment, test_noise, test_seed003, test_traffic_down,
                  test_degradation):
            try:
                t(tmp)
            except Exception as e:  # a crash is one failure, named
                tap(False, t.__name__, repr(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}" + (f" # {detail}" if detail else ""))
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
