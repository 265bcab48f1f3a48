"""`k8stutor web` in a real browser: headless Chromium opens the page, the app starts behind textual-serve's
websocket, the welcome screen arrives and is drawn (a screenshot that is more than textual-serve's intro card).

Chromium is driven over the DevTools protocol: a plain ``--screenshot`` does not wait for the websocket app
(virtual time does not cover the network), so the test waits for the welcome screen's text to reach the page
(the terminal bytes the app sends over the websocket, read by a hook installed before the page loads).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import zlib

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)

# Collects the terminal output the page receives (textual-serve's binary packets carry the app's bytes).
HOOK = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.__k8stutorText = "";
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener("message", (e) => {
      if (e.data instanceof ArrayBuffer) {
        window.__k8stutorText += decoder.decode(new Uint8Array(e.data), { stream: true });
      } else if (typeof e.data === "string") {
        window.__k8stutorText += e.data;
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
})();
"""
ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")
WELCOME = "Sandbox: classroom"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"k8stutor web exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process started here, with the children it started (its own process group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)


def png_colours(data: bytes) -> int:
    """How many distinct colours an 8-bit RGB/RGBA, non-interlaced PNG holds (stdlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0
            channels = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif ftype == 4:
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        colours.update(bytes(line[i : i + 3]) for i in range(0, stride, channels))
        prev = line
    return len(colours)


class DevTools:
    """A minimal Chrome DevTools protocol client for one page."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.next_id = 0

    async def call(self, method: str, **params):
        self.next_id += 1
        await self.ws.send_str(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads((await self.ws.receive(timeout=30)).data)
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise AssertionError(f"{method}: {msg['error']}")
                return msg["result"]

    async def evaluate(self, expression: str, await_promise: bool = False):
        res = await self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise
        )
        return res["result"].get("value")


async def _drive(devtools_port: int, url: str, shot_path: str) -> tuple[str, bool, bytes]:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        pages = []
        for _ in range(100):
            async with http.get(f"http://127.0.0.1:{devtools_port}/json/list") as r:
                pages = [p for p in await r.json() if p.get("type") == "page"]
            if pages:
                break
            await asyncio.sleep(0.1)
        assert pages, "chromium opened no page"
        async with http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            cdp = DevTools(ws)
            await cdp.call("Page.enable")
            await cdp.call("Page.addScriptToEvaluateOnNewDocument", source=HOOK)
            await cdp.call("Page.navigate", url=url)
            text = ""
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                text = ANSI.sub("", await cdp.evaluate("window.__k8stutorText || ''") or "")
                if WELCOME in text:
                    break
                await asyncio.sleep(0.2)
            first_byte = await cdp.evaluate("document.body.classList.contains('-first-byte')")
            # Let xterm.js draw what arrived (it paints on animation frames) and the intro card fade out.
            await cdp.evaluate("new Promise(r => setTimeout(() => requestAnimationFrame(r), 800))", True)
            shot = await cdp.call("Page.captureScreenshot", format="png")
            png = base64.b64decode(shot["data"])
            with open(shot_path, "wb") as fh:
                fh.write(png)
            return text, bool(first_byte), png


def test_web_serves_the_app_to_a_browser(tmp_path):
    """`k8stutor web --port P`: Chromium shows the welcome screen (its text reaches the page, xterm draws it)."""
    pytest.importorskip("textual_serve")
    pytest.importorskip("aiohttp")
    port = _free_port()
    env = dict(os.environ, K8STUTOR_DATA_DIR=str(tmp_path / "data"))
    env.pop("TEXTUAL", None)
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(
        [sys.executable, "-m", "k8stutor", "web", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    browser = None
    try:
        _wait_listening(port, server)
        profile = tmp_path / "chromium"
        assert CHROMIUM is not None
        browser = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--window-size=1280,800",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (active.exists() and active.read_text().strip()):
            time.sleep(0.1)
        devtools_port = int(active.read_text().split()[0])
        shot_path = str(tmp_path / "web.png")
        text, first_byte, png = asyncio.run(_drive(devtools_port, f"http://127.0.0.1:{port}/", shot_path))
        served = (tmp_path / "server.log").read_text(errors="replace")
        assert WELCOME in text, (
            f"the welcome screen never reached the page; it got:\n{text[-2000:]}\n{served}"
        )
        assert "Quit" in text  # the footer's key for it
        assert first_byte  # textual-serve swaps its intro card for the terminal on the app's first bytes
        # textual-serve's intro card alone has a handful of colours; the drawn app has many (text, borders).
        assert png_colours(png) > 40
    finally:
        if browser is not None:
            _stop(browser)
        _stop(server)
        log.close()
