#!/usr/bin/python3
"""serve_browser.py URL QUERY SCREENSHOT [TOKEN]: drive headless Chromium over the DevTools protocol
(--remote-debugging-pipe: JSON messages separated by NUL bytes on fds 3 and 4; Python stdlib
only) like a person would: load the page at URL, click into the query box, type QUERY with
key events (one keyDown/char/keyUp per ASCII character; other characters arrive as an IME
commit, Input.insertText, as a Chinese input method sends them), press Enter, wait until the
page shows its results, save a PNG screenshot to SCREENSHOT and print what the page rendered
as one JSON object: {"status", "value", "address", "hits": [{"id", "title", "marks", "snippet",
"text"}]}.
With TOKEN (a server started with --read-token-file): the first search must answer 401 and
show the token field; TOKEN is typed into it and Enter pressed, and the results are then
awaited; the output adds "token_status" (the status line at the 401) and "stored" (the token
in sessionStorage).
Chromium is started here and always killed before exit. Exit 0 on success, 1 on failure."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60.0  # seconds for one session (a bound, never a kill point)
ATTEMPTS = 2    # a Chromium that hangs (seen once in ~30 loaded suites) is started once more


class Hung(RuntimeError):
    """Chromium gave no answer within TIMEOUT."""


class Browser:
    def __init__(self, chromium, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands from its fd 3 and writes answers and events to its fd 4.
        # (runs in the child before subprocess closes every fd not in pass_fds)
        def fds():
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-proxy-server", "--disable-quic", "--hide-scrollbars",
             "--user-data-dir=" + profile, "--remote-debugging-pipe",
             "--window-size=1000,800", "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4),
            # its org.chromium.Chromium.* singleton directory goes into the profile, which is
            # removed at the end (in /tmp, every run left one behind)
            env=dict(os.environ, TMPDIR=profile),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None
        self.deadline = time.monotonic() + TIMEOUT

    def close(self):
        self.proc.kill()
        self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)

    def _read_message(self):
        while b"\0" not in self.buf:
            if time.monotonic() > self.deadline:
                raise Hung("no answer from chromium within %.0f s" % TIMEOUT)
            import select
            r, _, _ = select.select([self.from_chrome], [], [], 1.0)
            if r:
                chunk = os.read(self.from_chrome, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, session=True, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method):
        while True:
            for i, e in enumerate(self.events):
                if e["method"] == method:
                    return self.events.pop(i)
            self.events.append(self._read_message())

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("page script failed: %s" % r["exceptionDetails"])
        return r["result"].get("value")

    def wait_for(self, expr, what):
        """Poll a page expression until it is true (bounded by the session deadline)."""
        while not self.js(expr):
            if time.monotonic() > self.deadline:
                raise RuntimeError("timed out waiting for " + what)
            time.sleep(0.05)

    def key(self, kind, **kw):
        self.call("Input.dispatchKeyEvent", type=kind, **kw)


def click_on(b, element_id):
    """Click into an element where it is drawn, and wait until it has the focus."""
    box = b.js('(() => { const r = document.getElementById("%s").getBoundingClientRect();'
               ' return [r.left + r.width / 2, r.top + r.height / 2]; })()' % element_id)
    for kind in ("mousePressed", "mouseReleased"):
        b.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left",
               clickCount=1)
    b.wait_for('document.activeElement === document.getElementById("%s")' % element_id,
               "focus on #" + element_id)


def enter(b):
    b.key("keyDown", key="Enter", code="Enter", text="\r", windowsVirtualKeyCode=13,
          nativeVirtualKeyCode=13)
    b.key("keyUp", key="Enter", code="Enter", windowsVirtualKeyCode=13, nativeVirtualKeyCode=13)


def type_text(b, text):
    for ch in text:
        if ch.isascii() and ch.isprintable():
            code = ("Key" + ch.upper()) if ch.isalpha() else ("Space" if ch == " " else "")
            vk = ord(ch.upper()) if ch.isalnum() or ch == " " else 0
            b.key("keyDown", key=ch, code=code, text=ch, unmodifiedText=ch,
                  windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk)
            b.key("keyUp", key=ch, code=code, windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk)
        else:
            b.call("Input.insertText", text=ch)  # an input method's commit


RENDERED = r"""JSON.stringify({
  status: document.getElementById("status").textContent,
  value: document.getElementById("q").value,
  address: location.pathname + location.search,
  keys: window.__lkKeys || 0,
  hits: Array.from(document.querySelectorAll("#results li.hit")).map(li => ({
    id: (li.querySelector(".meta").textContent.match(/^id (\S+)/) || [])[1],
    title: li.querySelector(".title").textContent,
    marks: Array.from(li.querySelectorAll("mark")).map(m => m.textContent),
    snippet: (li.querySelector(".snippet") || {}).textContent,
    text: li.textContent}))})"""


def main():
    chromium = shutil.which("chromium")
    if not chromium:
        print("skip: chromium is not installed")
        return 0
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return session(chromium, *sys.argv[1:5])
        except Hung as e:
            print("serve_browser: %s (attempt %d of %d)" % (e, attempt, ATTEMPTS),
                  file=sys.stderr)
    return 1


def session(chromium, url, query, shot, token=None):
    """One browser session: 0 and the rendered page on stdout, 1 on an error; Hung when
    Chromium does not answer (a fresh profile and browser may then be tried)."""
    profile = tempfile.mkdtemp(prefix="lk-chrome.")
    b = Browser(chromium, profile)
    try:
        targets = b.call("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        b.session = b.call("Target.attachToTarget", session=False, targetId=page["targetId"],
                           flatten=True)["sessionId"]
        b.call("Page.enable")
        b.call("Runtime.enable")
        b.call("Page.navigate", url=url)
        b.wait_event("Page.loadEventFired")
        b.wait_for('document.readyState === "complete"', "the page")
        # count the key events the page receives (shows the typing is real key input)
        b.js('window.__lkKeys = 0; document.getElementById("q").addEventListener("keydown",'
             ' () => window.__lkKeys++); true')
        # click into the query box where it is drawn on the screen
        click_on(b, "q")
        type_text(b, query)
        enter(b)
        token_status = None
        if token is not None:
            b.wait_for('!document.getElementById("tokenform").hidden && '
                       '/token/.test(document.getElementById("status").textContent)',
                       "the token field after a 401")
            token_status = b.js('document.getElementById("status").textContent')
            click_on(b, "token")
            type_text(b, token)
            enter(b)
        b.wait_for('/ results? for |^No |rror/.test(document.getElementById("status").textContent)',
                   "the results")
        rendered = json.loads(b.js(RENDERED))
        if token is not None:
            rendered["token_status"] = token_status
            rendered["stored"] = b.js('sessionStorage.getItem("lexkit-read-token")')
            rendered["token_form_hidden"] = b.js('document.getElementById("tokenform").hidden')
        png = b.call("Page.captureScreenshot", format="png")["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(png))
        print(json.dumps(rendered, ensure_ascii=False))
        return 0
    except Hung:
        raise
    except (RuntimeError, StopIteration, OSError, KeyError) as e:
        print("serve_browser: %s" % e, file=sys.stderr)
        return 1
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
