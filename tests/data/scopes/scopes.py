"""Prints each ScopeSpans of an OTLP/JSON traces file: service, scope name
and version, and its spans' names (tests/cli cases on instrumentation scopes)."""
import json
import sys

for line in open(sys.argv[1]):
    for rs in json.loads(line)["resourceSpans"]:
        svc = [a["value"]["stringValue"] for a in rs["resource"]["attributes"]
               if a["key"] == "service.name"][0]
        for ss in rs["scopeSpans"]:
            sc = ss["scope"]
            names = sorted({s["name"] for s in ss["spans"]})
            print(svc, sc.get("name", "-"), sc.get("version", "-"), ",".join(names))
