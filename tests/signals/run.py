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
- logs: every log record's trace and span id are a span of the traces
  file, its flags and resource (service.name) that span's, its timestamp
  within the span, a trace's records (of one resource) in time order; every failed (ERROR) span has its exception record as
  its scenario's `exceptions` says (a log record with exception.type =
  the span's error.type, ERROR on server/consumer/internal spans, WARN on
  client/producer ones, at the span's end; and/or an `exception` span
  event), and no span that did not fail has one.
- HTTP: a server span is ERROR exactly when http.response.status_code is
  5xx, a client span exactly when it is 4xx or 5xx.
- events (timeline): each record has an event name and lies within the
  run's time range; nothing ties it to a span.
- bytes: logs and events of the 3 shards concatenated equal the whole
  run's, and --threads 1 gives the same bytes as --threads 2.
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
                            "flags": s.get("flags", 0),
                            "events": s.get("events", [])})
    return spans


def read_logs(path):
    """Every log record of an OTLP/JSON logs file, with its resource's service."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            for rl in json.loads(line)["resourceLogs"]:
                svc = attrs(rl["resource"]["attributes"]).get("service.name")
                for sl in rl.get("scopeLogs", []):
                    for r in sl.get("logRecords", []):
                        out.append({"trace": r.get("traceId", ""), "span": r.get("spanId", ""),
                                    "time": int(r["timeUnixNano"]), "flags": r.get("flags", 0),
                                    "sev": r.get("severityNumber", 0),
                                    "sevtext": r.get("severityText", ""),
                                    "event": r.get("eventName", ""), "service": svc,
                                    "body": r.get("body", {}).get("stringValue"),
                                    "attrs": attrs(r.get("attributes"))})
    return out


SEVERITY = {"TRACE": 1, "DEBUG": 5, "INFO": 9, "WARN": 13, "ERROR": 17, "FATAL": 21}


def check_logs(label, spans, logs, mode):
    """Each record against its span; each failed span's exception records (mode:
    the scenario's exceptions: log, span_event, both)."""
    by_id = {(s["trace"], s["id"]): s for s in spans}
    bad = []
    exc = {}
    for r in logs:
        s = by_id.get((r["trace"], r["span"]))
        if s is None:
            bad.append(f"record at {r['time']} names no span ({r['trace']}/{r['span']})")
            continue
        if not s["start"] <= r["time"] <= s["end"]:
            bad.append(f"record at {r['time']} outside its span {s['name']} [{s['start']}, {s['end']}]")
        if r["service"] != s["service"] or r["flags"] != s["flags"] & 0xff:
            bad.append(f"record of {s['name']}: resource {r['service']} flags {r['flags']}, span's "
                       f"{s['service']} {s['flags']}")
        if r["sev"] not in SEVERITY.values() or SEVERITY.get(r["sevtext"]) != r["sev"]:
            bad.append(f"record of {s['name']}: severity {r['sev']} {r['sevtext']!r}")
        if "exception.type" in r["attrs"]:
            exc.setdefault((s["trace"], s["id"]), []).append(r)
    last = {}
    for r in logs:  # file order: a trace's records of one resource come in time order
        k = (r["trace"], r["service"])
        if r["time"] < last.get(k, 0):
            bad.append(f"record at {r['time']} after one at {last[k]} in trace {r['trace']}")
        last[k] = r["time"]
    tap(not bad, f"{label}: {len(logs)} log records each within its span, with its resource and trace "
        "flags, a trace's in time order", "; ".join(bad[:3]))
    bad = []
    nfailed = 0
    for s in spans:
        key = (s["trace"], s["id"])
        failed = s["status"] == 2
        nfailed += failed
        recs = exc.get(key, [])
        evs = [e for e in s["events"] if e.get("name") == "exception"]
        want_logs = 1 if failed and mode in ("log", "both") else 0
        want_evs = 1 if failed and mode in ("span_event", "both") else 0
        if (len(recs), len(evs)) != (want_logs, want_evs):
            bad.append(f"{s['name']} (status {s['status']}): {len(recs)} exception logs, {len(evs)} "
                       f"exception events; want {want_logs}, {want_evs}")
            continue
        for r in recs:
            sev = 13 if s["kind"] in (3, 4) else 17
            if (r["attrs"].get("exception.type"), r["sev"], r["time"]) != (
                    s["attrs"].get("error.type"), sev, s["end"]) or "exception.message" not in r["attrs"]:
                bad.append(f"{s['name']}: exception log {r['attrs']} severity {r['sev']} at {r['time']}, "
                           f"span error.type {s['attrs'].get('error.type')} kind {s['kind']} end {s['end']}")
    tap(not bad, f"{label}: each of {nfailed} failed spans has its exception record ({mode}), no other span one",
        "; ".join(bad[:3]))


def check_mirrored(label, spans, logs, mirror):
    """mirror(span, event) says whether a span event is also a log record: then
    one record of its span has its time, its name as body and its attributes;
    no record is an event not mirrored."""
    recs = {}
    for r in logs:
        if "exception.type" not in r["attrs"]:
            recs.setdefault((r["trace"], r["span"], r["time"], r["body"]), []).append(r)
    bad, n = [], 0
    for s in spans:
        for e in s["events"]:
            if e.get("name") == "exception":
                continue
            key = (s["trace"], s["id"], int(e["timeUnixNano"]), e.get("name"))
            got = [r for r in recs.get(key, []) if r["attrs"] == attrs(e.get("attributes"))]
            want = mirror(s, e)
            n += want
            if want and not got:
                bad.append(f"event {e.get('name')} of {s['name']}: no log record")
            elif not want and got:
                bad.append(f"event {e.get('name')} of {s['name']}: mirrored, should not be")
    tap(not bad, f"{label}: {n} span events mirrored as log records (time, body, attributes)",
        "; ".join(bad[:3]))


def check_http(label, spans):
    bad = []
    n = 0
    for s in spans:
        code = s["attrs"].get("http.response.status_code")
        if code is None or s["kind"] not in (2, 3):
            continue
        n += 1
        limit = 500 if s["kind"] == 2 else 400
        if (s["status"] == 2) != (int(code) >= limit):
            bad.append(f"{s['name']} kind {s['kind']}: status {s['status']} with HTTP {code}")
    tap(not bad, f"{label}: {n} HTTP spans' status agrees with their status code", "; ".join(bad[:3]))


def check_events(label, events, spans):
    lo = min(s["start"] for s in spans)
    bad = [e for e in events if not e["event"] or e["trace"] or e["span"] or e["time"] < lo]
    tap(not bad, f"{label}: {len(events)} events, each named, tied to no span, within the run",
        "; ".join(str(e) for e in bad[:3]))


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


def data_bytes(ds, signal):
    path = os.path.join(ds, f"{signal}.jsonl")
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return f.read()


def check_run(tmp, label, args, rules):
    whole = render(args + ["--threads", "2"], os.path.join(tmp, "whole"))
    spans = read_spans(os.path.join(whole, "traces.jsonl"))
    truth = truth_of(whole)
    check_truth(label, spans, truth, rules)
    mode = rules.get("exceptions", "log")
    check_logs(label, spans, read_logs(os.path.join(whole, "logs.jsonl")), mode)
    check_http(label, spans)
    if "mirror" in rules:
        check_mirrored(label, spans, read_logs(os.path.join(whole, "logs.jsonl")), rules["mirror"])
    events = read_logs(os.path.join(whole, "events.jsonl"))
    if events:
        check_events(label, events, spans)
    sums = {}
    cat = {"logs": b"", "events": b""}
    for k in (1, 2, 3):
        sd = render(args + ["--shard", f"{k}/3"], os.path.join(tmp, f"shard{k}"))
        st = truth_of(sd)
        sspans = read_spans(os.path.join(sd, "traces.jsonl"))
        check_truth(f"{label} shard {k}/3", sspans, st, rules)
        check_logs(f"{label} shard {k}/3", sspans, read_logs(os.path.join(sd, "logs.jsonl")), mode)
        for i in st:
            a = sums.setdefault(i["id"], [0, 0, []])
            a[0] += i["spans"]
            a[1] += i["traces"]
            a[2] += i["trace_ids"]
        for sig in cat:
            cat[sig] += data_bytes(sd, sig) or b""
        shutil.rmtree(os.path.join(tmp, f"shard{k}"))
    whole_sums = {i["id"]: [i["spans"], i["traces"], i["trace_ids"]] for i in truth}
    tap(sums == whole_sums, f"{label}: the 3 shards' ground truths add up to the whole run's")
    one = render(args + ["--threads", "1"], os.path.join(tmp, "one"))
    for sig in cat:
        w, n = data_bytes(whole, sig), len(read_logs(os.path.join(whole, f"{sig}.jsonl")))
        same = w is None and not cat[sig] and data_bytes(one, sig) is None
        same = same or (w is not None and w == cat[sig] == data_bytes(one, sig))
        tap(same, f"{label}: {sig} ({n} records): the 3 shards concatenated and --threads 1 give "
                  f"the bytes of --threads 2")
    shutil.rmtree(os.path.join(tmp, "one"))
    shutil.rmtree(os.path.join(tmp, "whole"))
    return spans, truth


# ---- generated scenarios ----

HTTP_CODES = {"timeout": 504, "unavailable": 503, "invalid_arguments": 400}


def gen_scenario(rng, n):
    """A random span tree: unique span names, errors with unique types, some
    HTTP servers and clients, span logs at random places, span events
    (mirrored by emit_logs or their own `log:`), a random `exceptions`."""
    mode = rng.choice(["log", "span_event", "both"])
    rules = {"own": {}, "exceptions": mode}
    counter = [0]
    logs_of = {}

    def span(depth, service):
        counter[0] += 1
        i = counter[0]
        name = f"op{i}"
        s = {"type": name, "latency": {"distribution": "uniform", "min_ms": 1, "max_ms": 30}}
        if rng.random() < 0.3:
            service = f"svc{rng.randint(1, 4)}"
            s["service"] = service
        if rng.random() < 0.4:
            s["kind"] = rng.choice(["server", "client"])
            s["attributes"] = {"http.request.method": "GET"}
        if rng.random() < 0.5:
            rate = round(rng.choice([0.05, 0.2, 0.5]), 2)
            etype = f"E{i}"
            s["error"] = {"rate": rate, "type": etype, "propagate": rng.random() < 0.5}
            rules["own"][name] = {etype: 1}
            if "kind" in s and rng.random() < 0.4:  # a 4xx: UNSET on a server, ERROR on a client
                code = rng.choice([404, 409, 429])
                s["error"]["attributes"] = {"http.response.status_code": code}
                rules["own"][name]["4xx"] = code
        if rng.random() < 0.4:
            s["logs"] = [{"at": rng.choice(["start", "end", "error", "50%", "100%", 1]),
                          "severity": rng.choice(["trace", "debug", "info", "warn", "error", "fatal"]),
                          "body": f"log of {name} {{{{random.hex(4)}}}}"}
                         for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.3:
            s["events"] = [{"name": f"ev{i}", "offset": rng.choice(["30%", 0]),
                            "attributes": {"n": i}}]
            log = rng.choice([True, False, None])  # None: the scenario's emit_logs
            if log is not None:
                s["events"][0]["log"] = log
            logs_of[f"ev{i}"] = log
        if depth < 3:
            kids = [span(depth + 1, service) for _ in range(rng.randint(0, 3))]
            if kids:
                s["children"] = kids
                if rng.random() < 0.3:
                    s["parallel"] = True
        return s

    root = span(0, "front")
    root["service"] = "front"
    doc = {"name": f"gen{n}", "repeat_count": 200, "interval_ms": 100, "exceptions": mode,
           "emit_logs": rng.random() < 0.5, "root": root}
    rules["mirror"] = lambda s, e: (doc["emit_logs"] if logs_of[e["name"]] is None
                                    else logs_of[e["name"]])
    if rng.random() < 0.7:
        doc["timeline"] = [{"at": f"{rng.randint(0, 15)}s", "name": rng.choice(
            ["deployment", "config_change", "scale", "circuit_breaker_open", "my.event"]),
            "severity": rng.choice(["info", "warn"]), "attributes": {"k": i}}
            for i in range(rng.randint(1, 3))]
    return doc, rules


def main():
    tmp = tempfile.mkdtemp(prefix="otelsim-signals.")
    try:
        # each bundled scenario's `exceptions`: native ones the config's default
        # (log), trace-generator files both, the reference example both
        # and which span events are mirrored as log records (an event's `log: true`,
        # or emit_logs: true)
        everything = lambda s, e: True  # noqa: E731
        for name, count, mode, mirror in (
                ("checkout_flow", 400, "log", everything), ("tool_retry", 150, "log", None),
                ("successful_agent_turn", 100, "log", None),
                ("01_api_gateway", 200, "both", None), ("ecommerce_order", 200, "both", None),
                ("example_scenario", 100, "both", lambda s, e: e["name"] == "vendor.turn.received"),
                ("request_blocked_invalid_payload_multi", 60, "log", everything)):
            forced = name in ("tool_retry", "example_scenario")
            rules = {"forced": {"vendor.mcp.tool.execute.attempt"}} if forced else {}
            rules["exceptions"] = mode
            if mirror:
                rules["mirror"] = mirror
            check_run(tmp, name, ["scenario", "--name", name, "--count", str(count)], rules)
        rng = random.Random(9)
        sdir = os.path.join(tmp, "scen")
        os.makedirs(sdir)
        for n in range(5):
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
