#!/usr/bin/python3
"""A dataset in seed 003's style, for otlp-replay's flat NDJSON cases:

    flat_gen.py OUTDIR [TRACES]

writes OUTDIR/{metrics,logs,traces,events}.ndjson as seed 003's tool does
(json.dumps with its default separators, datetime.isoformat() times with
+00:00, microseconds only when not zero): TRACES traces (default 200) of
1 to 6 spans with short ids that are not W3C hex ("k3x9q2mw7abc", "p4z8r1"),
parents among the spans of the same trace, roots with parent_span_id null;
log records pointing at those traces (some at none); metrics every 10 s
per service; a few events, deployments with a version. Deterministic."""
import datetime
import json
import os
import random
import string
import sys

SERVICES = ["api-gateway", "auth-service", "user-service", "order-service", "payment-service"]
ALNUM = string.ascii_lowercase + string.digits


def ident(rng, n):
    return "".join(rng.choice(ALNUM) for _ in range(n))


def iso(t):
    return t.isoformat()


def main():
    out = sys.argv[1]
    ntraces = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    rng = random.Random(3)
    t0 = datetime.datetime(2024, 1, 15, 10, 30, tzinfo=datetime.timezone.utc)
    os.makedirs(out, exist_ok=True)
    traces, logs, metrics, events = [], [], [], []
    for k in range(ntraces):
        tid = ident(rng, 12)
        start = t0 + datetime.timedelta(milliseconds=250 * k + rng.randrange(200))
        spans = []
        for j in range(rng.randint(1, 6)):
            parent = rng.choice(spans)["span_id"] if spans else None
            svc = rng.choice(SERVICES)
            spans.append({"timestamp": iso(start + datetime.timedelta(microseconds=137 * j)),
                          "trace_id": tid, "span_id": ident(rng, 6), "parent_span_id": parent,
                          "service": svc, "operation": f"{svc}.op{rng.randint(1, 4)}",
                          "duration_ms": rng.choice([rng.randint(1, 300), round(rng.uniform(0.5, 300), 3)]),
                          "status": "error" if rng.random() < 0.1 else "success"})
        traces += spans
        for s in spans[:rng.randint(0, 2)]:
            logs.append({"timestamp": s["timestamp"], "service": s["service"],
                         "level": rng.choice(["INFO", "WARNING", "ERROR"]),
                         "message": f"handled {s['operation']}", "trace_id": tid})
        if k % 25 == 0:
            logs.append({"timestamp": iso(start), "service": rng.choice(SERVICES), "level": "DEBUG",
                         "message": "heartbeat", "trace_id": None})
    seconds = max(1, ntraces // 4)
    for sec in range(0, seconds, 10):
        for svc in SERVICES:
            t = iso(t0 + datetime.timedelta(seconds=sec))
            metrics.append({"timestamp": t, "service": svc, "metric": "cpu_usage",
                            "value": round(rng.uniform(5, 95), 1), "unit": "%"})
            metrics.append({"timestamp": t, "service": svc, "metric": "request_count",
                            "value": rng.randint(50, 500), "unit": "count"})
    for i, svc in enumerate(SERVICES):
        events.append({"timestamp": iso(t0 + datetime.timedelta(seconds=5 * i)), "type": "deployment",
                       "service": svc, "details": f"Deploying new version to {svc}",
                       "severity": "info", "version": f"2.{i}.0"})
    events.append({"timestamp": iso(t0 + datetime.timedelta(seconds=30)), "type": "circuit_breaker",
                   "service": "payment-service", "details": "Circuit opened", "severity": "warning",
                   "version": None})
    for name, recs in (("traces", traces), ("logs", logs), ("metrics", metrics), ("events", events)):
        with open(os.path.join(out, name + ".ndjson"), "w") as f:
            for r in recs:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
