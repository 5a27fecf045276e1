#!/usr/bin/python3
"""What a live Dreamweaver send delivered, per second, for the receiver cases.

    dw_pace.py STATS RATE SPANS_PER_REQUEST
        prints "summary traces=N spans_ok=0|1 max_second=M paced=0|1"

STATS is receiver.py's control port. Every request is a traces request (the
config has no metrics or logs); spans_ok: the spans are SPANS_PER_REQUEST
per trace; max_second: the most traces that arrived in any one-second
window (sliding, from each arrival); paced: it is at most twice RATE.
"""
import json
import sys
import urllib.request

stats = json.loads(urllib.request.urlopen(
    "http://127.0.0.1:%s/stats" % sys.argv[1], timeout=10).read().decode())
rate, per = float(sys.argv[2]), int(sys.argv[3])
arrivals, items = stats["arrivals_ms"], stats["request_items"]
traces = stats["trace_ids"]
best = 0
for i, t in enumerate(arrivals):
    n = sum(items[j] for j in range(i, len(arrivals)) if arrivals[j] < t + 1000)
    best = max(best, n // per)
print("summary traces=%d spans_ok=%d max_second=%d paced=%d" % (
    traces, int(stats["spans"] == per * traces), best, int(best <= 2 * rate)))
