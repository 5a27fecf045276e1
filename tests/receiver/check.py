#!/usr/bin/python3
"""Checks one replay test case's expectations; prints what failed.

    check.py --rc N --out FILE --err FILE --stats FILE -- 'CHECK' ...

A CHECK is KEY OP VALUE (shell-quoted as one word when VALUE has spaces):
    exit         the command's exit status
    out, err     its whole stdout / stderr
    drv.K        field K of a "summary k=v ..." line in stdout (the send
                 driver's); drv.message is the text of its "message" line
    rx.A.B       the receiver's /stats JSON, by dotted path
                 (rx.data_points_by_type.gauge, rx.header_values.x-tenant)
OP is = != >= <= > < ~ (regex search) !~ (no match). VALUE "@KEY" is
another key's value. "!KEY" alone asserts KEY is absent, "?KEY" present.
Numbers compare as numbers, everything else as text. Exit status 1 when
any check fails.
"""

import json
import re
import shlex
import sys


def load(args):
    vals = {}
    opts = {}
    i = 0
    while i < len(args) and args[i] != "--":
        opts[args[i]] = args[i + 1]
        i += 2
    checks = []
    for a in args[i + 1:]:
        checks.extend(shlex.split(a))
    vals["exit"] = opts.get("--rc", "")
    for name in ("out", "err"):
        path = opts.get("--" + name)
        vals[name] = open(path, errors="replace").read() if path else ""
    for line in vals["out"].splitlines():
        if line.startswith("summary "):
            for tok in line.split()[1:]:
                k, _, v = tok.partition("=")
                vals["drv." + k] = v
        elif line == "message" or line.startswith("message "):
            vals["drv.message"] = line[8:]
    stats = {}
    if opts.get("--stats"):
        try:
            stats = json.load(open(opts["--stats"]))
        except (OSError, ValueError):
            stats = {}
    return vals, stats, checks


def lookup(key, vals, stats):
    if key.startswith("rx."):
        node = stats
        for part in key[3:].split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return None
        if isinstance(node, bool):
            return str(node).lower()
        return node if isinstance(node, str) else json.dumps(node, separators=(",", ":"))
    return vals.get(key)


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def check(c, vals, stats):
    if re.fullmatch(r"[!?][\w.\-]+", c):
        present = lookup(c[1:], vals, stats) is not None
        return present == (c[0] == "?"), "present" if present else "absent"
    m = re.match(r"([\w.\-]+)(>=|<=|!=|!~|=|~|>|<)(.*)$", c, re.S)
    if not m:
        return False, "cannot parse the check"
    key, op, want = m.groups()
    got = lookup(key, vals, stats)
    if want.startswith("@"):
        want = lookup(want[1:], vals, stats)
        if want is None:
            return False, "the reference is missing"
    if got is None:
        return False, "missing"
    if op in ("~", "!~"):
        hit = re.search(want, got, re.S) is not None
        return hit == (op == "~"), repr(got[:300])
    a, b = num(got), num(want)
    if a is not None and b is not None:
        ok = {"=": a == b, "!=": a != b, ">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b}[op]
    else:
        ok = {"=": got == want, "!=": got != want, ">=": got >= want, "<=": got <= want,
              ">": got > want, "<": got < want}[op]
    return ok, repr(got[:300])


def main():
    vals, stats, checks = load(sys.argv[1:])
    bad = 0
    for c in checks:
        ok, got = check(c, vals, stats)
        if not ok:
            bad += 1
            print("check failed: %s (got %s)" % (c, got))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
