#!/usr/bin/python3
"""Facts about OTLP protobuf files, for otlp-replay's receiver cases.

    replay_check.py [--repeat K] NAME=PATH[,PATH...] ...
                                        prints "summary NAME_key=value ..."

A PATH is a file of 4-byte big-endian framed TracesData/LogsData records
(otelsim's and the Collector's format), or a folder of single-message
*.binpb files (receiver.py --save-dir). Keys per NAME: spans, trace_ids,
ids_sha256 (as receiver.py: SHA-256 of the sorted hex span ids joined by
"\\n"), parents (spans with a parent), unresolved (parents not found in
their trace), links, links_unresolved, log_records, log_ids_unresolved
(log span ids matching no span of the same group), min_start, max_start.
With two or more NAMEs, common_span_ids counts span ids the first two share.
--repeat K multiplies the spans and trace_ids of the NAMEs after it (what K
passes of --loop with new ids should deliver).

    replay_check.py --rate STATS RATE             rate_err_pct from arrivals
    replay_check.py --pace STATS FILE SPEED       pace_err_pct: arrivals against
                                                  the file's span starts / SPEED
    replay_check.py --dups STATS                  dups = span_ids - unique
    replay_check.py --summary FILE                otlp-replay --summary-json FILE
                                                  as sum_<key>=<value>

STATS is receiver.py's control port (its /stats is fetched) or a JSON file.

The protobuf wire format is walked by hand (no generated code needed).
"""
import hashlib
import json
import os
import struct
import sys


def varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return v, i


def fields(b):
    i = 0
    while i < len(b):
        tag, i = varint(b, i)
        num, wt = tag >> 3, tag & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        elif wt == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            raise ValueError("bad wire type")
        yield num, wt, v


def messages(path):
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            if name.endswith(".binpb"):
                with open(os.path.join(path, name), "rb") as f:
                    yield f.read()
        return
    with open(path, "rb") as f:
        d = f.read()
    i = 0
    while i < len(d):
        n = struct.unpack(">I", d[i:i + 4])[0]
        yield d[i + 4:i + 4 + n]
        i += 4 + n


def facts(paths):
    spans, links, logs = [], [], []
    for p in paths:
        for msg in messages(p):
            for _, _, rx in fields(msg):
                for n2, _, sx in fields(rx):
                    if n2 != 2:
                        continue
                    for n3, _, item in fields(sx):
                        if n3 != 2:
                            continue
                        f = {}
                        for n4, wt, v in fields(item):
                            if n4 in (13,) and wt == 2:
                                lk = {k: lv for k, _, lv in fields(v)}
                                links.append((lk.get(1, b""), lk.get(2, b"")))
                            else:
                                f[(n4, wt)] = v
                        if (1, 2) in f:  # a span: trace id bytes in field 1
                            start = f.get((7, 1))
                            spans.append((f[(1, 2)], f.get((2, 2), b""), f.get((4, 2), b""),
                                          struct.unpack("<Q", start)[0] if start else 0))
                        else:  # a log record
                            logs.append((f.get((9, 2), b""), f.get((10, 2), b"")))
    ids = set((t, s) for t, s, _, _ in spans)
    starts = [st for _, _, _, st in spans if st]
    hexes = sorted(s.hex() for _, s, _, _ in spans)
    out = {
        "spans": len(spans),
        "trace_ids": len(set(t for t, _, _, _ in spans)),
        "ids_sha256": hashlib.sha256("\n".join(hexes).encode()).hexdigest(),
        "parents": sum(1 for _, _, p, _ in spans if p),
        "unresolved": sum(1 for t, _, p, _ in spans if p and (t, p) not in ids),
        "links": len(links),
        "links_unresolved": sum(1 for l in links if l not in ids),
        "log_records": len(logs),
        "log_ids_unresolved": sum(1 for l in logs if l[1] and l not in ids),
        "min_start": min(starts) if starts else 0,
        "max_start": max(starts) if starts else 0,
    }
    return out, set(s for _, s, _, _ in spans)


def stats(where):
    if where.isdigit():
        import urllib.request
        url = "http://127.0.0.1:%s/stats" % where
        return json.loads(urllib.request.urlopen(url, timeout=10).read().decode())
    return json.load(open(where))


def arrivals(where):
    s = stats(where)
    return s, s["arrivals_ms"], s["request_items"]


def main(argv):
    if argv[:1] == ["--rate"]:
        _, arr, items = arrivals(argv[1])
        rate = float(argv[2])
        # items sent before the last request went, over the time it took
        got = sum(items[:-1]) / ((arr[-1] - arr[0]) / 1000.0)
        print("summary rate_got=%.0f rate_err_pct=%.2f" % (got, abs(got - rate) / rate * 100))
        return 0
    if argv[:1] == ["--pace"]:
        _, arr, _ = arrivals(argv[1])
        f, _ = facts([argv[2]])
        want = (f["max_start"] - f["min_start"]) / 1e9 / float(argv[3])
        took = (arr[-1] - arr[0]) / 1000.0
        print("summary pace_s=%.3f pace_err_pct=%.2f" % (took, abs(took - want) / want * 100))
        return 0
    if argv[:1] == ["--summary"]:
        s = json.load(open(argv[1]))
        print("summary " + " ".join("sum_%s=%s" % (k, str(v).lower()) for k, v in s.items()))
        return 0
    if argv[:1] == ["--dups"]:
        s = stats(argv[1])
        print("summary dups=%d spans_seen=%d" % (s["span_ids"] - s["unique_span_ids"], s["spans"]))
        return 0
    parts, sets, repeat = [], [], 1
    while argv[:1] == ["--repeat"]:
        repeat = int(argv[1])
        argv = argv[2:]
    for arg in argv:
        name, _, paths = arg.partition("=")
        f, ids = facts(paths.split(","))
        f["spans"] *= repeat
        f["trace_ids"] *= repeat
        sets.append(ids)
        parts += ["%s_%s=%s" % (name, k, v) for k, v in f.items()]
    if len(sets) >= 2:
        parts.append("common_span_ids=%d" % len(sets[0] & sets[1]))
    print("summary " + " ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
