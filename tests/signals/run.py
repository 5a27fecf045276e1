#!/usr/bin/python3
"""Signals that agree: the traces file against the ground truth (and the
logs and events, see below), over the bundled scenarios and over scenarios
this test writes (random trees, random error rates), each rendered whole
and as 3 shards (OTLP/JSON, read with Python's json: independent of our
readers).

- ground truth: each injection's spans and traces equal the spans and
  traces found failed in the traces file (by the rule of its kind), its
  start/end their time range, its trace ids those traces; a shard's
  ground truth agrees with its own files and the shards' counts add up
  to the whole run's.
Prints TAP."""
import json
import os
import random
import re
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


def attrs(kvs):
    out = {}
    for kv in kvs or []:
        v = kv.get("value", {})
        k, x = next(iter(v.items())) if v else (None, None)
        out[kv["key"]] = int(x) if k == "intValue" else x
    return out


def read_spans(path):
    spans = []
    if not os.path.exists(path):
        return spans
    with open(path) as f:
        for line in f:
            for rs in json.loads(line)["resourceSpans"]:
                svc = attrs(rs["resource"]["attributes"]).get("service.name")
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        a = attrs(s.get("attributes"))
                        spans.append({
                            "trace": s["traceId"], "id": s["spanId"], "parent": s.get("parentSpanId", ""),
                            "name": s["name"], "service": svc, "kind": s.get("kind", 0),
                            "start": int(s["startTimeUnixNano"]), "end": int(s["endTimeUnixNano"]),
                            "status": s.get("status", {}).get("code", 0), "attrs": a,
                            "events": s.get("events", [])})
    return spans


def ns_of(rfc):
    """RFC 3339 with nine fraction digits, UTC ('Z') -> ns since 1970."""
    import calendar
    import time
    whole, frac = rfc[:-1].split(".")
    secs = calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))
    assert len(frac) == 9, rfc
    return secs * 1000000000 + int(frac)


def truth_of(ds):
    path = os.path.join(ds, "ground_truth.json")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        gt = json.load(f)
    ids_file = {}
    p2 = os.path.join(ds, "ground_truth.traces.ndjson")
    if os.path.exists(p2):
        with open(p2) as f:
            for line in f:
                o = json.loads(line)
                assert list(o) == ["injection", "trace_id"], line
                ids_file.setdefault(o["injection"], []).append(o["trace_id"])
    for inj in gt["injections"]:
        assert list(inj)[:9] == ["id", "kind", "scenario", "service", "span_type", "start", "end",
                                 "spans", "traces"], list(inj)
        if "trace_ids_file" in inj:
            assert len(inj) == 10 and inj["trace_ids_file"] == "ground_truth.traces.ndjson"
            inj["trace_ids"] = ids_file.get(inj["id"], [])
        else:
            assert len(inj) == 10 and len(inj["trace_ids"]) <= 1000
    return gt["injections"]


def failed_by(spans, inj, rules):
    """The spans the traces file shows failed by injection inj (rules: the
    generated scenarios' own error types by span name)."""
    children = {}
    for s in spans:
        children.setdefault((s["trace"], s["parent"]), []).append(s)
    out = []
    forced_types = rules.get("forced", set())
    # a templated span name: its template as written ({{...}} matches anything)
    name = re.compile(".*".join(re.escape(p) for p in re.split(r"\{\{.*?\}\}", inj["span_type"])))
    for s in spans:
        if not name.fullmatch(s["name"]) or s["service"] != inj["service"]:
            continue
        err = s["status"] == 2
        if inj["kind"] in ("forced_failure", "retry"):
            first = s["attrs"].get("retry.attempt") == 1
            if not err:
                continue
            if inj["kind"] == "forced_failure" and first:
                out.append(s)
            elif inj["kind"] == "retry" and not (first and s["name"] in forced_types):
                out.append(s)
            continue
        own = rules.get("own", {}).get(s["name"])
        if own is not None:  # generated: the condition's own error.type, or its 4xx
            code = s["attrs"].get("http.response.status_code")
            if s["attrs"].get("error.type") in own or (own.get("4xx") and code == own["4xx"]):
                out.append(s)
        elif err and not any(c["status"] == 2 for c in children.get((s["trace"], s["id"]), [])):
            out.append(s)
    return out


def check_truth(label, spans, truth, rules):
    """Each injection against the spans it failed. Several error conditions
    of one span (the trace generator's error_conditions) are told apart by
    their error.type, which the ground truth does not hold: their sites are
    checked together (spans summed, traces and times merged)."""
    problems = []
    groups = {}
    for inj in truth:
        key = (inj["service"], inj["span_type"]) if inj["kind"] == "error" else inj["id"]
        groups.setdefault(key, []).append(inj)
    for key, injs in groups.items():
        got = failed_by(spans, injs[0], rules)
        if len(injs) > 1 and rules.get("own", {}).get(injs[0]["span_type"]) is not None:
            raise AssertionError("generated scenarios have one condition per span")
        traces = []
        for s in got:
            if s["trace"] not in traces:
                traces.append(s["trace"])
        want = (len(got), min(s["start"] for s in got) if got else None,
                max(s["end"] for s in got) if got else None)
        have = (sum(i["spans"] for i in injs), min(ns_of(i["start"]) for i in injs),
                max(ns_of(i["end"]) for i in injs))
        ids = [t for i in injs for t in i["trace_ids"]]
        if len(injs) == 1:
            want += (len(traces), traces)
            have += (injs[0]["traces"], ids)
        else:
            want += (set(traces),)
            have += (set(ids),)
        if want != have:
            problems.append(f"{[i['id'] for i in injs]}: file shows {want[:4]}, ground truth says {have[:4]}")
    tap(not problems and all(i["spans"] > 0 and i["traces"] == len(i["trace_ids"]) for i in truth),
        f"{label}: ground truth ({len(truth)} injections, {sum(i['spans'] for i in truth)} spans) equals the failures in the traces file",
        "; ".join(problems[:3]))


def render(args, out):
    otelsim(*args, "--format", "otlp-json", "--out", out)
    dirs = [d for d, _, fs in os.walk(out) if "manifest.json" in fs]
    assert len(dirs) == 1, dirs
    return dirs[0]


def check_run(tmp, label, args, rules):
    whole = render(args, os.path.join(tmp, "whole"))
    spans = read_spans(os.path.join(whole, "traces.jsonl"))
    truth = truth_of(whole)
    check_truth(label, spans, truth, rules)
    sums = {}
    for k in (1, 2, 3):
        sd = render(args + ["--shard", f"{k}/3"], os.path.join(tmp, f"shard{k}"))
        st = truth_of(sd)
        check_truth(f"{label} shard {k}/3", read_spans(os.path.join(sd, "traces.jsonl")), st, rules)
        for i in st:
            a = sums.setdefault(i["id"], [0, 0, []])
            a[0] += i["spans"]
            a[1] += i["traces"]
            a[2] += i["trace_ids"]
        shutil.rmtree(os.path.join(tmp, f"shard{k}"))
    whole_sums = {i["id"]: [i["spans"], i["traces"], i["trace_ids"]] for i in truth}
    tap(sums == whole_sums, f"{label}: the 3 shards' ground truths add up to the whole run's")
    shutil.rmtree(os.path.join(tmp, "whole"))
    return spans, truth


# ---- generated scenarios ----

HTTP_CODES = {"timeout": 504, "unavailable": 503, "invalid_arguments": 400}


def gen_scenario(rng, n):
    """A random span tree: unique span names, errors with unique types."""
    rules = {"own": {}}
    counter = [0]

    def span(depth, service):
        counter[0] += 1
        i = counter[0]
        name = f"op{i}"
        s = {"type": name, "latency": {"distribution": "uniform", "min_ms": 1, "max_ms": 30}}
        if rng.random() < 0.3:
            service = f"svc{rng.randint(1, 4)}"
            s["service"] = service
        if rng.random() < 0.5:
            rate = round(rng.choice([0.05, 0.2, 0.5]), 2)
            etype = f"E{i}"
            s["error"] = {"rate": rate, "type": etype, "propagate": rng.random() < 0.5}
            rules["own"][name] = {etype: 1}
        if depth < 3:
            kids = [span(depth + 1, service) for _ in range(rng.randint(0, 3))]
            if kids:
                s["children"] = kids
                if rng.random() < 0.3:
                    s["parallel"] = True
        return s

    root = span(0, "front")
    root["service"] = "front"
    doc = {"name": f"gen{n}", "repeat_count": 200, "interval_ms": 100, "root": root}
    return doc, rules


def main():
    tmp = tempfile.mkdtemp(prefix="otelsim-signals.")
    try:
        for name, count in (("checkout_flow", 400), ("tool_retry", 150), ("01_api_gateway", 200),
                            ("ecommerce_order", 200)):
            rules = {"forced": {"vendor.mcp.tool.execute.attempt"}} if name == "tool_retry" else {}
            check_run(tmp, name, ["scenario", "--name", name, "--count", str(count)], rules)
        rng = random.Random(9)
        sdir = os.path.join(tmp, "scen")
        os.makedirs(sdir)
        for n in range(3):
            doc, rules = gen_scenario(rng, n)
            with open(os.path.join(sdir, f"gen{n}.yaml"), "w") as f:
                json.dump(doc, f)  # JSON is YAML
            check_run(tmp, f"generated gen{n} (seed 9)", ["scenario", "--scenarios-dir", sdir,
                                                          "--name", f"gen{n}"], rules)
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
