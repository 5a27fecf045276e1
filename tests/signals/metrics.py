#!/usr/bin/python3
"""Metrics that agree with the traces (issue 10), read with Python's json
from OTLP/JSON files (independent of our readers).

- over the bundled scenarios with metrics and over scenarios this test
  writes (random span trees and rules): a counter of spans equals the
  spans it counts; a duration histogram's count and sum equal those
  spans' count and summed durations (sum within 1e-9 relative); an
  attribute histogram's sum equals the attribute's sum; every histogram's
  count equals the sum of its buckets; every exemplar names a span of the
  traces file and its value lies in its bucket; cumulative sums and counts
  never decrease; delta points add up to the cumulative total;
- the same bytes with --threads 1 and 3;
- series: over 10,000 samples the mean is within 3 standard errors of
  the level, the lag-1 autocorrelation within 0.05 of e^(-theta dt), and
  every value inside the bounds.
Prints TAP."""
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
OTELSIM = os.path.join(ROOT, BUILD, "otelsim")
ENV = dict(os.environ, LC_ALL="C", TZ="UTC")
results = []


def tap(ok, name, detail=""):
    results.append((bool(ok), name, detail))


def otelsim(*args):
    p = subprocess.run([OTELSIM, *args, "--quiet"], capture_output=True, env=ENV, timeout=300)
    if p.returncode:
        raise RuntimeError(f"otelsim {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")


def anyvalue(v):
    k, x = next(iter(v.items())) if v else (None, None)
    return int(x) if k == "intValue" else x


def attrs(kvs):
    return {kv["key"]: anyvalue(kv.get("value", {})) for kv in kvs or []}


def read_spans(path):
    spans = {}
    with open(path) as f:
        for line in f:
            for rs in json.loads(line)["resourceSpans"]:
                svc = attrs(rs["resource"]["attributes"]).get("service.name")
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        spans[(s["traceId"], s["spanId"])] = {
                            "name": s["name"], "service": svc, "kind": s.get("kind", 0),
                            "start": int(s["startTimeUnixNano"]),
                            "end": int(s["endTimeUnixNano"]), "attrs": attrs(s.get("attributes"))}
    return spans


def read_points(path):
    """[(service, metric name, type, metric, point)] in file order."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            for rm in json.loads(line)["resourceMetrics"]:
                svc = attrs(rm["resource"]["attributes"]).get("service.name")
                for sm in rm.get("scopeMetrics", []):
                    for m in sm.get("metrics", []):
                        for t in ("sum", "gauge", "histogram", "exponentialHistogram"):
                            for p in m.get(t, {}).get("dataPoints", []):
                                out.append((svc, m["name"], t, m, p))
    return out


def key_of(svc, name, p):
    return (svc, name, tuple(sorted((k, str(v)) for k, v in attrs(p.get("attributes")).items())))


def exp_bounds(scale, idx):
    base = 2.0 ** (2.0 ** -scale)
    return base ** idx, base ** (idx + 1)


def exp_bucket(p, v):
    """("zero"|"pos"|"neg", index) of value v in exponential point p, and
    whether that bucket holds a measurement."""
    if v == 0:
        return ("zero", 0), int(p.get("zeroCount", 0)) > 0
    scale = int(p.get("scale", 0))
    side = p.get("positive" if v > 0 else "negative", {})
    off, counts = int(side.get("offset", 0)), [int(c) for c in side.get("bucketCounts", [])]
    idx = math.ceil(math.log2(abs(v)) * 2 ** scale) - 1
    for i in (idx - 1, idx, idx + 1):  # log2 rounding near a boundary
        lo, hi = exp_bounds(scale, i)
        if lo < abs(v) <= hi:
            idx = i
            break
    held = 0 <= idx - off < len(counts) and counts[idx - off] > 0
    return ("pos" if v > 0 else "neg", idx), held


def exp_exemplars_ok(p, spans):
    """Every exemplar names a span of the traces, its value lies in a bucket
    of the point that holds a measurement, and no bucket has two."""
    seen = set()
    for e in p.get("exemplars", []):
        bucket, held = exp_bucket(p, e["asDouble"])
        if (e["traceId"], e["spanId"]) not in spans or not held or bucket in seen:
            return False
        seen.add(bucket)
    return True


def check_generic(label, spans, points):
    """Buckets, exemplars and monotonic cumulative series."""
    bad_buckets, bad_ex, bad_mono, nex = [], [], [], 0
    last = {}
    for svc, name, t, m, p in points:
        if t == "histogram":
            if int(p.get("count", 0)) != sum(int(b) for b in p.get("bucketCounts", [])):
                bad_buckets.append(name)
            bounds = p.get("explicitBounds", [])
            for e in p.get("exemplars", []):
                nex += 1
                v = e["asDouble"]
                k = sum(1 for b in bounds if v > b)
                lo = bounds[k - 1] if k else -math.inf
                hi = bounds[k] if k < len(bounds) else math.inf
                if (e["traceId"], e["spanId"]) not in spans or not (lo < v <= hi):
                    bad_ex.append((name, v))
        if t == "exponentialHistogram":
            pos, neg = p.get("positive", {}), p.get("negative", {})
            total = int(p.get("zeroCount", 0)) + sum(int(c) for c in pos.get("bucketCounts", [])) + \
                sum(int(c) for c in neg.get("bucketCounts", []))
            if int(p.get("count", 0)) != total:
                bad_buckets.append(name)
            if not exp_exemplars_ok(p, spans):
                bad_ex.append((name, [e["asDouble"] for e in p.get("exemplars", [])]))
            nex += len(p.get("exemplars", []))
        mt = m.get("sum") or m.get("histogram") or m.get("exponentialHistogram")
        if mt and mt.get("aggregationTemporality") == 2:
            k = key_of(svc, name, p)
            v = (float(p.get("asDouble", p.get("asInt", 0))) if t == "sum" else int(p["count"]))
            if k in last and v < last[k] and (t != "sum" or m["sum"].get("isMonotonic")):
                bad_mono.append(k)
            last[k] = v
    tap(not bad_buckets, f"{label}: every histogram's count is the sum of its buckets",
        str(bad_buckets[:3]))
    tap(not bad_ex, f"{label}: {nex} exemplars name spans of the traces file, values in their bucket",
        str(bad_ex[:3]))
    tap(not bad_mono, f"{label}: cumulative sums and counts never decrease", str(bad_mono[:3]))


def final_points(points):
    """The last point of each stream (cumulative: the run's totals)."""
    out = {}
    for svc, name, t, m, p in points:
        out[key_of(svc, name, p)] = (t, p)
    return out


def delta_totals(points):
    out = {}
    for svc, name, t, m, p in points:
        k = key_of(svc, name, p)
        c, s = out.get(k, (0, 0.0))
        if t == "sum":
            out[k] = (c + 1, s + float(p.get("asDouble", p.get("asInt", 0))))
        elif t in ("histogram", "exponentialHistogram"):
            out[k] = (c + int(p["count"]), s + p.get("sum", 0.0))
    return out


def close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300)


def expect(spans, select, value, attr_keys, fixed=()):
    """{(service, attrs): (count, sum)} a rule should give."""
    out = {}
    for s in spans.values():
        if not select(s):
            continue
        v = value(s)
        if v is None:
            continue
        a = tuple(sorted([(k, str(s["attrs"][k])) for k in attr_keys if k in s["attrs"]] +
                         [(k, str(x)) for k, x in fixed]))
        c, t = out.get((s["service"], a), (0, []))
        out[(s["service"], a)] = (c + 1, t + [v])
    return {k: (c, math.fsum(vs)) for k, (c, vs) in out.items()}


def compare(label, name, want, final):
    got = {(k[0], k[2]): v for k, v in final.items() if k[1] == name}
    bad = []
    for k, (c, s) in want.items():
        if k not in got:
            bad.append(("missing", k))
            continue
        t, p = got[k]
        if t == "sum":
            gv = float(p.get("asDouble", p.get("asInt", 0)))
            if not close(gv, s):
                bad.append((k, gv, s))
        elif int(p["count"]) != c or not close(p["sum"], s):
            bad.append((k, p["count"], p["sum"], c, s))
    extra = set(got) - set(want)
    tap(want and not bad and not extra,
        f"{label}: {name} agrees with the spans ({len(want)} streams, "
        f"{sum(c for c, _ in want.values())} spans)", f"{bad[:3]} extra {sorted(extra)[:3]}")


def dur(unit):
    d = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0}[unit]
    return lambda s: (s["end"] - s["start"]) / d


def check_bundled(tmp):
    ds = os.path.join(tmp, "bundled")
    for name, cat in (("checkout_flow", "commerce"), ("tool_retry", "agentic"),
                      ("successful_agent_turn", "agentic")):
        otelsim("scenario", "--name", name, "--count", "300", "--format", "otlp-json", "--out", ds)
        d = os.path.join(ds, cat, name)
        spans, points = read_spans(os.path.join(d, "traces.jsonl")), read_points(
            os.path.join(d, "metrics.jsonl"))
        check_generic(name, spans, points)
        final = final_points(points)
        if name == "checkout_flow":
            compare(name, "http.server.request.duration", expect(
                spans, lambda s: s["kind"] == 2 and "http.request.method" in s["attrs"], dur("s"),
                ["http.request.method", "http.response.status_code", "http.route", "url.scheme",
                 "error.type", "network.protocol.version", "server.address", "server.port"]), final)
            compare(name, "db.client.operation.duration", expect(
                spans, lambda s: "db.system.name" in s["attrs"], dur("s"),
                ["db.system.name", "db.operation.name", "db.collection.name", "db.namespace",
                 "server.address", "server.port", "error.type"]), final)
            compare(name, "app.checkout.orders", expect(
                spans, lambda s: s["name"] == "POST /api/checkout", lambda s: 1,
                ["http.response.status_code", "error.type"]), final)
            compare(name, "app.order.items", expect(
                spans, lambda s: s["name"] == "PlaceOrder", lambda s: s["attrs"].get("app.order.items"),
                []), final)
            compare(name, "app.payment.duration", expect(
                spans, lambda s: s["name"] == "POST /v1/payments", dur("ms"),
                ["app.payment.method", "error.type"]), final)
            multi = [len(p.get("exemplars", [])) for _, n, t, _, p in points
                     if t == "exponentialHistogram"]
            tap(multi and max(multi) > 1,
                f"{name}: exponential points carry an exemplar per bucket (up to {max(multi or [0])})")
        else:
            for tok in ("input", "output"):
                want = expect(spans, lambda s: s["kind"] == 3 and "gen_ai.operation.name" in s["attrs"],
                              lambda s, t=tok: s["attrs"].get(f"gen_ai.usage.{t}_tokens"),
                              ["gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model",
                               "gen_ai.response.model", "server.address", "server.port"],
                              [("gen_ai.token.type", tok)])
                final_tok = {k: v for k, v in final.items()
                             if ("gen_ai.token.type", tok) in k[2]}
                compare(f"{name} ({tok})", "gen_ai.client.token.usage", want, final_tok)
            compare(name, "vendor.turn.duration", expect(
                spans, lambda s: s["name"] == "vendor.a2a.orchestrate", dur("s"),
                ["vendor.turn.status.code", "vendor.agent.id"]), final)
        # delta points add up to the cumulative totals
        dd = os.path.join(tmp, "delta")
        otelsim("scenario", "--name", name, "--count", "300", "--format", "otlp-json", "--out", dd,
                "--temporality", "delta")
        totals = delta_totals(read_points(os.path.join(dd, cat, name, "metrics.jsonl")))
        bad = []
        for k, (t, p) in final.items():
            if t == "gauge":
                continue
            c, s = totals.get(k, (0, 0.0))
            want = float(p.get("asDouble", p.get("asInt", 0))) if t == "sum" else p["sum"]
            if (t != "sum" and c != int(p["count"])) or abs(s - want) > 1e-6 * max(abs(want), 1):
                bad.append(k)
        tap(not bad and totals, f"{name}: delta points add up to the cumulative totals", str(bad[:3]))
        shutil.rmtree(dd)


def random_scenario(rng, i):
    services = ["svc-a", "svc-b", "svc-c"]
    lines = [f"name: gen_metrics_{i}", "repeat_count: 400", f"interval_ms: {rng.choice([50, 200, 900])}",
             f"metric_interval: {rng.choice(['1s', '5s', '30s'])}", "root:", "  type: root-op",
             "  kind: server", f"  service: {services[0]}",
             f"  latency: {{distribution: log_normal, median_ms: {rng.randint(5, 200)}, sigma: 0.6}}",
             "  attributes:", "    route: {choice: [/a, /b, /c]}", "  children:"]
    for c in range(rng.randint(1, 4)):
        lines += [f"    - type: child-{c}", f"      service: {rng.choice(services)}",
                  f"      kind: {'client' if c == 0 else rng.choice(['client', 'internal'])}",
                  f"      count: {{distribution: poisson, mean: {rng.choice([1, 2, 3])}, max: 6}}",
                  f"      latency: {{distribution: exponential, mean_ms: {rng.randint(1, 50)}}}",
                  f"      error: {{rate: {rng.choice([0, 0.1, 0.3])}, type: boom}}",
                  "      attributes:", "        tokens: {distribution: uniform, min: 1, max: 5000}",
                  "        size: {distribution: log_normal, median: 3.5, sigma: 1, type: double}",
                  "        tier: {choice: [gold, silver]}"]
    lines += ["metrics:",
              "  - {name: gen.spans, instrument: counter, value: 1, attributes: [tier, error.type]}",
              "  - {name: gen.root.duration, instrument: histogram, unit: ms, span_type: root-op,"
              " attributes: [route], buckets: [1, 5, 25, 100, 500, 2500]}",
              "  - {name: gen.tokens, instrument: histogram, value: tokens, attributes: [tier],"
              " buckets: [10, 100, 1000]}",
              "  - {name: gen.size, instrument: updown_counter, value: size, kind: client}",
              "  - {name: gen.child.duration, instrument: exponential_histogram, span_type: child-0,"
              " max_size: 20}"]
    return "\n".join(lines) + "\n"


def check_generated(tmp):
    rng = random.Random(10)
    for i in range(4):
        sd = os.path.join(tmp, f"gen{i}")
        os.makedirs(os.path.join(sd, "g"))
        with open(os.path.join(sd, "g", f"gen_metrics_{i}.yaml"), "w") as f:
            f.write(random_scenario(rng, i))
        name = f"gen_metrics_{i}"
        outs = []
        for threads in ("1", "3"):
            o = os.path.join(tmp, f"out{i}_{threads}")
            otelsim("scenario", "--name", name, "--scenarios-dir", sd, "--format", "otlp-json",
                    "--threads", threads, "--out", o)
            outs.append(os.path.join(o, "g", name))
        with open(os.path.join(outs[0], "metrics.jsonl"), "rb") as a, \
                open(os.path.join(outs[1], "metrics.jsonl"), "rb") as b:
            tap(a.read() == b.read(), f"{name}: --threads 1 and 3 write the same metrics bytes")
        spans = read_spans(os.path.join(outs[0], "traces.jsonl"))
        points = read_points(os.path.join(outs[0], "metrics.jsonl"))
        check_generic(name, spans, points)
        final = final_points(points)
        compare(name, "gen.spans", expect(spans, lambda s: True, lambda s: 1, ["tier", "error.type"]),
                final)
        compare(name, "gen.root.duration", expect(spans, lambda s: s["name"] == "root-op", dur("ms"),
                                                  ["route"]), final)
        compare(name, "gen.tokens", expect(spans, lambda s: True, lambda s: s["attrs"].get("tokens"),
                                           ["tier"]), final)
        compare(name, "gen.size", expect(spans, lambda s: s["kind"] == 3,
                                         lambda s: s["attrs"].get("size"), []), final)
        compare(name, "gen.child.duration", expect(spans, lambda s: s["name"] == "child-0", dur("s"),
                                                   []), final)


def check_series(tmp):
    sd = os.path.join(tmp, "series")
    os.makedirs(os.path.join(sd, "s"))
    theta, sigma, level, dt = 0.2, 3.0, 40.0, 1.0
    with open(os.path.join(sd, "s", "ou.yaml"), "w") as f:
        f.write("name: ou\nrepeat_count: 10000\ninterval_ms: 1000\nmetric_interval: 1s\n"
                "root:\n  type: tick\n  service: host\n  latency: 1\n"
                f"series:\n  - {{name: cpu, unit: '%', services: {{host: {level}}}, theta: {theta},"
                f" sigma: {sigma}, min: 0, max: 100}}\n")
    o = os.path.join(tmp, "series-out")
    otelsim("scenario", "--name", "ou", "--scenarios-dir", sd, "--format", "otlp-json", "--out", o)
    xs = [p["asDouble"] for _, n, t, m, p in read_points(os.path.join(o, "s", "ou", "metrics.jsonl"))
          if n == "cpu"]
    n = len(xs)
    mean = sum(xs) / n
    rho = math.exp(-theta * dt)
    var = sigma * sigma / (2 * theta)
    se = math.sqrt(var / n * (1 + rho) / (1 - rho))
    m0 = mean
    lag1 = sum((xs[i] - m0) * (xs[i + 1] - m0) for i in range(n - 1)) / \
        sum((x - m0) ** 2 for x in xs)
    tap(n >= 10000, f"series: {n} samples, one per interval")
    tap(abs(mean - level) <= 3 * se, f"series: mean {mean:.3f} within 3 standard errors ({se:.3f}) of {level}")
    tap(abs(lag1 - rho) <= 0.05, f"series: lag-1 autocorrelation {lag1:.4f} within 0.05 of {rho:.4f}")
    tap(all(0 <= x <= 100 for x in xs), "series: every value inside [0, 100]")


def main():
    tmp = tempfile.mkdtemp(prefix="otelsim-metrics.")
    try:
        for fn in (check_bundled, check_generated, check_series):
            try:
                fn(tmp)
            except Exception as e:  # a crash is a failure, not a skip
                tap(False, f"{fn.__name__} ran", repr(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and detail:
            print(f"#   {detail}")
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
