#!/usr/bin/python3
"""Golden tests: the committed fixtures/ are what `otelsim render` makes.

- every bundled scenario rendered into a temporary folder equals fixtures/
  byte for byte (data files) and field by field (manifest.json, all but the
  tool version), also under TZ=Asia/Kolkata and a decimal-comma locale;
- the agent scenarios (category agentic) rendered as OTLP/JSON equal
  fixtures/otlp-json/ the same way (their protobuf files are in fixtures/);
- every bundled scenario rendered as seed 003's flat NDJSON equals
  fixtures/ndjson/ the same way;
- --threads 1 and 2 give identical bytes; 3 shards concatenated equal the
  single-machine file (protobuf, JSON, flat NDJSON, and gzip members);
- every span, data point and log record (logs and events) of every
  fixture, decoded by protoc --decode with our .proto files (an
  independent decoder), equals the same item in the OTLP/JSON rendering,
  field by field.
Prints TAP. `--update` rewrites fixtures/ (say why in the commit)."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
OTELSIM = os.path.join(ROOT, BUILD, "otelsim")
FIXTURES = os.path.join(ROOT, "fixtures")
PROTO = os.path.join(ROOT, "src", "proto")
ENV = dict(os.environ, LC_ALL="C", TZ="UTC")
results = []


def tap(ok, name, detail=""):
    results.append((ok, name, detail))


def otelsim(*args, env=None):
    p = subprocess.run([OTELSIM, *args, "--quiet"], capture_output=True, env=env or ENV, timeout=120)
    if p.returncode:
        raise RuntimeError(f"otelsim {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")


JSON_DIR = "otlp-json"  # fixtures/otlp-json/: the agent scenarios as OTLP/JSON
NDJSON_DIR = "ndjson"   # fixtures/ndjson/: every bundled scenario as flat NDJSON


def data_files(top, skip=(JSON_DIR, NDJSON_DIR)):
    out = {}
    for d, _, files in os.walk(top):
        for f in files:
            path = os.path.join(d, f)
            rel = os.path.relpath(path, top)
            if skip and any(rel.startswith(k + os.sep) for k in skip):
                continue
            out[rel] = path
    return out


def compare_trees(want, got, label):
    tap(sorted(want) == sorted(got), f"{label}: render makes the same files",
        f"only in fixtures: {sorted(set(want) - set(got))}; only in render: {sorted(set(got) - set(want))}")
    for rel in sorted(set(want) & set(got)):
        if rel.endswith("manifest.json"):
            a, b = manifest_without_version(want[rel]), manifest_without_version(got[rel])
            diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
            tap(not diff, f"{label}/{rel} equal but the version", f"fields differ: {diff}")
        else:
            tap(read(want[rel]) == read(got[rel]), f"{label}/{rel} byte for byte")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def manifest_without_version(path):
    m = json.loads(read(path))
    m.pop("version", None)
    return m


def be32_records(data):
    pos, out = 0, []
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        out.append(data[pos + 4:pos + 4 + n])
        pos += 4 + n
    if pos != len(data):
        raise ValueError("framing does not end at the end of the file")
    return out


def protoc_decode(record, msg="opentelemetry.proto.trace.v1.TracesData",
                  proto="opentelemetry/proto/trace/v1/trace.proto"):
    p = subprocess.run(["protoc", f"-I{PROTO}", f"--decode={msg}", proto],
                       input=record, capture_output=True, timeout=60)
    if p.returncode:
        raise RuntimeError(p.stderr.decode())
    return p.stdout.decode()


def load_pb2(tmp):
    os.makedirs(tmp, exist_ok=True)
    subprocess.run(["protoc", f"-I{PROTO}", f"--python_out={tmp}"] +
                   [os.path.relpath(os.path.join(d, f), PROTO) for d, _, fs in os.walk(PROTO)
                    for f in fs if f.endswith(".proto")], cwd=PROTO, check=True)
    sys.path.insert(0, tmp)
    from opentelemetry.proto.trace.v1 import trace_pb2  # noqa: E402
    return trace_pb2


def comma_locale_env(tmp):
    """A time zone far from UTC and a locale with a decimal comma: the
    system's de_DE if installed, else one made with localedef (LOCPATH;
    the Debian package 'locales', which tools/deps.sh test installs, has
    its sources). Returns (env, None), or (None, why) when neither works:
    the caller fails then, never passes without the locale."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(TZ="Asia/Kolkata", LANG="de_DE.UTF-8", LC_NUMERIC="de_DE.UTF-8")
    have = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    if not any(n.lower().replace("-", "") == "de_de.utf8" for n in have):
        loc = os.path.join(tmp, "locale")
        os.makedirs(loc)
        try:
            p = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8",
                                os.path.join(loc, "de_DE.UTF-8")],
                               capture_output=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            return None, f"localedef could not run: {e}"
        if p.returncode != 0:
            return None, ("no de_DE locale and localedef failed (Debian package 'locales'): "
                          + p.stderr.decode("utf-8", "replace").strip()[:200])
        env["LOCPATH"] = loc
        # with LOCPATH set, glibc's newlocale leaks the path list it
        # builds for libp11-kit's constructor (libcurl -> gnutls): not ours
        supp = os.path.join(tmp, "lsan.supp")
        with open(supp, "w") as f:
            f.write("leak:libp11-kit.so\nleak:__argz_add_sep\n")
        env["LSAN_OPTIONS"] = ":".join(filter(None, [env.get("LSAN_OPTIONS"),
                                                      f"suppressions={supp}"]))
    # the locale must really write a decimal comma, or the test proves nothing
    point = subprocess.run(["locale", "decimal_point"], capture_output=True, text=True,
                           env=env).stdout.strip()
    if point != ",":
        return None, f"de_DE.UTF-8 gives decimal point {point!r}, not ','"
    return env, None


ID_KEYS = {"traceId", "spanId", "parentSpanId"}


def ids_to_hex(obj):
    """MessageToDict writes bytes as base64; OTLP/JSON writes ids as hex."""
    if isinstance(obj, dict):
        return {k: (base64.b64decode(v).hex() if k in ID_KEYS else ids_to_hex(v))
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [ids_to_hex(v) for v in obj]
    return obj


def main():
    update = "--update" in sys.argv
    tmp = tempfile.mkdtemp(prefix="otelsim-golden.")
    try:
        t1 = os.path.join(tmp, "t1")
        otelsim("render", "--out", t1, "--threads", "1")
        tj = os.path.join(tmp, "tj")
        otelsim("render", "--category", "agentic", "--format", "otlp-json", "--out", tj)
        tn = os.path.join(tmp, "tn")
        otelsim("render", "--format", "ndjson", "--out", tn)
        if update:
            shutil.rmtree(FIXTURES, ignore_errors=True)
            shutil.copytree(t1, FIXTURES)
            shutil.copytree(tj, os.path.join(FIXTURES, JSON_DIR))
            shutil.copytree(tn, os.path.join(FIXTURES, NDJSON_DIR))
            print("# fixtures/ rewritten")
        compare_trees(data_files(os.path.join(FIXTURES, JSON_DIR), None),
                      data_files(tj, None), "otlp-json")
        compare_trees(data_files(os.path.join(FIXTURES, NDJSON_DIR), None),
                      data_files(tn, None), "ndjson")
        want, got = data_files(FIXTURES), data_files(t1)
        tap(sorted(want) == sorted(got), "render makes the same files as fixtures/",
            f"only in fixtures: {sorted(set(want) - set(got))}; only in render: {sorted(set(got) - set(want))}")
        for rel in sorted(set(want) & set(got)):
            if rel.endswith("manifest.json"):
                a, b = manifest_without_version(want[rel]), manifest_without_version(got[rel])
                diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
                tap(not diff, f"{rel} equal but the version", f"fields differ: {diff}")
            else:
                tap(read(want[rel]) == read(got[rel]), f"{rel} byte for byte")

        # the same bytes under another time zone and a decimal-comma locale
        tl = os.path.join(tmp, "tz-locale")
        env, why = comma_locale_env(tmp)
        if env is None:
            tap(False, "TZ=Asia/Kolkata LANG=de_DE.UTF-8: render equals fixtures/ byte for byte",
                why)
        else:
            otelsim("render", "--out", tl, "--threads", "2", env=env)
            got_tl = data_files(tl)
            same = sorted(want) == sorted(got_tl)
            for rel in sorted(set(want) & set(got_tl)) if same else []:
                if rel.endswith("manifest.json"):
                    same = same and (manifest_without_version(want[rel]) ==
                                     manifest_without_version(got_tl[rel]))
                else:
                    same = same and read(want[rel]) == read(got_tl[rel])
            tap(same, "TZ=Asia/Kolkata LANG=de_DE.UTF-8 (a decimal comma): render equals "
                "fixtures/ byte for byte")
            shutil.rmtree(tl)

        # threads and shards, protobuf and JSON and gzip: every signal's file
        # (the ground truth counts a shard's own share: not concatenated)
        def signal_files(top):
            return {os.path.basename(r): p for r, p in data_files(top).items()
                    if not os.path.basename(r).startswith(("manifest.json", "ground_truth."))}

        for fmt, extra in (("otlp", []), ("otlp-json", []), ("otlp", ["--gzip"]),
                           ("ndjson", []), ("ndjson", ["--gzip"])):
            label = fmt + (" gzip" if extra else "")
            base = ["run", "--count", "700", "--format", fmt, *extra]
            one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
            otelsim(*base, "--out", one, "--threads", "1")
            otelsim(*base, "--out", two, "--threads", "2")
            fa, fb = signal_files(one), signal_files(two)
            tap(len(fa) >= 1 and sorted(fa) == sorted(fb) and all(read(fa[n]) == read(fb[n]) for n in fa),
                f"{label}: --threads 1 and 2 give identical bytes ({', '.join(sorted(fa))})")
            joined = {n: b"" for n in fa}
            shards = []
            for k in (1, 2, 3):
                sd = os.path.join(tmp, f"shard{k}")
                otelsim(*base, "--out", sd, "--threads", "2", "--shard", f"{k}/3")
                sf = signal_files(sd)
                for n in joined:
                    joined[n] += read(sf[n]) if n in sf else b"?"
                shards.append(os.path.join(sd, "mixed"))
            # metrics aggregate across traces: shards write partials, which
            # otelsim merge sums; the rest concatenates
            cat = [n for n in fa if not n.startswith("metrics.")]
            tap(cat and all(joined[n] == read(fa[n]) for n in cat),
                f"{label}: 3 shards concatenated equal the whole files ({', '.join(sorted(cat))})")
            merged = os.path.join(tmp, "merged")
            otelsim("merge", shards[2], shards[0], shards[1], "--out", merged)
            want_all, got_all = data_files(one), data_files(merged)
            same = sorted(want_all) == sorted(got_all) and all(
                read(want_all[r]) == read(got_all[r]) for r in want_all)
            tap(same and any(r.endswith(("metrics.binpb", "metrics.jsonl", "metrics.binpb.gz",
                                         "metrics.ndjson", "metrics.ndjson.gz"))
                             for r in want_all),
                f"{label}: otelsim merge of 3 shards equals the whole dataset byte for byte "
                f"({', '.join(sorted(os.path.basename(r) for r in want_all))})",
                f"differ: {[r for r in want_all if r not in got_all or read(want_all[r]) != read(got_all[r])]}")
            for d in [os.path.dirname(x) for x in shards] + [merged]:
                shutil.rmtree(d)
            shutil.rmtree(one)
            shutil.rmtree(two)

        # protoc --decode of every fixture span == the OTLP/JSON rendering
        trace_pb2 = load_pb2(os.path.join(tmp, "py"))
        from google.protobuf import json_format, text_format  # noqa: E402
        jdir = os.path.join(tmp, "json")
        otelsim("render", "--out", jdir, "--format", "otlp-json")
        jfiles = data_files(jdir)
        for rel, path in sorted(want.items()):
            if not rel.endswith("traces.binpb"):
                continue
            jrel = rel[:-len("binpb")] + "jsonl"
            lines = read(jfiles[jrel]).decode().splitlines() if jrel in jfiles else []
            records = be32_records(read(path))
            ok, detail, nspans = len(lines) == len(records), "record counts differ", 0
            for rec, line in zip(records, lines):
                msg = text_format.Parse(protoc_decode(rec), trace_pb2.TracesData())
                from_pb = ids_to_hex(json_format.MessageToDict(msg, use_integers_for_enums=True))
                from_json = json.loads(line)
                if list(from_json)[:1] != ["resourceSpans"]:
                    ok, detail = False, "resourceSpans is not the first key"
                if from_pb != from_json:
                    ok, detail = False, "a record differs between protobuf and JSON"
                    break
                nspans += sum(len(ss.get("spans", [])) for rs in from_json["resourceSpans"]
                              for ss in rs.get("scopeSpans", []))
            tap(ok and nspans > 0, f"{rel}: protoc --decode equals OTLP/JSON for {nspans} spans", detail)
        # the same for every fixture metrics file, field by field
        from opentelemetry.proto.metrics.v1 import metrics_pb2  # noqa: E402
        nfiles = 0
        for rel, path in sorted(want.items()):
            if not rel.endswith("metrics.binpb"):
                continue
            nfiles += 1
            jrel = rel[:-len("binpb")] + "jsonl"
            lines = read(jfiles[jrel]).decode().splitlines() if jrel in jfiles else []
            records = be32_records(read(path))
            ok, detail, npoints, kinds = len(lines) == len(records), "record counts differ", 0, set()
            for rec, line in zip(records, lines):
                msg = text_format.Parse(protoc_decode(rec, "opentelemetry.proto.metrics.v1.MetricsData",
                                                      "opentelemetry/proto/metrics/v1/metrics.proto"),
                                        metrics_pb2.MetricsData())
                from_pb = ids_to_hex(json_format.MessageToDict(msg, use_integers_for_enums=True))
                from_json = json.loads(line)
                if list(from_json)[:1] != ["resourceMetrics"]:
                    ok, detail = False, "resourceMetrics is not the first key"
                if from_pb != from_json:
                    ok, detail = False, "a record differs between protobuf and JSON"
                    break
                for rm in from_json["resourceMetrics"]:
                    for sm in rm.get("scopeMetrics", []):
                        for m in sm["metrics"]:
                            for k in ("sum", "gauge", "histogram", "exponentialHistogram"):
                                if k in m:
                                    kinds.add(k)
                                    npoints += len(m[k]["dataPoints"])
            tap(ok and npoints > 0, f"{rel}: protoc --decode equals OTLP/JSON for {npoints} data points "
                f"({', '.join(sorted(kinds))})", detail)
        tap(nfiles >= 3, f"{nfiles} fixture metrics files checked against their OTLP/JSON")
        # and every fixture logs and events file (LogsData), field by field
        from opentelemetry.proto.logs.v1 import logs_pb2  # noqa: E402
        nfiles = {"logs": 0, "events": 0}
        for rel, path in sorted(want.items()):
            sig = os.path.basename(rel).split(".")[0]
            if not rel.endswith(".binpb") or sig not in nfiles:
                continue
            nfiles[sig] += 1
            jrel = rel[:-len("binpb")] + "jsonl"
            lines = read(jfiles[jrel]).decode().splitlines() if jrel in jfiles else []
            records = be32_records(read(path))
            ok, detail, nrecs, named = len(lines) == len(records), "record counts differ", 0, 0
            for rec, line in zip(records, lines):
                msg = text_format.Parse(protoc_decode(rec, "opentelemetry.proto.logs.v1.LogsData",
                                                      "opentelemetry/proto/logs/v1/logs.proto"),
                                        logs_pb2.LogsData())
                from_pb = ids_to_hex(json_format.MessageToDict(msg, use_integers_for_enums=True))
                from_json = json.loads(line)
                if list(from_json)[:1] != ["resourceLogs"]:
                    ok, detail = False, "resourceLogs is not the first key"
                if from_pb != from_json:
                    ok, detail = False, "a record differs between protobuf and JSON"
                    break
                for rl in from_json["resourceLogs"]:
                    for sl in rl.get("scopeLogs", []):
                        nrecs += len(sl["logRecords"])
                        named += sum(1 for r in sl["logRecords"] if r.get("eventName"))
            # events carry an event_name (LogRecord field 12); span logs do not
            ok = ok and (named == nrecs if sig == "events" else named == 0)
            tap(ok and nrecs > 0, f"{rel}: protoc --decode equals OTLP/JSON for {nrecs} log records",
                detail)
        tap(nfiles["logs"] >= 10 and nfiles["events"] >= 1,
            f"{nfiles['logs']} fixture logs files and {nfiles['events']} events files checked against "
            f"their OTLP/JSON")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and detail:
            print(f"#   {detail}")
    return 0 if all(r[0] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
