#!/usr/bin/python3
"""CLI tests as data (like zstd's tests/cli-tests): each case in
tests/cli/*.cases is a block

    ### name of the case
    $ otelsim scenario --nmae x          (a shell command; otelsim and
                                          otlp-replay are the built binaries)
    ? 2                                   (the exit status of the command
                                          just above; a command without a
                                          "?" line must exit 0: every
                                          command's status is checked)
    ! exact stderr line                   (all of stderr, in order)
    !~ regular expression for a stderr line
    > exact stdout line                   (all of stdout, in order)
    >~ regular expression for a stdout line
    >* / !*                               (any further lines may follow)
    = nofiles                             (the case's folder holds no new files)
    = file PATH                           (PATH exists afterwards)

Commands run in a fresh temporary folder (cwd), with ROOT set to the repo
and DATA to tests/data. Prints TAP."""
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")


def parse(path):
    cases, cur = [], None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("### "):
                cur = {"name": line[4:].strip(), "cmds": [], "err": [], "out": [],
                       "err_more": False, "out_more": False, "checks": [], "where": f"{path}:{lineno}"}
                cases.append(cur)
            elif cur is None or not line.strip() or line.startswith("#"):
                continue
            elif line.startswith("$ "):
                cur["cmds"].append([line[2:], 0, None])
            elif line.startswith("? "):
                if not cur["cmds"] or cur["cmds"][-1][2] is not None:
                    raise SystemExit(f"{path}:{lineno}: '?' must follow its command's '$' line")
                cur["cmds"][-1][1] = int(line[2:])
                cur["cmds"][-1][2] = lineno
            elif line.startswith("!~ "):
                cur["err"].append(("re", line[3:]))
            elif line == "!*":
                cur["err_more"] = True
            elif line.startswith("! ") or line == "!":
                cur["err"].append(("eq", line[2:]))
            elif line.startswith(">~ "):
                cur["out"].append(("re", line[3:]))
            elif line == ">*":
                cur["out_more"] = True
            elif line.startswith("> ") or line == ">":
                cur["out"].append(("eq", line[2:]))
            elif line.startswith("= "):
                cur["checks"].append(line[2:].split(None, 1))
            else:
                raise SystemExit(f"{path}:{lineno}: cannot parse: {line}")
    for c in cases:
        if not c["cmds"]:
            raise SystemExit(f"{c['where']}: a case without a command")
    return cases


def match(lines, want, more):
    if len(lines) < len(want) or (not more and len(lines) != len(want)):
        return False
    for got, (kind, exp) in zip(lines, want):
        if kind == "eq" and got != exp:
            return False
        if kind == "re" and not re.fullmatch(exp, got):
            return False
    return True


def run_case(case):
    tmp = tempfile.mkdtemp(prefix="otelsim-cli.")
    try:
        bindir = os.path.join(tmp, ".bin")
        os.mkdir(bindir)
        for name in ("otelsim", "otlp-replay"):
            src = os.path.join(ROOT, BUILD, name)
            if os.path.exists(src):
                os.symlink(src, os.path.join(bindir, name))
        env = {"PATH": bindir + ":/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC", "HOME": tmp,
               "ROOT": ROOT, "DATA": os.path.join(ROOT, "tests", "data")}
        before = set(os.listdir(tmp))
        out = err = b""
        problems = []
        for n, (cmd, want, _) in enumerate(case["cmds"], 1):
            p = subprocess.run(["/bin/sh", "-c", cmd], cwd=tmp, env=env, capture_output=True,
                               timeout=120)
            out += p.stdout
            err += p.stderr
            if p.returncode != want:
                problems.append(f"command {n} of {len(case['cmds'])}: exit status "
                                f"{p.returncode}, expected {want}")
        outl = out.decode("utf-8", "replace").splitlines()
        errl = err.decode("utf-8", "replace").splitlines()
        if case["err"] or not case["err_more"]:
            if not match(errl, case["err"], case["err_more"]):
                problems.append("stderr differs")
        if case["out"] or not case["out_more"]:
            if not match(outl, case["out"], case["out_more"]):
                problems.append("stdout differs")
        for check in case["checks"]:
            if check[0] == "nofiles":
                new = set(os.listdir(tmp)) - before
                if new:
                    problems.append(f"files were created: {sorted(new)}")
            elif check[0] == "file":
                if not os.path.exists(os.path.join(tmp, check[1])):
                    problems.append(f"missing file {check[1]}")
        return problems, outl, errl
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_safely(case):
    try:
        return run_case(case)
    except subprocess.TimeoutExpired:
        return ["timed out"], [], []


def main():
    files = sorted(os.path.join(ROOT, "tests", "cli", f)
                   for f in os.listdir(os.path.join(ROOT, "tests", "cli")) if f.endswith(".cases"))
    cases = [c for f in files for c in parse(f)]
    print(f"1..{len(cases)}", flush=True)
    failed = 0
    # cases are independent (each its own folder): CLI_JOBS at a time (default: the
    # cores), reported in order
    jobs = int(os.environ.get("CLI_JOBS", "0")) or os.cpu_count() or 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for i, (case, (problems, outl, errl)) in enumerate(
                zip(cases, pool.map(run_safely, cases)), 1):
            if problems:
                failed += 1
                print(f"not ok {i} - {case['name']} ({case['where']})")
                for p in problems:
                    print(f"#   {p}")
                print("#   stdout: " + "\n#           ".join(outl[:20]))
                print("#   stderr: " + "\n#           ".join(errl[:20]))
            else:
                print(f"ok {i} - {case['name']}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
