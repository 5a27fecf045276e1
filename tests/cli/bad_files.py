#!/usr/bin/python3
"""Every bad scenario and config file of tests/data/load/ through the real
command: exit status 2, stderr exactly "FILE:LINE:COL: MESSAGE"
as its first line says (# expect: LINE:COL: MESSAGE), and no output files.
A file of those folders (but '_' includes) whose first line is not such a
header fails: it is never skipped, so a typo in the header cannot turn
its test off.
Prints TAP."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OTELSIM = os.path.join(ROOT, os.environ.get("BUILD", "build"), "otelsim")
DATA = os.path.join(ROOT, "tests", "data", "load")
EXPECT = re.compile(r"# expect(?:\(limit\))?: (\d+):(\d+): (.*)")


def expectation(path):
    with open(path, "rb") as f:
        first = f.readline().decode("utf-8", "replace").rstrip("\n")
    m = EXPECT.fullmatch(first)
    return m.groups() if m else None


def run(args, cwd):
    return subprocess.run([OTELSIM, *args], cwd=cwd, capture_output=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC"})


def main():
    cases = []
    for kind in ("bad", "badtg", "badconfig"):
        folder = os.path.join(DATA, kind)
        for name in sorted(os.listdir(folder)):
            # '_' files are what the cases include (badtg/_base.yaml)
            if not name.startswith((".", "_")):
                cases.append((kind, name))
    print(f"1..{len(cases)}")
    failed = 0
    for i, (kind, name) in enumerate(cases, 1):
        src = os.path.join(DATA, kind, name)
        if not name.endswith((".yaml", ".yml")) or not expectation(src):
            failed += 1
            print(f"not ok {i} - {kind}/{name}: no '# expect: LINE:COL: MESSAGE' first line "
                  "(or not a .yaml/.yml file)")
            continue
        line, col, msg = expectation(src)
        tmp = tempfile.mkdtemp(prefix="otelsim-bad.")
        try:
            os.mkdir(os.path.join(tmp, "scen"))
            if kind == "badtg":  # beside the folder's _base.yaml
                shutil.copy(src, os.path.join(tmp, "scen", name))
                shutil.copy(os.path.join(DATA, kind, "_base.yaml"), os.path.join(tmp, "scen"))
                msg = msg.replace("tests/data/load/badtg/", "scen/")
                rel = f"scen/{name}"
                p = run(["run", "--scenarios-dir", "scen", "--count", "1", "--out", "out"], tmp)
            elif kind == "bad":
                shutil.copy(src, os.path.join(tmp, "scen", name))
                if "tests/data/load/base.yaml" in msg:  # a duplicate of another file's name
                    shutil.copy(os.path.join(DATA, "base.yaml"), os.path.join(tmp, "scen"))
                    msg = msg.replace("tests/data/load/base.yaml", "scen/base.yaml")
                rel = f"scen/{name}"
                p = run(["run", "--scenarios-dir", "scen", "--count", "1", "--out", "out"], tmp)
            else:
                shutil.copy(src, os.path.join(tmp, name))
                shutil.copy(os.path.join(ROOT, "scenarios", "agentic", "tool_retry.yaml"),
                            os.path.join(tmp, "scen"))
                rel = name
                p = run(["run", "--config", name, "--scenarios-dir", "scen", "--count", "1",
                         "--out", "out"], tmp)
            want = f"{rel}:{line}:{col}: {msg}"
            got = p.stderr.decode("utf-8", "replace").splitlines()
            problems = []
            if p.returncode != 2:
                problems.append(f"exit status {p.returncode}, expected 2")
            if not got or got[0] != want:
                problems.append(f"stderr: {got[:2]}\n#   want:   {want}")
            if os.path.exists(os.path.join(tmp, "out")):
                problems.append("output was written")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if problems:
            failed += 1
            print(f"not ok {i} - {kind}/{name}")
            for pr in problems:
                print(f"#   {pr}")
        else:
            print(f"ok {i} - {kind}/{name}: exit 2, {line}:{col}, no output")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
