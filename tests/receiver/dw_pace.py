#!/usr/bin/python3
"""What a live Dreamweaver send delivered, per second, for the receiver cases.

    dw_pace.py STATS RATE SPANS_PER_REQUEST
        prints "summary traces=N spans_ok=0|1 max_second=M paced=0|1 burst=B"

STATS is receiver.py's control port. Every request is a traces request (the
config has no metrics or logs); spans_ok: the spans are SPANS_PER_REQUEST
per trace; max_second: the most traces that arrived within any one second
(a second starting at any arrival, not only at whole seconds after the
first); paced: it is at most twice RATE; burst: the most requests that
arrived within 100 ms (a window's requests spread over its second, or
left at once).
"""
import json
import sys
import urllib.request

stats = json.loads(urllib.request.urlopen(
    "http://127.0.0.1:%s/stats" % sys.argv[1], timeout=10).read().decode())
rate, per = float(sys.argv[2]), int(sys.argv[3])
arrivals, items = stats["arrivals_ms"], stats["request_items"]
traces = stats["trace_ids"]


def most_within(ms, weights):
    """The largest sum of weights arriving within ms of an arrival (sorted)."""
    best, lo, total = 0, 0, 0
    for hi, t in enumerate(arrivals):
        total += weights[hi]
        while t - arrivals[lo] >= ms:
            total -= weights[lo]
            lo += 1
        best = max(best, total)
    return best


best = most_within(1000, items) // per
burst = most_within(100, [1] * len(arrivals))
print("summary traces=%d spans_ok=%d max_second=%d paced=%d burst=%d" % (
    traces, int(stats["spans"] == per * traces), best, int(best <= 2 * rate),
    burst))
