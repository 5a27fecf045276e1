#!/usr/bin/python3
"""Agent sessions (model/agent.h), checked on what otelsim writes (OTLP/JSON).

- a mixed run of 2,000 sessions of the bundled agentic scenarios under
  --vendor acme: on every span acme.session.id equals gen_ai.conversation.id;
  session, tenant and user are equal on every span of every trace of a
  session; each trace has one request id, distinct across a session's
  traces; multi-turn sessions span several traces that follow each other in
  time; every id matches a regex built from the config's id_formats;
- 20,000 sessions with TELEMETRY_TENANT_UUIDS/WEIGHTS land within 3 sigma
  of each weight; TENANT_UUID gives every session its tenant; without the
  environment every session's tenant is the context's;
- redaction: a defined redacted text is used verbatim; pattern redaction of
  conversation text leaves no e-mail, phone or card number.
Prints TAP."""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
OTELSIM = os.path.join(ROOT, BUILD, "otelsim")
CONFIG = os.path.join(ROOT, "config", "config.yaml")
results = []


def tap(ok, name, detail=""):
    results.append((ok, name, detail))


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TENANT", "TELEMETRY_", "OTELSIM_", "VENDOR"))}
    env.update(LC_ALL="C", TZ="UTC")
    env.update(extra or {})
    return env


def render(args, out, env=None):
    p = subprocess.run([OTELSIM, *args, "--format", "otlp-json", "--out", out, "--quiet"],
                       capture_output=True, env=clean_env(env), timeout=240)
    if p.returncode:
        raise RuntimeError(f"otelsim {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")


def value(v):
    for k in ("stringValue", "intValue", "doubleValue", "boolValue"):
        if k in v:
            return v[k]
    return None


def spans_of(path):
    """Every span: (trace id, span id, parent, name, start, end, attributes)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            for rs in json.loads(line).get("resourceSpans", []):
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        attrs = {a["key"]: value(a["value"]) for a in s.get("attributes", [])}
                        out.append((s["traceId"], s["spanId"], s.get("parentSpanId", ""),
                                    s["name"], int(s["startTimeUnixNano"]),
                                    int(s["endTimeUnixNano"]), attrs))
    return out


def id_formats():
    """config/config.yaml's id_formats, read as plain lines (no YAML module needed)."""
    fmts, inside = {}, False
    with open(CONFIG, encoding="utf-8") as f:
        for line in f:
            if line.startswith("id_formats:"):
                inside = True
            elif inside and line.startswith("  ") and ":" in line:
                key, rest = line.strip().split(":", 1)
                m = re.match(r'\s*"([^"]*)"', rest)
                if m:
                    fmts[key] = m.group(1)
            elif inside and line.strip() and not line.startswith(" "):
                break
    return fmts


def template_regex(t, tenants):
    parts, i = [], 0
    while i < len(t):
        m = re.match(r"\{hex:(\d+)\}", t[i:])
        if m:
            parts.append(f"[0-9a-f]{{{m.group(1)}}}")
            i += len(m.group(0))
        elif t.startswith("{uuid}", i):
            parts.append("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
            i += 6
        elif t.startswith("{tenant_id}", i):
            parts.append("(?:" + "|".join(re.escape(x) for x in tenants) + ")")
            i += 11
        else:
            parts.append(re.escape(t[i]))
            i += 1
    return re.compile("^" + "".join(parts) + "$")


def check_mixed(tmp):
    out = os.path.join(tmp, "mixed")
    render(["run", "--count", "2000", "--vendor", "acme", "--tags", "agentic"], out)
    spans = spans_of(os.path.join(out, "mixed", "traces.jsonl"))
    fmts = id_formats()
    tenants = set()
    bad = []
    sessions, traces = {}, {}
    for tid, sid, parent, name, start, end, a in spans:
        s, c = a.get("acme.session.id"), a.get("gen_ai.conversation.id")
        if not s or s != c:
            bad.append(f"span {sid}: session {s!r} conversation {c!r}")
            continue
        key = (a.get("acme.tenant.id"), a.get("enduser.pseudo.id"))
        tenants.add(key[0])
        if sessions.setdefault(s, key) != key:
            bad.append(f"session {s}: tenant/user {key} and {sessions[s]}")
        t = traces.setdefault(tid, {"sessions": set(), "requests": set(), "root": None,
                                    "inputs": set()})
        t["sessions"].add(s)
        if "gen_ai.input.messages" in a:
            t["inputs"].add(json.loads(a["gen_ai.input.messages"])[0]["parts"][0]["content"])
        t["requests"].add(a.get("acme.request.id"))
        if not parent:
            t["root"] = (start, end)
    tap(not bad and len(spans) > 2000, "2,000 sessions under --vendor acme: every span's "
        "acme.session.id is its gen_ai.conversation.id; tenant and user equal per session",
        "; ".join(bad[:5]))
    tap(len(sessions) == 2000, "2,000 iterations are 2,000 sessions", f"{len(sessions)} sessions")
    per_session, bad = {}, []
    for tid, t in traces.items():
        if len(t["sessions"]) != 1 or len(t["requests"]) != 1 or t["root"] is None:
            bad.append(f"trace {tid}: {t['sessions']} {t['requests']}")
            continue
        per_session.setdefault(next(iter(t["sessions"])), []).append(
            (t["root"], next(iter(t["requests"])), tuple(sorted(t["inputs"]))))
    multi = 0
    turns = [("Water is coming through the ceiling of my bathroom. What do I do?",),
             ("Yes please, as soon as possible.",), ("That works. Thanks!",)]
    for s, ts in per_session.items():
        ts.sort()
        if len({r for _, r, _ in ts}) != len(ts):
            bad.append(f"session {s}: a request id repeats")
        for (prev, _, _), (cur, _, _) in zip(ts, ts[1:]):
            if cur[0] < prev[1]:
                bad.append(f"session {s}: a turn starts before the previous one ended")
        if len(ts) > 1 and [i for _, _, i in ts] != turns:
            bad.append(f"session {s}: its LLM spans do not carry its turns in order")
        multi += len(ts) > 1
    tap(not bad and multi > 50, "each trace has one session and one request id; multi-turn "
        "sessions span several traces, in turn, with distinct request ids, each turn's LLM "
        "span carrying that turn's message only",
        f"{multi} multi-turn sessions; " + "; ".join(bad[:5]))
    res = {k: template_regex(fmts[k], tenants) for k in
           ("session_id", "request_id", "enduser_pseudo_id", "mcp_tool_call_id")}
    keys = {"acme.session.id": "session_id", "acme.request.id": "request_id",
            "enduser.pseudo.id": "enduser_pseudo_id", "acme.mcp.tool.call.id": "mcp_tool_call_id",
            "gen_ai.tool.call.id": "mcp_tool_call_id"}
    bad, calls = [], 0
    for *_, a in spans:
        for k, f in keys.items():
            if k in a:
                calls += k == "acme.mcp.tool.call.id"
                if not res[f].match(str(a[k])):
                    bad.append(f"{k}={a[k]!r} does not match {fmts[f]!r}")
    tap(not bad and calls > 1000, "every id matches the regex built from its id_formats template",
        "; ".join(bad[:5]))


def session_scenario(tmp, name, body=""):
    d = os.path.join(tmp, name + "_dir")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".yaml"), "w", encoding="utf-8") as f:
        f.write(f"name: {name}\ncontext: {{tenant: harbor}}\n{body}root:\n  type: vendor.a2a.orchestrate\n")
    return d


def tenant_counts(tmp, name, d, n, env=None):
    out = os.path.join(tmp, "o_" + name)
    render(["scenario", "--scenarios-dir", d, "--name", name, "--count", str(n)], out, env)
    counts = {}
    for *_, a in spans_of(os.path.join(out, name, "traces.jsonl")):
        t = a.get("vendor.tenant.id")
        counts[t] = counts.get(t, 0) + 1
    return counts


def check_tenants(tmp):
    d = session_scenario(tmp, "t")
    weights = {"ten-a": 1.0, "ten-b": 2.0, "ten-c": 7.0}
    n = 20000
    counts = tenant_counts(tmp, "t", d, n, {"TELEMETRY_TENANT_UUIDS": "ten-a, ten-b,ten-c",
                                            "TELEMETRY_TENANT_WEIGHTS": "1,2,7"})
    total, bad = sum(weights.values()), []
    for t, w in weights.items():
        p = w / total
        sigma = math.sqrt(n * p * (1 - p))
        if abs(counts.get(t, 0) - n * p) > 3 * sigma:
            bad.append(f"{t}: {counts.get(t, 0)} (expected {n * p:.0f} +- {3 * sigma:.0f})")
    tap(not bad and sum(counts.values()) == n and set(counts) == set(weights),
        "20,000 sessions with TELEMETRY_TENANT_WEIGHTS land within 3 sigma of each weight",
        f"{counts} " + "; ".join(bad))
    counts = tenant_counts(tmp, "t", d, 300, {"TENANT_UUID": "dev-tenant-1"})
    tap(counts == {"dev-tenant-1": 300}, "TENANT_UUID is every session's tenant", str(counts))
    counts = tenant_counts(tmp, "t", d, 300)
    tap(counts == {"3f6c2a8e-91d4-4b07-a5e3-6d2f0b9c7e14": 300},
        "without the environment every session's tenant is its context's", str(counts))
    # {tenant_id} in an id format follows each session's tenant
    cfg = os.path.join(tmp, "tenant_config.yaml")
    with open(cfg, "w", encoding="utf-8") as f:
        f.write('id_formats:\n  session_id: "s_{tenant_id}_{hex:6}"\n  request_id: "r_{uuid}"\n'
                '  enduser_pseudo_id: "u_{tenant_id}_{hex:4}"\ntenants: {harbor: h}\n')
    out = os.path.join(tmp, "o_tid")
    render(["scenario", "--config", cfg, "--scenarios-dir", d, "--name", "t", "--count", "500"],
           out, {"TELEMETRY_TENANT_UUIDS": "ta,tb"})
    bad, seen = [], set()
    for *_, a in spans_of(os.path.join(out, "t", "traces.jsonl")):
        t = a.get("vendor.tenant.id")
        seen.add(t)
        if not re.fullmatch(f"s_{t}_[0-9a-f]{{6}}", a["vendor.session.id"]) or \
                not re.fullmatch(f"u_{t}_[0-9a-f]{{4}}", a["enduser.pseudo.id"]):
            bad.append(f"{t}: {a['vendor.session.id']} {a['enduser.pseudo.id']}")
    tap(not bad and seen == {"ta", "tb"}, "{tenant_id} in an id format is the session's tenant",
        "; ".join(bad[:5]))


EMAIL = re.compile(r"\S+@\S+\.\w+")
PHONE_OR_CARD = re.compile(r"\+?\d[\d ().-]{5,}\d")


def contents(js):
    return [p["content"] for m in json.loads(js) for p in m["parts"]]


def check_redaction(tmp):
    out = os.path.join(tmp, "red")
    render(["scenario", "--name", "claim_redacted", "--count", "300"], out)
    defined = "This is [NAME], policy [ID]. The storm broke the kitchen window."
    seen_defined, bad, n = 0, [], 0
    for *_, a in spans_of(os.path.join(out, "agentic", "claim_redacted", "traces.jsonl")):
        if "gen_ai.input.messages" not in a:
            continue
        n += 1
        text = contents(a["gen_ai.input.messages"])[0]
        red = contents(a["gen_ai.input.redacted"]) + contents(a["gen_ai.output.redacted"])
        if text.startswith("This is Ines Duarte"):
            seen_defined += 1
            if red[0] != defined:
                bad.append(f"defined text not verbatim: {red[0]!r}")
        for r in red:
            if EMAIL.search(r) or PHONE_OR_CARD.search(r):
                bad.append(f"personal data left: {r!r}")
    tap(not bad and seen_defined > 50 and n == 300,
        "redaction: the defined redacted text verbatim; patterns leave no e-mail, phone or "
        "card number", "; ".join(bad[:5]))


def main():
    with tempfile.TemporaryDirectory(prefix="otelsim-sessions.") as tmp:
        for check in (check_mixed, check_tenants, check_redaction):
            try:
                check(tmp)
            except Exception as e:  # a crash is a failure of that check
                tap(False, check.__name__, str(e))
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and detail:
            print(f"# {detail[:2000]}")
    print(f"1..{len(results)}")
    return 0 if all(ok for ok, *_ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
