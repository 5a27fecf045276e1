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


def main():
    tmp = tempfile.mkdtemp(prefix="otelsim-workload-")
    try:
        for t in (test_poisson, test_uniform, test_bytes, test_links):
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
