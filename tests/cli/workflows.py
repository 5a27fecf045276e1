#!/usr/bin/python3
"""Seed 000's workflows, goals, retries and control plane (load/workflow.c),
checked on what otelsim writes (OTLP/JSON).

- each bundled agent scenario's first trace has exactly the span tree
  written below, and the attributes and events that carry its goal's or
  control-plane case's effect;
- every span of every bundled scenario (but bench/, whose one scenario
  mirrors a benchmark peer's spans attribute for attribute) carries every
  attribute the bundled conventions mark required for its span type
  (walked from conventions/, `extends` included), with a value from the
  attribute's members when it is an enum;
- `run --each-once --tags control-plane` renders each of the nine
  control-plane scenarios once; 20,000 picks of `run` over the bundled
  agent scenarios land within 3 sigma of each scenario's share, and 20,000
  picks over every weighted bundled scenario (native and trace-generator
  files, told apart by their roots) within 3 sigma of their weights' shares;
- a config request scenario is runnable without a file, and a file of the
  same name wins;
- refusals: an unknown goal (naming the five), a control-plane template
  value outside a closed enum, a tool the server lacks, an unknown retry
  template; each at its file, line and column, with exit status 2.
Prints TAP."""
import glob
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
OTELSIM = os.path.join(ROOT, BUILD, "otelsim")
CONFIG = os.path.join(ROOT, "config", "config.yaml")
SCEN = os.path.join(ROOT, "scenarios")
results = []


def tap(ok, name, detail=""):
    results.append((ok, name, detail))


def env():
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("TENANT", "TELEMETRY_", "OTELSIM_", "VENDOR", "SEMCONV",
                              "SCENARIOS_DIR"))}
    e.update(LC_ALL="C", TZ="UTC")
    return e


def otelsim(args):
    return subprocess.run([OTELSIM, *args], capture_output=True, env=env(), timeout=300)


def render(args, out):
    p = otelsim([*args, "--format", "otlp-json", "--out", out, "--quiet"])
    if p.returncode:
        raise RuntimeError(f"otelsim {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")


def value(v):
    for k in ("stringValue", "boolValue", "doubleValue"):
        if k in v:
            return v[k]
    if "intValue" in v:
        return int(v["intValue"])
    if "arrayValue" in v:
        return [value(x) for x in v["arrayValue"].get("values", [])]
    return None


def traces_of(path):
    """{trace id: [span dicts in file order]}, each with attrs, events, resource attrs."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            for rs in json.loads(line).get("resourceSpans", []):
                res = {a["key"]: value(a["value"]) for a in rs.get("resource", {}).get("attributes", [])}
                for ss in rs.get("scopeSpans", []):
                    for s in ss.get("spans", []):
                        s["attrs"] = {a["key"]: value(a["value"]) for a in s.get("attributes", [])}
                        s["res"] = res
                        out.setdefault(s["traceId"], []).append(s)
    for spans in out.values():
        spans.sort(key=lambda s: (int(s["startTimeUnixNano"]), s["spanId"]))
    return out


def tree(spans):
    """The trace as 'root(child(...),child)' by span name, children by start time."""
    kids = {}
    root = None
    for s in spans:
        if s.get("parentSpanId"):
            kids.setdefault(s["parentSpanId"], []).append(s)
        else:
            root = s

    def show(s):
        c = kids.get(s["spanId"], [])
        return s["name"] + ("(" + ",".join(show(k) for k in c) + ")" if c else "")
    return show(root) if root else ""


def by_name(spans, name):
    return [s for s in spans if s["name"] == name]


def status(s):
    return s.get("status", {}).get("code", 0)


# ---- expected trees ------------------------------------------------------

PLAN = "vendor.planner(vendor.llm.call)"
ATT = "vendor.mcp.tool.execute.attempt"
TASK = ("vendor.task.execute(vendor.tools.recommend,vendor.mcp.tool.execute(" + ATT +
        "),vendor.llm.call)")
COMPOSE = "vendor.response.compose"
TURN = f"vendor.a2a.orchestrate({PLAN},{TASK},{COMPOSE})"
CP = "cp.request"
PAY, POL, AUG = "vendor.validation.payload", "vendor.validation.policy", "vendor.augmentation"
TREES = {
    "new_claim_phone": TURN,
    "new_claim_phone_multi_turn": TURN,
    "new_claim_phone_mcp_tool_retry_then_success": TURN.replace(
        f"vendor.mcp.tool.execute({ATT})", f"vendor.mcp.tool.execute({ATT},{ATT})"),
    "new_claim_phone_4xx_invalid_arguments": TURN,
    "claim_status_phone_wrong_division": TURN,
    "claim_status_phone_ungrounded_response": TURN,
    "new_claim_phone_partial_workflow": (f"vendor.a2a.orchestrate({PLAN},vendor.mcp.tool.execute("
                                         f"{ATT}),vendor.llm.call,{COMPOSE})"),
    "request_blocked_by_policy": f"{CP}({PAY},{POL},{AUG})",
    "request_blocked_invalid_payload": f"{CP}({PAY},{POL},{AUG})",
    "request_blocked_rate_limited": f"{CP}({PAY})",
    "request_blocked_invalid_payload_multi": f"{CP}({PAY})",
    "request_allowed_audit_flagged": (f"{CP}({PAY},{POL},{AUG},{TURN},"
                                      f"vendor.response.validation({POL}))"),
    "request_error_policy_runtime": f"{CP}({PAY},{POL},{AUG})",
    "request_blocked_policy_fail_closed": f"{CP}({PAY},{POL},{AUG})",
    "request_blocked_invalid_context_augment_exception": f"{CP}({PAY},{POL},{AUG})",
    "request_error_policy_unavailable": f"{CP}({PAY},{POL})",
    "successful_agent_turn": ("vendor.a2a.orchestrate(vendor.planner(vendor.llm.call),"
                              f"vendor.mcp.tool.execute({ATT}),vendor.llm.call,{COMPOSE})"),
    "agent_to_agent_call": ("vendor.a2a.orchestrate(vendor.planner,a2a.call(vendor.llm.call),"
                            f"{COMPOSE})"),
}
CONTROL_PLANE = [n for n in TREES if n.startswith("request_")]


def first_trace(out, rel):
    ts = traces_of(os.path.join(out, rel, "traces.jsonl"))
    first = min(ts.values(), key=lambda sp: min(int(s["startTimeUnixNano"]) for s in sp))
    return first, ts


def check_trees(out):
    for name, want in TREES.items():
        rel = glob.glob(os.path.join(out, "**", name), recursive=True)
        if not rel:
            tap(False, f"{name}: rendered", "no dataset")
            continue
        spans, _ = first_trace(out, rel[0])
        got = tree(spans)
        tap(got == want, f"{name}: the span tree is {want}", f"got {got}")


def attr_checks(out):
    def get(name):
        rel = glob.glob(os.path.join(out, "**", name), recursive=True)[0]
        return first_trace(out, rel)

    sp, _ = get("new_claim_phone")
    root, rec = sp[0], by_name(sp, "vendor.tools.recommend")[0]["attrs"]
    tap(root["attrs"].get("vendor.turn.status.code") == "SUCCESS" and status(root) == 0 and
        rec.get("vendor.mcp.selection.strategy") == "capability_match" and
        rec.get("vendor.mcp.selection.constraints") == "none" and
        rec.get("vendor.mcp.tools.selected.count") == 1 and
        rec.get("vendor.mcp.selection.fallback.used") is False and
        rec.get("vendor.mcp.tools.available.count") == 4 and
        rec.get("vendor.mcp.selection.latency.ms") == 52,
        "new_claim_phone: SUCCESS; tools.recommend attributes from the config", str(rec))
    task = by_name(sp, "vendor.task.execute")[0]["attrs"]
    tap(task.get("vendor.task.id") == "task_01" and task.get("vendor.task.type") == "new_claim",
        "new_claim_phone: the task span has vendor.task.id task_01, vendor.task.type new_claim")

    sp, _ = get("new_claim_phone_mcp_tool_retry_then_success")
    mcp = by_name(sp, "vendor.mcp.tool.execute")[0]
    at = by_name(sp, ATT)
    tap(mcp["attrs"].get("vendor.retry.count") == 1 and
        mcp["attrs"].get("vendor.retry.policy") == "exponential" and
        mcp["attrs"].get("vendor.retry.reason") == "timeout" and status(mcp) == 0 and
        [(a["attrs"].get("vendor.attempt.outcome"), a["attrs"].get("error.type"), status(a))
         for a in at] == [("failure", "timeout", 2), ("success", None, 0)] and
        all(a["attrs"].get("vendor.session.id") == mcp["attrs"]["vendor.session.id"] for a in at),
        "retry_then_success: retry.count 1, policy exponential, reason timeout; attempts "
        "timeout then success, each with the session's ids")
    fail_ms = (int(at[0]["endTimeUnixNano"]) - int(at[0]["startTimeUnixNano"])) / 1e6
    tap(1000 < fail_ms < 15000, "retry_then_success: the timed-out attempt lasts about "
        "latency_by_error_type.timeout (5 s)", f"{fail_ms} ms")

    _, ts = get("new_claim_phone_4xx_invalid_arguments")
    codes, bad = set(), []
    for sp in ts.values():
        a = by_name(sp, ATT)
        root, comp = sp[0], by_name(sp, COMPOSE)[0]
        codes.add(a[0]["attrs"].get("http.response.status_code"))
        if (len(a) != 1 or a[0]["attrs"].get("error.type") != "invalid_arguments" or
                root["attrs"].get("vendor.turn.status.code") != "FAILURE" or
                comp["attrs"].get("vendor.step.outcome") != "fail" or
                by_name(sp, "vendor.task.execute")[0]["attrs"].get("vendor.step.outcome") != "fail"):
            bad.append(sp[0]["traceId"])
    tap(not bad and codes <= {400, 404, 422} and len(codes) >= 2,
        "4xx_invalid_arguments: one attempt, error.type invalid_arguments, status code from "
        "[400, 404, 422]; the turn FAILURE, task and response step.outcome fail",
        f"{bad[:3]} codes {codes}")

    sp, _ = get("claim_status_phone_wrong_division")
    cfg = yaml.safe_load(open(CONFIG, encoding="utf-8"))
    el = cfg["mcp_servers"]["electronics"]
    tool = [t["tool_uuid"] for t in el["tools"] if t["name"] == "claim_status"][0]
    mcp = by_name(sp, "vendor.mcp.tool.execute")[0]["attrs"]
    a = by_name(sp, ATT)
    tap(mcp.get("vendor.mcp.server.uuid") == el["mcp_server_uuid"] and
        mcp.get("vendor.mcp.tool.uuid") == tool and len(a) == 1 and
        a[0]["attrs"].get("error.type") == "tool_error",
        "wrong_division: the MCP span has home_electronics' server and tool uuids; its "
        "attempt fails with tool_error", str(mcp))

    sp, _ = get("new_claim_phone_partial_workflow")
    comp = by_name(sp, COMPOSE)[0]
    tap(status(comp) == 2 and comp["attrs"].get("error.type") == "tool_error" and
        comp["attrs"].get("vendor.step.outcome") == "fail" and
        sp[0]["attrs"].get("vendor.turn.status.code") == "PARTIAL",
        "partial_workflow: skip_steps leave out task and tools_recommend; the response "
        "fails (tool_error, step.outcome fail), the turn PARTIAL")

    sp, _ = get("claim_status_phone_ungrounded_response")
    comp = by_name(sp, COMPOSE)[0]
    tap(status(comp) == 2 and comp["attrs"].get("error.type") == "unavailable" and
        comp["attrs"].get("vendor.step.outcome") == "fail",
        "ungrounded_response: response.compose ERROR, error.type unavailable, step.outcome fail")

    cp_checks(get)


def cp_checks(get):
    def root_of(name):
        sp, _ = get(name)
        return sp, sp[0]["attrs"]

    sp, r = root_of("request_allowed_audit_flagged")
    pol = by_name(sp, POL)[0]["attrs"]
    tap(r.get("vendor.request.audit.flag") is True and
        pol.get("vendor.policy.decision") == "allow_with_audit" and
        r.get("vendor.request.outcome") == "allowed",
        "request_allowed_audit_flagged: audit.flag true, policy.decision allow_with_audit")
    sp, r = root_of("request_blocked_rate_limited")
    tap(r.get("vendor.block.reason") == "rate_limited" and len(sp) == 2,
        "request_blocked_rate_limited: block.reason rate_limited; root and payload spans only")
    sp, r = root_of("request_blocked_invalid_payload_multi")
    ev = [e for e in by_name(sp, PAY)[0].get("events", []) if e["name"] == "vendor.validation.error"]
    tap(r.get("vendor.block.reason") == "invalid_payload" and len(ev) == 3,
        "request_blocked_invalid_payload_multi: three vendor.validation.error events",
        f"{len(ev)} events")
    sp, r = root_of("request_blocked_policy_fail_closed")
    pol = by_name(sp, POL)[0]
    exc = [e for e in pol.get("events", []) if e["name"] == "exception"]
    tap(r.get("vendor.block.reason") == "request_policy" and
        r.get("vendor.policy.fail_mode") == "closed" and status(pol) == 2 and len(exc) == 1,
        "request_blocked_policy_fail_closed: block.reason request_policy, fail_mode closed, "
        "policy span ERROR with an exception event")
    sp, r = root_of("request_blocked_invalid_context_augment_exception")
    aug = by_name(sp, AUG)[0]
    exc = [{a["key"]: value(a["value"]) for a in e.get("attributes", [])}
           for e in aug.get("events", []) if e["name"] == "exception"]
    tap(r.get("vendor.block.reason") == "invalid_context" and status(aug) == 2 and
        len(exc) == 1 and exc[0].get("exception.type") == "AugmentationBindError",
        "request_blocked_invalid_context_augment_exception: block.reason invalid_context; "
        "augmentation ERROR with an AugmentationBindError exception event")
    sp, r = root_of("request_blocked_by_policy")
    tap(r.get("vendor.block.reason") == "request_policy" and
        by_name(sp, POL)[0]["attrs"].get("vendor.policy.decision") == "deny",
        "request_blocked_by_policy: block.reason request_policy, policy.decision deny")
    sp, r = root_of("request_blocked_invalid_payload")
    tap(r.get("vendor.block.reason") == "invalid_payload" and status(by_name(sp, PAY)[0]) == 2,
        "request_blocked_invalid_payload: block.reason invalid_payload, payload span ERROR")
    for name in ("request_error_policy_runtime", "request_error_policy_unavailable"):
        sp, r = root_of(name)
        pol = by_name(sp, POL)[0]
        tap(r.get("vendor.request.outcome") == "error" and status(sp[0]) == 2 and
            status(pol) == 2 and any(e["name"] == "exception" for e in pol.get("events", [])),
            f"{name}: request.outcome error; root and policy span ERROR, an exception event")


# ---- conventions: required attributes -------------------------------------

def conventions():
    """{span name: {attr: members or None}} of required attributes, from conventions/."""
    groups, attrs = {}, {}
    for path in sorted(glob.glob(os.path.join(ROOT, "conventions", "*.yaml"))):
        doc = yaml.safe_load(open(path, encoding="utf-8")) or {}
        for g in doc.get("groups", []) or []:
            groups[g["id"]] = g
            for a in g.get("attributes", []) or []:
                if "id" in a:
                    attrs[a["id"]] = a

    def members(aid):
        a = attrs.get(aid, {})
        t = a.get("type")
        return [m["value"] for m in t["members"]] if isinstance(t, dict) else None

    def required(gid, seen):
        g = groups.get(gid, {})
        out = {}
        if g.get("extends") and g["extends"] not in seen:
            out.update(required(g["extends"], seen | {gid}))
        for a in g.get("attributes", []) or []:
            aid = a.get("ref") or a.get("id")
            lvl = a.get("requirement_level", attrs.get(aid, {}).get("requirement_level"))
            dep = a.get("deprecated") or attrs.get(aid, {}).get("deprecated")
            if lvl == "required" and not dep:
                out[aid] = members(aid)
        return out

    spans = {}
    for gid, g in groups.items():
        if g.get("type") == "span":
            name = gid[len("span."):] if gid.startswith("span.") else gid
            spans[name] = required(gid, set())
    return spans


def check_required(out):
    spans = conventions()
    bad, checked = [], 0
    for path in glob.glob(os.path.join(out, "**", "traces.jsonl"), recursive=True):
        if os.path.relpath(path, out).startswith("bench" + os.sep):
            continue  # the benchmark turn mirrors a peer's spans attribute for attribute
        for sp in traces_of(path).values():
            for s in sp:
                for key, mem in spans.get(s["name"], {}).items():
                    checked += 1
                    v = s["attrs"].get(key)
                    if v is None:
                        bad.append(f"{os.path.relpath(path, out)}: {s['name']} lacks {key}")
                    elif mem is not None and v not in mem:
                        bad.append(f"{s['name']}: {key}={v!r} not in {mem}")
    tap(not bad and checked > 1000 and len(spans) >= 8,
        f"every bundled scenario's spans carry every attribute the conventions mark required "
        f"({checked} checks, {len(spans)} span types)", "; ".join(sorted(set(bad))[:6]))


LLM_KEYS = ("gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model",
            "gen_ai.response.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens")
MCP_KEYS = ("mcp.method.name", "gen_ai.tool.name", "gen_ai.tool.call.id")


def check_agent_spans(out):
    """LLM and MCP tool spans of the agent scenarios carry what seed 000's users query."""
    bad, n = [], 0
    for path in glob.glob(os.path.join(out, "agentic", "**", "traces.jsonl"), recursive=True):
        for sp in traces_of(path).values():
            for s in sp:
                keys = LLM_KEYS if s["name"] == "vendor.llm.call" else (
                    MCP_KEYS if s["name"] == "vendor.mcp.tool.execute" else ())
                n += bool(keys)
                miss = [k for k in keys if k not in s["attrs"]]
                if miss or (keys == MCP_KEYS and
                            s["attrs"].get("gen_ai.tool.call.id") != s["attrs"].get("vendor.mcp.tool.call.id")):
                    bad.append(f"{os.path.relpath(path, out)}: {s['name']} lacks {miss}")
    tap(not bad and n > 100, f"agent scenarios: LLM spans carry {', '.join(LLM_KEYS)}; MCP tool "
        f"spans mcp.method.name, gen_ai.tool.name and the tool call id ({n} spans)",
        "; ".join(sorted(set(bad))[:5]))


def check_service(tmp):
    out = os.path.join(tmp, "svc")
    render(["scenario", "--name", "new_claim_phone", "--count", "1", "--service-name", "claims-agent"], out)
    sp, _ = first_trace(out, os.path.join(out, "agentic", "new_claim_phone"))
    render(["scenario", "--name", "request_blocked_by_policy", "--count", "1"], out)
    cp, _ = first_trace(out, os.path.join(out, "agentic", "control_plane", "request_blocked_by_policy"))
    tap({s["res"].get("service.name") for s in sp} == {"claims-agent"} and
        {s["res"].get("service.name") for s in cp} == {"otelsim"},
        "built agent trees follow --service-name (default otelsim)")


# ---- runs: --each-once, weights -------------------------------------------

def tagged_copy(tmp):
    """The bundled agentic scenarios, each with a resource attribute naming it."""
    dst = os.path.join(tmp, "scen")
    weights = {}
    for path in glob.glob(os.path.join(SCEN, "agentic", "**", "*.yaml"), recursive=True):
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        doc.setdefault("resource", {}).setdefault("attributes", {})["test.scenario"] = doc["name"]
        weights[doc["name"]] = (float(doc.get("workload_weight", 1.0)), doc.get("tags", []))
        rel = os.path.relpath(path, SCEN)
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        with open(os.path.join(dst, rel), "w", encoding="utf-8") as f:
            yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)
    return dst, weights


def iterations(path):
    """{scenario: iterations} (a multi-turn session's traces share a session id)."""
    seen = {}
    for tid, sp in traces_of(path).items():
        s = sp[0]
        key = s["attrs"].get("vendor.session.id", tid)
        seen[key] = s["res"].get("test.scenario")
    counts = {}
    for name in seen.values():
        counts[name] = counts.get(name, 0) + 1
    return counts


def check_runs(tmp):
    scen, weights = tagged_copy(tmp)
    out = os.path.join(tmp, "once")
    render(["run", "--each-once", "--tags", "control-plane", "--scenarios-dir", scen], out)
    got = iterations(os.path.join(out, "mixed", "traces.jsonl"))
    tap(got == {n: 1 for n in CONTROL_PLANE},
        "run --each-once --tags control-plane: each of the nine control-plane scenarios once",
        str(got))
    out = os.path.join(tmp, "picks")
    n = 20000
    render(["run", "--count", str(n), "--scenarios-dir", scen], out)
    got = iterations(os.path.join(out, "mixed", "traces.jsonl"))
    total = sum(w for w, _ in weights.values() if w > 0)
    bad = []
    for name, (w, _) in weights.items():
        p = w / total
        sigma = math.sqrt(n * p * (1 - p))
        if abs(got.get(name, 0) - n * p) > 3 * sigma:
            bad.append(f"{name}: {got.get(name, 0)} (expected {n * p:.0f} +- {3 * sigma:.0f})")
    tap(not bad and sum(got.values()) == n and len(weights) >= 20,
        f"20,000 picks of run over {len(weights)} agent scenarios: each within 3 sigma of its "
        "workload_weight share", "; ".join(bad[:5]))
    cats = {"happy": [], "block": []}
    for name, (w, tags) in weights.items():
        if "happy-path" in tags and "multi-turn" not in tags and "control-plane" not in tags:
            cats["happy"].append(w)
        if "control-plane" in tags and ("blocked" in tags or "error" in tags):
            cats["block"].append(w)
    tap(all(w >= 2 for w in cats["happy"]) and max(cats["happy"]) >= 8 and
        all(0.15 <= w <= 0.5 for w in cats["block"]) and weights["request_allowed_audit_flagged"][0] >= 2
        and 2 <= weights["new_claim_phone_multi_turn"][0] <= 3,
        "bundled weights: happy paths up to 8, multi-turn and audit-flagged 2-3, blocks and "
        "errors 0.15-0.5", str(cats))


def check_forms(tmp):
    """control_plane by request_outcome + block_reason, inline attempts, --vendor."""
    d = os.path.join(tmp, "forms")
    os.makedirs(d)
    with open(os.path.join(d, "a.yaml"), "w", encoding="utf-8") as f:
        f.write("name: by_outcome\ncontext: {tenant: toro, agent: toro-customer-assistant-001}\n"
                "control_plane: {request_outcome: blocked, block_reason: rate_limited}\n")
    with open(os.path.join(d, "b.yaml"), "w", encoding="utf-8") as f:
        f.write("name: inline_attempts\ncontext: {tenant: toro, mcp_server: phone}\n"
                "data_plane:\n  workflow: claim_status\n  mcp_retry:\n    attempts:\n"
                "      - {outcome: failure, error_type: unavailable, latency_mean_ms: 700}\n"
                "      - {outcome: failure, error_type: timeout}\n"
                "      - {outcome: success}\n")
    out = os.path.join(tmp, "forms_out")
    render(["run", "--each-once", "--scenarios-dir", d, "--vendor", "acme"], out)
    ts = traces_of(os.path.join(out, "mixed", "traces.jsonl"))
    trees = sorted(tree(sp) for sp in ts.values())
    want_cp = "cp.request(acme.validation.payload)"
    turn = [sp for sp in ts.values() if sp[0]["name"] == "acme.a2a.orchestrate"]
    at = [s for s in turn[0] if s["name"] == "acme.mcp.tool.execute.attempt"] if turn else []
    mcp = [s for s in turn[0] if s["name"] == "acme.mcp.tool.execute"] if turn else []
    tap(want_cp in trees and
        [(a["attrs"].get("acme.attempt.outcome"), a["attrs"].get("error.type")) for a in at] ==
        [("failure", "unavailable"), ("failure", "timeout"), ("success", None)] and
        mcp and mcp[0]["attrs"].get("acme.retry.count") == 2 and
        mcp[0]["attrs"].get("acme.retry.reason") == "unavailable",
        "request_outcome + block_reason pick <outcome>_<reason>; inline attempts; --vendor "
        "rewrites built trees", str(trees))


def check_wrong_random(tmp):
    """wrong_division without a target: each trace draws another division's server."""
    d = os.path.join(tmp, "wd")
    os.makedirs(d)
    with open(os.path.join(d, "wd.yaml"), "w", encoding="utf-8") as f:
        f.write("name: wd_random\ncontext: {tenant: toro, agent: toro-customer-assistant-001, "
                "mcp_server: phone}\ndata_plane: {workflow: claim_status, simulation_goal: "
                "wrong_division}\n")
    out = os.path.join(tmp, "wd_out")
    render(["scenario", "--scenarios-dir", d, "--name", "wd_random", "--count", "400"], out)
    cfg = yaml.safe_load(open(CONFIG, encoding="utf-8"))["mcp_servers"]
    pair = {s["mcp_server_uuid"]: [t["tool_uuid"] for t in s["tools"] if t["name"] == "claim_status"][0]
            for k, s in cfg.items() if k in ("electronics", "appliances")}
    seen, bad = {}, 0
    for sp in traces_of(os.path.join(out, "wd_random", "traces.jsonl")).values():
        m = by_name(sp, "vendor.mcp.tool.execute")[0]["attrs"]
        srv = m.get("vendor.mcp.server.uuid")
        seen[srv] = seen.get(srv, 0) + 1
        bad += pair.get(srv) != m.get("vendor.mcp.tool.uuid")
    tap(not bad and set(seen) == set(pair) and min(seen.values()) > 150,
        "wrong_division without wrong_division_target: each trace's call goes to one of the "
        "other divisions (drawn), with that server's tool uuid", str(seen))


def failing_steps(path):
    """{'F.': traces, ...}: per trace, which MCP tool spans failed (in start order)."""
    got = {}
    for sp in traces_of(path).values():
        key = "".join("F" if s["attrs"].get("vendor.step.outcome") == "fail" else "."
                      for s in by_name(sp, "vendor.mcp.tool.execute"))
        got[key] = got.get(key, 0) + 1
    return got


def check_step_random(tmp):
    """Without step_index_for_4xx, each trace draws the tool step its goal hits."""
    d = os.path.join(tmp, "step")
    os.makedirs(d)
    head = ("context: {tenant: toro, agent: toro-customer-assistant-001, mcp_server: phone}\n"
            "data_plane: {workflow: update_appointment, simulation_goal: ")
    docs = {"s4xx": head + "4xx_invalid_arguments}\n",
            "s4xx_fixed": head + "4xx_invalid_arguments}\n"
                          "realistic_overrides: {step_index_for_4xx: 1}\n",
            "swrong": head + "wrong_division}\n"}
    for name, text in docs.items():
        with open(os.path.join(d, name + ".yaml"), "w", encoding="utf-8") as f:
            f.write(f"name: {name}\n{text}")
    got, same = {}, True
    for name in docs:
        out = os.path.join(tmp, "step_out")
        render(["scenario", "--scenarios-dir", d, "--name", name, "--count", "400"], out)
        path = os.path.join(out, name, "traces.jsonl")
        got[name] = failing_steps(path)
        if name == "s4xx":
            out2 = os.path.join(tmp, "step_out2")
            render(["scenario", "--scenarios-dir", d, "--name", name, "--count", "400",
                    "--threads", "2"], out2)
            same = open(path, "rb").read() == open(os.path.join(out2, name, "traces.jsonl"), "rb").read()
    tap(got["s4xx"] == {"F.": 202, ".F": 198} and same,
        "4xx_invalid_arguments without step_index_for_4xx: each trace draws the failing tool "
        "step (400 traces: step 0 202 times, step 1 198; same bytes with 2 threads)", str(got))
    tap(got["s4xx_fixed"] == {".F": 400},
        "step_index_for_4xx: 1 fixes the failing step in every trace", str(got))
    tap(got["swrong"] == {"F.": 200, ".F": 200},
        "wrong_division without step_index_for_4xx: each trace draws the tool step sent to "
        "the wrong division (200 and 200 of 400)", str(got))


def check_metrics(tmp):
    """emit_metrics in an agent session: the vendor's turn and tool metrics, and GenAI's."""
    out = os.path.join(tmp, "metrics")
    render(["scenario", "--name", "new_claim_phone_mcp_tool_retry_then_success", "--count", "30"], out)
    base = os.path.join(out, "agentic", "new_claim_phone_mcp_tool_retry_then_success")
    last = {}
    path = os.path.join(base, "metrics.jsonl")
    if not os.path.exists(path):
        tap(False, "emit_metrics: metrics.jsonl written", base)
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            for rm in json.loads(line).get("resourceMetrics", []):
                for sm in rm.get("scopeMetrics", []):
                    for m in sm.get("metrics", []):
                        last[m["name"]] = m
    turns = last.get("vendor.turn.duration", {}).get("histogram", {}).get("dataPoints", [])
    calls = last.get("vendor.tool.calls", {}).get("sum", {}).get("dataPoints", [])
    attrs = [{a["key"]: value(a["value"]) for a in p.get("attributes", [])} for p in calls]
    tap(sum(int(p["count"]) for p in turns) == 30 and
        sum(int(p.get("asInt", 0)) for p in calls) == 30 and
        all(a.get("vendor.mcp.tool.name") == "new_claim" for a in attrs) and
        "gen_ai.client.token.usage" in last and "gen_ai.client.operation.duration" in last,
        "emit_metrics: vendor.turn.duration counts the 30 turns, vendor.tool.calls the 30 MCP "
        "calls (by tool), with gen_ai.client.token.usage and gen_ai.client.operation.duration",
        f"{sorted(last)} turns {turns[:1]} calls {calls[:2]}")


# ---- the registry and refusals --------------------------------------------

def check_registry(tmp):
    cfg = os.path.join(tmp, "registry.yaml")
    with open(CONFIG, encoding="utf-8") as f:
        text = f.read()
    text += ("    request_blocked_invalid_context:\n"
             "      template: blocked_invalid_context\n"
             "      description: Augmentation finds no valid context\n"
             "      workload_weight: 0.1\n"
             "    request_blocked_by_policy_registry_only:\n"
             "      template: blocked_request_policy\n")
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(text)
    p = otelsim(["list", "--config", cfg, "--tags", "control-plane"])
    lines = p.stdout.decode().splitlines()
    names = {ln.split()[0]: ln.split()[2] for ln in lines[1:]}
    tap(p.returncode == 0 and names.get("request_blocked_invalid_context") == "0.1" and
        names.get("request_blocked_by_policy_registry_only") == "1" and
        names.get("request_blocked_by_policy") == "0.5" and len(names) == 11,
        "request_scenarios: a config entry without a file is a scenario (its weight, default 1); "
        "a file of the same name wins", str(names))
    out = os.path.join(tmp, "reg")
    render(["scenario", "--config", cfg, "--name", "request_blocked_invalid_context",
            "--count", "1"], out)
    sp, _ = first_trace(out, os.path.join(out, "agentic", "control_plane",
                                          "request_blocked_invalid_context"))
    tap(tree(sp) == f"{CP}({PAY},{POL},{AUG})" and sp[0]["attrs"].get("vendor.block.reason") ==
        "invalid_context" and sp[0]["attrs"].get("vendor.tenant.id") is not None,
        "a request scenario renders its template, with the first tenant's id", tree(sp))
    p = otelsim(["list", "--config", cfg, "--scenarios-dir", os.path.join(SCEN, "agentic")])
    listed = {ln.split()[0] for ln in p.stdout.decode().splitlines()[1:]}
    tap(p.returncode == 0 and "request_blocked_invalid_context" not in listed and
        "request_blocked_by_policy" in listed,
        "request scenarios appear only with the bundled scenarios folder")


BAD = [
    ("goal", "name: g\ncontext: {tenant: toro, agent: toro-customer-assistant-001, mcp_server: phone}\n"
     "data_plane: {workflow: new_claim, simulation_goal: sad_path}\n",
     "3:52: unknown simulation goal 'sad_path' (expected one of: happy_path, "
     "4xx_invalid_arguments, wrong_division, partial_workflow, ungrounded_response"),
    ("tool", "name: t\ncontext: {tenant: toro, mcp_server: helpdesk}\ndata_plane: {workflow: new_claim}\n",
     "3:24: step 'new_claim' is not a tool of MCP server 'helpdesk'"),
    ("retry", "name: r\ncontext: {tenant: toro, mcp_server: phone}\n"
     "data_plane: {workflow: new_claim, mcp_retry: twice}\n",
     "3:46: no MCP retry template 'twice' in mcp_retry_templates"),
    ("template", "name: c\ncontext: {tenant: toro}\ncontrol_plane: {template: blocked_somehow}\n",
     "3:27: no control-plane template 'blocked_somehow'"),
    ("root", "name: b\nroot: {type: x}\ndata_plane: {workflow: new_claim}\n",
     "3:13: the scenario gives its own 'root'"),
]


def check_refusals(tmp):
    for what, text, want in BAD:
        d = os.path.join(tmp, "bad_" + what)
        os.makedirs(d)
        with open(os.path.join(d, "s.yaml"), "w", encoding="utf-8") as f:
            f.write(text)
        p = otelsim(["validate", os.path.join(d, "s.yaml")])
        err = p.stderr.decode()
        tap(p.returncode == 2 and f"s.yaml:{want}" in err, f"refused: {what} ({want[:60]})", err)
    cfg = os.path.join(tmp, "badcfg.yaml")
    with open(CONFIG, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("      root: {request.outcome: allowed}\n      policy: {step.outcome: success, "
                        "policy.engine: dlp, policy.decision: allow}\n      augmentation",
                        "      root: {request.outcome: allowed}\n      policy: {step.outcome: pass, "
                        "policy.engine: dlp, policy.decision: allow}\n      augmentation", 1)
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(text)
    line = text[:text.index("step.outcome: pass")].count("\n") + 1
    col = text[:text.index("step.outcome: pass")].split("\n")[-1].__len__() + 1 + len("step.outcome: ")
    p = otelsim(["validate", "--config", cfg])
    err = p.stderr.decode()
    tap(p.returncode == 2 and f"badcfg.yaml:{line}:{col}:" in err and "'pass'" in err,
        "a control-plane template value outside a closed enum (step.outcome: pass) is refused "
        "at its line and column", err)


def list_weights():
    """{name: weight} of every bundled scenario a mixed run picks (otelsim list;
    Dreamweaver configs run by name only, whatever weight list shows)."""
    p = otelsim(["list"])
    out = {}
    for line in p.stdout.decode().splitlines()[1:]:
        f = line.split()
        if len(f) >= 3 and f[1] != "dreamweaver" and float(f[2]) > 0:
            out[f[0]] = float(f[2])
    return out


def root_key(spans):
    """A trace's root (name, service), numbers and long hex in the name as '#'
    (templated names: PUT /api/v1/users/{{random.int(...)}}/profile)."""
    root = next(s for s in spans if not s.get("parentSpanId"))
    return (re.sub(r"[0-9a-f]{8,}|[0-9]+", "#", root["name"]), root["res"].get("service.name"))


def check_all_weights(tmp):
    """Every weighted bundled scenario, whatever its dialect (native, trace
    generator): each is told by its root spans' (name, service), rendered
    alone first; scenarios sharing one (the control plane's cp.request) are
    checked together with their summed weight. An iteration is a session
    (multi-turn: several traces) or else a trace."""
    weights = list_weights()
    owner = {}
    for name in weights:
        out = os.path.join(tmp, "w1")
        render(["scenario", "--name", name, "--count", "20", "--signals", "traces"], out)
        path = glob.glob(os.path.join(out, "**", "traces.jsonl"), recursive=True)[0]
        for spans in traces_of(path).values():
            owner.setdefault(root_key(spans), set()).add(name)
        shutil.rmtree(out)
    groups = []  # sets of scenario names sharing a root key, merged
    for names in owner.values():
        hit = [g for g in groups if g & names]
        merged = set(names).union(*hit)
        groups = [g for g in groups if not g & names] + [merged]
    group_of = {n: i for i, g in enumerate(groups) for n in g}
    out = os.path.join(tmp, "wall")
    n = 20000
    render(["run", "--count", str(n), "--signals", "traces"], out)
    seen = {}
    for tid, spans in traces_of(os.path.join(out, "mixed", "traces.jsonl")).items():
        key = root_key(spans)
        names = owner.get(key)
        g = group_of[next(iter(names))] if names else -1
        root = next(s for s in spans if not s.get("parentSpanId"))
        seen[root["attrs"].get("vendor.session.id", tid)] = g
    got = {}
    for g in seen.values():
        got[g] = got.get(g, 0) + 1
    total = sum(weights.values())
    bad = [f"{got[-1]} iterations of no known scenario"] if -1 in got else []
    for i, g in enumerate(groups):
        p = sum(weights[x] for x in g) / total
        sigma = math.sqrt(n * p * (1 - p))
        if abs(got.get(i, 0) - n * p) > 3 * sigma:
            bad.append(f"{'+'.join(sorted(g))}: {got.get(i, 0)} (expected {n * p:.0f} +- {3 * sigma:.0f})")
    tap(not bad and sum(got.values()) == n and len(weights) >= 30,
        f"20,000 picks of run over all {len(weights)} weighted bundled scenarios ({len(groups)} told "
        "apart by their roots): each within 3 sigma of its weight's share", "; ".join(bad[:5]))


def main():
    tmp = tempfile.mkdtemp(prefix="otelsim-workflows.")
    try:
        out = os.path.join(tmp, "all")
        render(["render"], out)
        check_trees(out)
        attr_checks(out)
        check_required(out)
        check_agent_spans(out)
        check_service(tmp)
        check_runs(tmp)
        check_all_weights(tmp)
        check_forms(tmp)
        check_metrics(tmp)
        check_wrong_random(tmp)
        check_step_random(tmp)
        check_registry(tmp)
        check_refusals(tmp)
    except Exception as e:  # a crash is a failure, never a pass
        tap(False, "workflows suite ran to the end", repr(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and detail:
            print(f"#   {detail}"[:2000])
    return 0 if all(r[0] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
