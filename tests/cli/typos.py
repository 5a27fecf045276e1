#!/usr/bin/python3
"""Every option of both programs, mistyped by one edit, must be suggested
back: for each option listed by --help, each typo made by dropping a
letter, swapping two neighbours or replacing a letter (by the next one in
the alphabet, '-' by '_') is given to the real binary, which must exit 2
with "unknown option '--TYPO' (did you mean '--OPTION'?)".

A typo that is another option's name is not a typo and is skipped. A typo
that one of these edits also makes from another option (`--shart` is
`--start` and `--shard` each with one letter replaced) may name either;
every other typo must name its own option (`--cout` is `--count` less an
'n', and only `--out` plus a 'c', so it must suggest `--count`). Prints TAP,
one test per option."""
import concurrent.futures
import os
import re
import string
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC"}
ALPHABET = string.ascii_lowercase + string.digits + "-_"


def options(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True, env=ENV,
                         timeout=30).stdout
    names = re.findall(r"^  --([a-z0-9][a-z0-9-]*)", out, re.M)
    if len(names) < 10:
        raise SystemExit(f"{binary} --help lists only {len(names)} options")
    return names


def typos(name):
    """The typos the test makes: (typo, how)."""
    out = []
    for i in range(len(name)):
        out.append((name[:i] + name[i + 1:], f"drop {name[i]!r}"))
        if i + 1 < len(name) and name[i] != name[i + 1]:
            out.append((name[:i] + name[i + 1] + name[i] + name[i + 2:],
                        f"swap {name[i:i + 2]!r}"))
        if name[i] == "-":
            r = "_"
        elif name[i] in string.ascii_lowercase:
            r = chr((ord(name[i]) - ord("a") + 1) % 26 + ord("a"))
        else:
            r = "x"
        out.append((name[:i] + r + name[i + 1:], f"replace {name[i]!r} by {r!r}"))
    return out


def one_edit_from(typo, name):
    """True when one drop, adjacent swap or replacement turns name into typo."""
    if len(typo) == len(name) - 1:
        return any(name[:i] + name[i + 1:] == typo for i in range(len(name)))
    if len(typo) != len(name):
        return False
    diff = [i for i in range(len(name)) if name[i] != typo[i]]
    if len(diff) == 1:
        return True
    return (len(diff) == 2 and diff[1] == diff[0] + 1 and name[diff[0]] == typo[diff[1]]
            and name[diff[1]] == typo[diff[0]])


def run(job):
    binary, tail, typo = job
    p = subprocess.run([binary, "--" + typo, *tail], capture_output=True, text=True, env=ENV,
                       timeout=30)
    m = re.match(r"[a-z-]+: unknown option '--([^']*)' \(did you mean '--([^']*)'\?\)",
                 p.stderr)
    got = m.group(2) if m and m.group(1) == typo else None
    return p.returncode, got, p.stderr.strip()[:120]


def main():
    programs = [("otelsim", []), ("otlp-replay", ["x.binpb"])]
    rows = []
    for prog, tail in programs:
        binary = os.path.join(ROOT, BUILD, prog)
        names = options(binary)
        for name in names:
            cases = [(t, how, [o for o in names if o != name and one_edit_from(t, o)])
                     for t, how in typos(name) if t and t not in names]
            rows.append((prog, name, cases, [(binary, tail, t) for t, _, _ in cases]))
    jobs = [j for row in rows for j in row[3]]
    if len(jobs) < 500:
        print(f"1..1\nnot ok 1 - only {len(jobs)} typos made")
        return 1
    # two at a time: the machine's cores are shared
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        results = iter(list(ex.map(run, jobs)))
    print(f"1..{len(rows)}")
    failed = 0
    for n, (prog, name, cases, _) in enumerate(rows, 1):
        problems = []
        for typo, how, others in cases:
            code, got, err = next(results)
            if code != 2 or got is None:
                problems.append(f"--{typo} ({how}): exit {code}, {err!r}")
            elif got != name and got not in others:
                problems.append(f"--{typo} ({how}): suggested --{got}")
        if problems:
            failed += 1
            print(f"not ok {n} - {prog} --{name}")
            for pr in problems:
                print(f"#   {pr}")
        else:
            print(f"ok {n} - {prog} --{name}: its {len(cases)} one-edit typos suggest it")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
