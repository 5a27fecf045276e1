#!/usr/bin/python3
"""Browser tests of `otelsim report` (the `report` suite of tests/run.sh).

For each dataset (the bundled fixtures, and a checkout_flow dataset with
logs, events, metrics and ground truth added by make_data.py) the report
is written, opened from file:// in Debian's headless Chromium (driven over
the DevTools protocol, cdp.py) and checked against an independent reader
(otlp_read.py: Python's protobuf and json over the same files):
no console error and no network request; the counts shown; a click on a
trace shows exactly that trace's spans; filters give the expected row
counts; ground-truth windows drawn; the same input gives the same bytes.
Screenshots go to $BUILD/report-screenshots/ for people to look at.
Prints TAP.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import cdp  # noqa: E402
import otlp_read  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
OTELSIM = os.path.join(ROOT, os.environ.get("OTELSIM", os.path.join(BUILD, "otelsim")))
SHOTS = os.path.join(ROOT, BUILD, "report-screenshots")
n = 0
failed = 0


def tap(ok, name, detail=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, name))
    if not ok:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)
    sys.stdout.flush()
    return ok


def report(args, out):
    p = subprocess.run([OTELSIM, "report"] + args + ["--html", out, "--quiet"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    return p


def data_files(ds):
    return sorted(f for f in glob.glob(os.path.join(ds, "*"))
                  if re.search(r"\.(binpb|jsonl)(\.gz)?$", f))


def dom_counts(page):
    return page.eval("Object.fromEntries(Array.from(document.querySelectorAll('#counts [data-count]'))"
                     ".map(function(e){return [e.dataset.count, +e.dataset.value]}))")


def check_page(b, name, html, items, n_injections=0, sampled=None):
    """Everything a page must show, against the independent reader's items."""
    page = b.new_page()
    secs = page.load("file://" + html)
    ready = page.wait_for("document.documentElement.dataset.ready === '1'", 10)
    problems = page.problems()
    tap(ready and not problems, "%s: loads (%.2fs) with no console error and no network request" % (name, secs),
        "\n".join(problems) or "never ready")
    traces = items.traces()
    want = {"traces": len(traces), "spans": len(items.spans),
            "error_traces": sum(1 for t in traces.values() if any(s["error"] for s in t)),
            "services": len(items.services), "metric_streams": len(items.streams),
            "log_records": len(items.logs), "events": sum(1 for l in items.logs if l["event"]),
            "data_points": items.points, "injections": n_injections}
    got = dom_counts(page)
    diff = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
    tap(not diff, "%s: counts shown = the files' (%s)" % (name, ", ".join("%s %d" % kv for kv in sorted(want.items()) if kv[1])),
        "shown, expected: %r" % diff)
    csp = page.eval("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    blocked = page.eval("fetch('https://example.com/x').then(function(){return 'fetched'}, function(e){return 'blocked'})")
    extra = page.problems()
    tap(csp.startswith("default-src 'none'") and blocked == "blocked" and
        not any(p.startswith("network request") for p in extra),
        "%s: Content-Security-Policy default-src 'none' blocks a stray fetch" % name, "%s %s %s" % (csp, blocked, extra))
    page.eval("window.scrollTo(0,0)")
    page.screenshot(os.path.join(SHOTS, name.replace("/", "_") + "-summary.png"))
    return page


def check_traces(page, name, items, rows_expected):
    traces = items.traces()
    page.click('#tabs button[data-tab="traces"]')
    rows = page.eval("Array.from(document.querySelectorAll('#traces tbody tr')).map(function(r){return r.dataset.trace})")
    tap(len(rows) == rows_expected and all(r in traces for r in rows),
        "%s: trace table holds %d rows of the files' traces" % (name, rows_expected), "%d rows" % len(rows))
    # a click shows a waterfall of exactly that trace's spans (an error trace when there is one)
    pick = next((r for r in rows if any(s["error"] for s in traces[r])), rows[0])
    page.click('#traces tbody tr[data-trace="%s"]' % pick)
    spans = page.eval("Array.from(document.querySelectorAll('#waterfall .wf-row')).map(function(r){return r.dataset.span})")
    errs = page.eval("document.querySelectorAll('#waterfall .wf-row[data-error=\"1\"] .wf-bar.error').length")
    want = sorted(s["span"] for s in traces[pick])
    tap(sorted(spans) == want and errs == sum(1 for s in traces[pick] if s["error"]),
        "%s: clicking trace %s shows its %d spans in the waterfall, %d marked as errors" % (name, pick[:8], len(want), errs),
        "shown %d: %s" % (len(spans), sorted(set(spans) ^ set(want))[:5]))
    detail = page.eval("document.getElementById('span-detail').textContent")
    tap("Attributes" in detail and "Resource" in detail, "%s: the first span's attributes and resource are shown" % name, detail[:200])
    page.eval("window.scrollTo(0,0)")
    page.screenshot(os.path.join(SHOTS, name.replace("/", "_") + "-waterfall.png"))
    return rows


def set_filters(page, **kv):
    for sel in ("#f-search", "#f-service", "#f-span", "#f-error", "#f-min", "#f-max"):
        page.set_value(sel, "")
    for k, v in kv.items():
        page.set_value("#f-" + k, v)
    return page.eval("+document.getElementById('trace-count').dataset.rows")


def check_filters(page, name, items, rows):
    traces = {t: s for t, s in items.traces().items() if t in set(rows)}
    svc_idx = page.eval("Object.fromEntries(Array.from(document.querySelectorAll('#f-service option')).map(function(o){return [o.textContent, o.value]}))")
    cases = []
    cases.append(("errors only", dict(error="error"), sum(1 for t in traces.values() if any(s["error"] for s in t))))
    cases.append(("without errors", dict(error="ok"), sum(1 for t in traces.values() if not any(s["error"] for s in t))))
    svcs = sorted({s["service"] for t in traces.values() for s in t})
    last = svcs[-1]
    cases.append(("service " + last, dict(service=svc_idx[last]), sum(1 for t in traces.values() if any(s["service"] == last for s in t))))
    names = sorted({s["name"] for t in traces.values() for s in t})
    nm = names[len(names) // 2]
    cases.append(("span name " + nm, dict(span=nm), sum(1 for t in traces.values() if any(s["name"] == nm for s in t))))
    durs = sorted((max(s["end"] for s in t) - min(s["start"] for s in t)) for t in traces.values())
    lo, hi = durs[len(durs) // 4] / 1e6, durs[3 * len(durs) // 4] / 1e6
    cases.append(("duration %.3f-%.3f ms" % (lo, hi), dict(min=str(lo), max=str(hi)),
                  sum(1 for d in durs if lo * 1e6 <= d <= hi * 1e6)))
    tid = rows[len(rows) // 2]
    cases.append(("search by trace id", dict(search=tid[:12]), sum(1 for t in traces if tid[:12] in t)))
    for label, f, want in cases:
        got = set_filters(page, **f)
        tap(got == want, "%s: filter %s leaves %d rows" % (name, label, want), "got %s" % got)
    set_filters(page)


def check_logs(page, name, items):
    page.click('#tabs button[data-tab="logs"]')
    shown = page.eval("+document.getElementById('log-count').dataset.rows")
    tap(shown == len(items.logs), "%s: log table holds all %d records" % (name, len(items.logs)), shown)
    page.set_value("#l-severity", "13")
    warn = page.eval("+document.getElementById('log-count').dataset.rows")
    want = sum(1 for l in items.logs if l["severity"] >= 13)
    tap(warn == want, "%s: severity WARN and above leaves %d rows" % (name, want), warn)
    page.set_value("#l-severity", "0")
    page.set_value("#l-kind", "event")
    ev = page.eval("+document.getElementById('log-count').dataset.rows")
    want = sum(1 for l in items.logs if l["event"])
    tap(ev == want, "%s: events only leaves %d rows" % (name, want), ev)
    page.set_value("#l-kind", "")
    # a log record linked to its span opens that span in the waterfall
    link = page.eval("(function(){var a=document.querySelector('#logs a.trace-link'); return a ? a.dataset.trace : null})()")
    if link:
        page.click("#logs a.trace-link")
        sel = page.eval("(function(){var r=document.querySelector('#waterfall .wf-row.selected'); return r ? [document.getElementById('waterfall').dataset.trace, r.dataset.span] : null})()")
        rec = next(l for l in items.logs if l["trace"] == link)
        tap(sel and sel[0] == link and sel[1] == rec["span"], "%s: a log record's link opens its trace with its span selected" % name, sel)
    page.click('#tabs button[data-tab="logs"]')
    page.eval("window.scrollTo(0,0)")
    page.screenshot(os.path.join(SHOTS, name.replace("/", "_") + "-logs.png"))


def check_truth(page, name, gt):
    n_inj = len(gt["injections"])
    page.click('#tabs button[data-tab="summary"]')
    on_summary = page.eval("document.querySelectorAll('#sec-summary rect.gt-window').length")
    page.click('#tabs button[data-tab="truth"]')
    rows = page.eval("document.querySelectorAll('#injections tbody tr').length")
    ids = page.eval("Array.from(document.querySelectorAll('#sec-truth rect.gt-window')).map(function(r){return r.dataset.injection})")
    tap(on_summary == n_inj and rows == n_inj and sorted(ids) == sorted(i["id"] for i in gt["injections"]),
        "%s: %d ground-truth windows drawn on the timelines and listed" % (name, n_inj), (on_summary, rows, ids))
    listed = page.eval("Array.from(document.querySelectorAll('#injections tbody tr')).map(function(r){return r.children[10].textContent})")
    want = ["%d listed" % len(gt["injections"][0]["trace_ids"]),
            "%s: %d listed" % (gt["injections"][1]["trace_ids_file"], gt["injections"][1]["traces"])]
    tap(len(listed) == 2 and all(a.startswith(b) for a, b in zip(listed, want)), "%s: trace ids inline and from trace_ids_file are read" % name, (listed, want))
    # a trace in a window: its waterfall shades the window
    inj = gt["injections"][0]
    if inj["trace_ids"]:
        page.eval("window.otelsimReport.openTrace(%s)" % json.dumps(inj["trace_ids"][0]))
        shaded = page.eval("document.querySelectorAll('#waterfall .wf-row .wf-gt').length")
        rows = page.eval("document.querySelectorAll('#waterfall .wf-row').length")
        tap(rows > 0 and shaded == rows, "%s: the waterfall of an injected trace shades the window on every row" % name, (shaded, rows))
    page.click('#tabs button[data-tab="metrics"]')
    plots = page.eval("document.querySelectorAll('#metrics .stream').length")
    shaded = page.eval("document.querySelectorAll('#metrics svg rect.gt-window').length")
    tap(plots > 0 and shaded >= plots * n_inj, "%s: every metric plot shades the windows (%d streams)" % (name, plots), (plots, shaded))
    page.eval("window.scrollTo(0,0)")
    page.screenshot(os.path.join(SHOTS, name.replace("/", "_") + "-metrics.png"))


def exp_grid(points):
    """The buckets the page's heat map of an exponential histogram stream has:
    every point at the stream's smallest scale, the union of their buckets,
    plus the zero bucket and the empty one between 0 and the lowest."""
    ms = min(p[0] for p in points)
    pos, neg = set(), set()
    for scale, _, po, pc, no, nc in points:
        f = 2 ** (scale - ms)
        pos |= {(po + j) // f for j, c in enumerate(pc) if c}
        neg |= {(no + j) // f for j, c in enumerate(nc) if c}
    n = (max(neg) - min(neg) + 1 if neg else 0) + 1
    return n + (max(pos) - min(pos) + 2 if pos else 0)


def check_exp(page, name, items):
    """Exponential histograms: a percentile series and a bucket heat map each."""
    page.click('#tabs button[data-tab="metrics"]')
    page.eval("document.querySelectorAll('#metrics .plots').forEach(function(p){ if (p._draw && !p.firstChild) p._draw(); })")
    got = page.eval("Array.from(document.querySelectorAll('#metrics .metric-group')).filter(function(g){"
                    "return /exponential/.test(g.querySelector('.badge').textContent)}).map(function(g){"
                    "return Array.from(g.querySelectorAll('.stream')).map(function(s){"
                    "var l = Array.from(s.querySelectorAll('.muted')).map(function(m){return m.textContent}).join(' ');"
                    "return [g.dataset.metric, !!s.querySelector('canvas.heat'), /p99 \\(from buckets\\)/.test(s.textContent),"
                    " +((l.match(/heat map, (\\d+) buckets/) || [0, -1])[1])]})})")
    got = [x for grp in got for x in grp]
    want = sorted((k[2], exp_grid(v)) for k, v in items.exp.items())
    tap(want and len(got) == len(want) and all(h and q for _, h, q, _ in got) and
        sorted((m, n) for m, _, _, n in got) == want,
        "%s: %d exponential histogram streams: a percentile series and a heat map of the buckets each" % (name, len(want)),
        (got, want))


def check_latency(page, name, items):
    page.click('#tabs button[data-tab="latency"]')
    by = {}
    for s in items.spans:
        by.setdefault(s["service"] + "\0" + s["name"], []).append(s["end"] - s["start"])
    rows = page.eval("Array.from(document.querySelectorAll('#latency tbody tr')).map(function(r){"
                     "var v=r.querySelectorAll('td[data-value]'); return [r.dataset.op, +r.children[2].textContent.replace(/,/g,''),"
                     " +v[0].dataset.value, +v[1].dataset.value, +v[2].dataset.value, +v[3].dataset.value]})")
    bad = []
    for op, count, p50, p90, p99, mx in rows:
        d = by.get(op, [])
        want = (len(d), otlp_read.nearest_rank(d, 50), otlp_read.nearest_rank(d, 90), otlp_read.nearest_rank(d, 99), max(d) if d else 0)
        if (count, p50, p90, p99, mx) != want:
            bad.append((op, (count, p50, p90, p99, mx), want))
    tap(len(rows) == len(by) and not bad, "%s: latency of %d span names: count, p50, p90, p99, max exact" % (name, len(by)), bad[:3])
    # calls between services: child span in another service than its parent's
    idx = {(s["trace"], s["span"]): s for s in items.spans}
    calls = {}
    for s in items.spans:
        p = idx.get((s["trace"], s["parent"]))
        if p and p["service"] != s["service"]:
            calls[(p["service"], s["service"])] = calls.get((p["service"], s["service"]), 0) + 1
    page.click('#tabs button[data-tab="services"]')
    edges = page.eval("Array.from(document.querySelectorAll('#graph g.edge')).map(function(e){return [e.dataset.from, e.dataset.to, +e.dataset.calls]})")
    nodes = page.eval("document.querySelectorAll('#graph g.node').length")
    tap({(a, b): c for a, b, c in edges} == calls and nodes == len({s["service"] for s in items.spans}),
        "%s: service graph: %d services, calls %s" % (name, nodes, sorted(calls.items())), (edges, calls))
    page.eval("window.scrollTo(0,0)")
    page.screenshot(os.path.join(SHOTS, name.replace("/", "_") + "-services.png"))


def main():
    os.makedirs(SHOTS, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="otelsim-report-test.")
    try:
        with cdp.Browser() as b:
            run(b, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("# screenshots in %s" % SHOTS)
    return 1 if failed else 0


def injections_in(folder):
    """The injections of a dataset's ground_truth.json (0 without one)."""
    path = os.path.join(folder, "ground_truth.json")
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return len(json.load(f)["injections"])


def run(b, tmp):
    # the bundled datasets, as make run writes them
    for ds in ("agentic/successful_agent_turn", "agentic/tool_retry", "commerce/checkout_flow"):
        path = os.path.join("fixtures", ds)
        html = os.path.join(tmp, ds.replace("/", "_") + ".html")
        p = report([path], html)
        if not tap(p.returncode == 0, "%s: report written" % ds, p.stderr):
            continue
        items = otlp_read.read_items(data_files(os.path.join(ROOT, path)))
        page = check_page(b, ds, html, items, injections_in(os.path.join(ROOT, path)))
        rows = check_traces(page, ds, items, len(items.traces()))
        if ds == "commerce/checkout_flow":
            check_filters(page, ds, items, rows)
            check_latency(page, ds, items)
            check_exp(page, ds, items)
        again = os.path.join(tmp, "again.html")
        report([path], again)
        with open(html, "rb") as f1, open(again, "rb") as f2:
            tap(f1.read() == f2.read(), "%s: the same dataset gives the same bytes" % ds)

    # every signal: traces + logs + events + metrics + ground truth, a sample of traces
    out = os.path.join(tmp, "signals")
    subprocess.run([OTELSIM, "scenario", "--name", "checkout_flow", "--count", "400", "--seed", "7", "--out", out,
                    "--quiet"], cwd=ROOT, check=True, timeout=120)
    ds = os.path.join(out, "commerce", "checkout_flow")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "make_data.py"), ds], check=True, timeout=120)
    with open(os.path.join(ds, "ground_truth.json")) as f:
        gt = json.load(f)
    items = otlp_read.read_items(data_files(ds))
    html = os.path.join(tmp, "signals.html")
    p = report([ds, "--sample-traces", "60"], html)
    tap(p.returncode == 0, "signals: report written", p.stderr)
    page = check_page(b, "signals", html, items, len(gt["injections"]))
    traces = items.traces()
    errors = sorted(t for t, s in traces.items() if any(x["error"] for x in s))
    rows = check_traces(page, "signals", items, 60)
    tap(set(errors) <= set(rows), "signals: the sample of 60 holds every one of the %d error traces" % len(errors))
    note = page.eval("document.querySelector('#sec-traces .note').textContent")
    tap("sample" in note and "60 of 400" in note, "signals: the table says it holds a sample", note)
    check_logs(page, "signals", items)
    check_truth(page, "signals", gt)
    check_latency(page, "signals", items)
    seed = page.eval("document.getElementById('sec-summary').textContent")
    tap("18446744073709551557" in seed, "signals: a 64-bit seed in a newer manifest keeps its digits")

    # --sample-traces below the error traces: only error traces, the limit's worth
    html = os.path.join(tmp, "few.html")
    p = report([ds, "--sample-traces", "2"], html)
    page = b.new_page()
    page.load("file://" + html)
    page.click('#tabs button[data-tab="traces"]')
    rows = page.eval("Array.from(document.querySelectorAll('#traces tbody tr')).map(function(r){return r.dataset.trace})")
    tap(p.returncode == 0 and len(rows) == 2 and set(rows) <= set(errors),
        "sample of 2 with %d error traces: 2 rows, both error traces" % len(errors), rows)

    # OTLP/JSON and gzip give the same page content as protobuf
    out2 = os.path.join(tmp, "json")
    subprocess.run([OTELSIM, "scenario", "--name", "tool_retry", "--format", "otlp-json", "--gzip", "--out", out2,
                    "--quiet"], cwd=ROOT, check=True, timeout=120)
    ds2 = os.path.join(out2, "agentic", "tool_retry")
    items2 = otlp_read.read_items(data_files(ds2))
    html = os.path.join(tmp, "json.html")
    p = report([ds2], html)
    tap(p.returncode == 0, "OTLP/JSON gzip dataset: report written", p.stderr)
    page = check_page(b, "tool_retry-json-gzip", html, items2, injections_in(ds2))
    check_traces(page, "tool_retry-json-gzip", items2, len(items2.traces()))


if __name__ == "__main__":
    sys.exit(main())
