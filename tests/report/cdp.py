"""A small Chrome DevTools Protocol client over --remote-debugging-pipe.

Chromium reads commands from fd 3 and writes replies and events to fd 4,
each a JSON text ended by a NUL byte: no WebSocket, no port, no package
beyond Python's own. Debian's chromium, started headless with the flags
that keep it off the network on a closed machine.

    with Browser() as b:
        page = b.new_page()
        page.load("file:///tmp/report.html")
        page.eval("document.title")
        page.screenshot("out.png")

Everything is bounded in time: a command that gets no answer within its
timeout raises CDPError.
"""
import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--remote-debugging-pipe"]


class CDPError(Exception):
    pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise CDPError("no chromium on PATH (Debian package 'chromium')")


class Browser:
    def __init__(self, width=1280, height=900, timeout=30):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="otelsim-chromium.")
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def child():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [find_chromium()] + FLAGS + ["--user-data-dir=" + self.profile,
                                         "--window-size=%d,%d" % (width, height), "about:blank"],
            pass_fds=(3, 4), preexec_fn=child, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events = []  # (sessionId, method, params) not yet consumed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            if self.proc.poll() is None:
                self.send("Browser.close", timeout=5)
        except (CDPError, OSError):
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("no answer from chromium in time")
            ready, _, _ = select.select([self._r], [], [], left)
            if not ready:
                continue
            data = os.read(self._r, 1 << 20)
            if not data:
                raise CDPError("chromium closed the pipe (exit status %s)" % self.proc.poll())
            self._buf += data
        i = self._buf.index(b"\0")
        msg = json.loads(self._buf[:i])
        self._buf = self._buf[i + 1:]
        return msg

    def send(self, method, params=None, session=None, timeout=None):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise CDPError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self.events.append((m.get("sessionId"), m["method"], m.get("params", {})))

    def wait_event(self, session, method, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, e in enumerate(self.events):
                if e[0] == session and e[1] == method:
                    del self.events[i]
                    return e[2]
            m = self._read_message(deadline)
            if "method" in m:
                self.events.append((m.get("sessionId"), m["method"], m.get("params", {})))

    def new_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, session)


class Page:
    def __init__(self, browser, session):
        self.b = browser
        self.s = session
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.cmd(domain + ".enable")

    def cmd(self, method, params=None, timeout=None):
        return self.b.send(method, params, self.s, timeout)

    def load(self, url, timeout=None):
        """Navigate and wait for the load event; returns seconds taken."""
        t = time.monotonic()
        self.cmd("Page.navigate", {"url": url})
        self.b.wait_event(self.s, "Page.loadEventFired", timeout)
        return time.monotonic() - t

    def eval(self, expr, timeout=None):
        r = self.cmd("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                          "awaitPromise": True}, timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise CDPError("%s: %s" % (expr[:80], d.get("exception", {}).get("description", d.get("text"))))
        return r["result"].get("value")

    def wait_for(self, expr, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.eval(expr):
                return True
            time.sleep(0.02)
        return False

    def drain(self):
        """Events seen so far on this page: (method, params)."""
        mine = [(m, p) for (s, m, p) in self.b.events if s == self.s]
        self.b.events = [e for e in self.b.events if e[0] != self.s]
        return mine

    def problems(self):
        """Console errors, exceptions, failed and made network requests since the last call."""
        out = []
        for method, p in self.drain():
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                out.append("console %s: %s" % (p["type"], " ".join(str(a.get("value", a.get("description"))) for a in p.get("args", []))))
            elif method == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                out.append("exception: %s" % d.get("exception", {}).get("description", d.get("text")))
            elif method == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                out.append("log %s: %s" % (p["entry"]["level"], p["entry"].get("text")))
            elif method == "Network.requestWillBeSent":
                url = p["request"]["url"]
                if not (url.startswith("file://") and p.get("type") == "Document") and not url.startswith("data:"):
                    out.append("network request: %s" % url)
        return out

    def screenshot(self, path, full=True):
        params = {"format": "png"}
        if full:
            m = self.cmd("Page.getLayoutMetrics")
            size = m.get("cssContentSize") or m["contentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": min(size["width"], 1600),
                              "height": min(size["height"], 4000), "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.cmd("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def click(self, selector):
        """A real mouse click at the centre of the element (scrolled into view)."""
        box = self.eval("(function(){var e=document.querySelector(%s); if(!e) return null;"
                        "e.scrollIntoView({block:'center'}); var r=e.getBoundingClientRect();"
                        "return [r.left+r.width/2, r.top+r.height/2];})()" % json.dumps(selector))
        if not box:
            raise CDPError("nothing matches %s" % selector)
        for kind in ("mousePressed", "mouseReleased"):
            self.cmd("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                   "button": "left", "clickCount": 1})

    def set_value(self, selector, value):
        """Set an input's or select's value as a user would, then fire input."""
        self.eval("(function(){var e=document.querySelector(%s); e.value=%s;"
                  "e.dispatchEvent(new Event('input',{bubbles:true}));})()" %
                  (json.dumps(selector), json.dumps(value)))
