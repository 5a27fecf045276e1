#!/usr/bin/python3
"""make bench: how long Chromium takes to show an otelsim report page.

Loads PAGE from file:// in Debian's headless Chromium (tests/report/cdp.py)
RUNS times, each in a fresh tab, and prints medians of:
  ready  - navigation start to the first view drawn (script parsed, data
           parsed, summary drawn: <html data-ready>), the page's own clock
  load   - the browser's load event as this driver sees it
  tabs   - each other view drawn and laid out, one after another
usage: report_load.py PAGE [RUNS]
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "report"))
import cdp  # noqa: E402

TABS = ["services", "traces", "latency", "metrics", "logs", "truth"]


def main():
    page_path = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    ready, load, tabs = [], [], {t: [] for t in TABS}
    with cdp.Browser(timeout=120) as b:
        for _ in range(runs):
            p = b.new_page()
            load.append(p.load("file://" + page_path, timeout=120))
            if not p.wait_for("window.otelsimReport && window.otelsimReport.readyMs", 60):
                raise SystemExit("report_load: the page never became ready")
            ready.append(p.eval("window.otelsimReport.readyMs") / 1000)
            for t in TABS:
                ms = p.eval("(function(){var t=performance.now(); window.otelsimReport.showTab(%r);"
                            " document.body.offsetHeight; return performance.now()-t})()" % t)
                tabs[t].append(ms / 1000)
            problems = [x for x in p.problems() if not x.startswith("log warning")]
            if problems:
                raise SystemExit("report_load: %s" % problems[:3])
    print("ready %.3f" % statistics.median(ready))
    print("load %.3f" % statistics.median(load))
    print("tabs " + " ".join("%s=%.3f" % (t, statistics.median(v)) for t, v in tabs.items()))


if __name__ == "__main__":
    main()
