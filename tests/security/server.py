"""A studio in its own process, driven the way a hostile page or script would: raw queue calls by
fn_index (private events included), uploads, and the process's memory watched while it works.

Memory: the kernel's peak-RSS counter (VmHWM) is reset before a request and read after it; a
watchdog thread also samples RSS every 20 ms and kills the server the moment it passes the
ceiling, so a regression fails the test instead of swapping the machine.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
from gradio_client.utils import apply_diff

CEILING_MB = 1536            # no single hostile request may push the server past this resident size


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class MemoryExceeded(AssertionError):
    pass


class StudioProcess:
    """`python -m studio` on a free port with its own GAN_STUDIO_HOME; restarted if a test killed it."""

    def __init__(self, home: Path, env: dict | None = None):
        self.home, self.extra_env = Path(home), dict(env or {})
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self._config: dict | None = None

    # -- lifecycle
    def start(self, timeout: float = 120) -> "StudioProcess":
        port = free_port()
        env = dict(os.environ, GAN_STUDIO_HOME=str(self.home), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False",
                   OMP_NUM_THREADS="2", **self.extra_env)
        self.log = open(self.home / "server.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "studio", "--port", str(port)], env=env,
                                     cwd=Path(__file__).resolve().parents[2], stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        t0 = time.time()
        while time.time() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the studio exited with {self.proc.returncode}: see {self.home / 'server.log'}")
            try:
                if httpx.get(self.url + "/config", timeout=2).status_code == 200:
                    self._config = None
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("the studio did not start in time")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure(self) -> "StudioProcess":
        return self if self.alive() else self.start()

    def stop(self) -> None:
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    # -- memory
    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_mb(self) -> float:
        return _status_kb(self.pid, "VmRSS") / 1024

    def reset_peak(self) -> None:
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")

    def peak_mb(self) -> float:
        return _status_kb(self.pid, "VmHWM") / 1024

    def measured(self, fn, ceiling_mb: float = CEILING_MB):
        """Run fn() (a request); -> (its result, the server's peak RSS in MB during it). Kills the server and
        raises MemoryExceeded as soon as its RSS passes ceiling_mb. self.before_mb: the RSS just before."""
        self.before_mb = self.rss_mb()
        self.reset_peak()
        stop, over = threading.Event(), []

        def watch():
            while not stop.wait(0.02):
                try:
                    rss = self.rss_mb()
                except (FileNotFoundError, ProcessLookupError):
                    return
                if rss > ceiling_mb:
                    over.append(rss)
                    self.proc.kill()
                    return
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            result = fn()
        except Exception:
            if over:
                raise MemoryExceeded(f"the server passed {ceiling_mb:.0f} MB ({over[0]:.0f} MB) and was killed") from None
            raise
        finally:
            stop.set()
            watcher.join()
        if over:
            raise MemoryExceeded(f"the server passed {ceiling_mb:.0f} MB ({over[0]:.0f} MB) and was killed")
        return result, self.peak_mb()

    # -- the page's events
    @property
    def config(self) -> dict:
        if self._config is None:
            self._config = httpx.get(self.url + "/config", timeout=10).json()
        return self._config

    def fn_index(self, api_name: str) -> int:
        for i, dep in enumerate(self.config["dependencies"]):
            if dep.get("api_name") == api_name.lstrip("/"):
                return i
        raise KeyError(api_name)

    def upload(self, path: str | Path) -> dict:
        """Upload a file as the page does -> the FileData payload an event takes."""
        path = Path(path)
        with open(path, "rb") as f:
            r = httpx.post(self.url + "/gradio_api/upload", files={"files": (path.name, f)}, timeout=60)
        r.raise_for_status()
        return {"path": r.json()[0], "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}

    def join(self, api_name: str | int, data: list, session: str | None = None, event_data=None) -> str:
        """Queue one event without waiting for it (a page that pressed Start and went on) -> its event id."""
        fn = api_name if isinstance(api_name, int) else self.fn_index(api_name)
        body = {"data": data, "fn_index": fn, "session_hash": session or uuid.uuid4().hex, "event_data": event_data,
                "trigger_id": None}
        r = httpx.post(self.url + "/gradio_api/queue/join", content=json.dumps(body),  # NaN passes, as a script sends it
                       headers={"Content-Type": "application/json"}, timeout=30)
        r.raise_for_status()
        return r.json()["event_id"]

    def call(self, api_name: str | int, data: list, session: str | None = None, timeout: float = 120,
             event_data=None) -> dict:
        """POST /gradio_api/queue/join for one event (by api_name or fn_index) and wait for its end.
        -> {"ok": bool, "data": [...] or None, "error": message or None, "outputs": [every generation's data],
            "warnings": [gr.Warning / gr.Info messages]} (outputs: what a streaming event sent, each one whole)"""
        session = session or uuid.uuid4().hex
        try:
            event_id = self.join(api_name, data, session, event_data)
        except httpx.HTTPStatusError as e:
            return {"ok": False, "data": None, "error": f"HTTP {e.response.status_code}: {e.response.text[:300]}",
                    "outputs": [], "warnings": []}
        outputs, warnings = [], []
        with httpx.stream("GET", self.url + "/gradio_api/queue/data", params={"session_hash": session},
                          timeout=timeout) as s:
            for line in s.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") != event_id:
                    continue
                if msg.get("msg") == "log" and msg.get("level") in ("warning", "info"):
                    warnings.append(msg.get("log"))
                if msg.get("msg") == "process_generating" and msg.get("success", True):
                    data = msg["output"].get("data") or []
                    if outputs:                 # after the first, a stream sends diffs (as gradio_client applies them)
                        data = [apply_diff(prev, d) for prev, d in zip(outputs[-1], data)]
                    outputs.append(data)
                if msg.get("msg") == "process_completed":
                    out = msg.get("output") or {}
                    ok = bool(msg.get("success")) and "error" not in out
                    return {"ok": ok, "data": out.get("data"), "error": out.get("error"), "outputs": outputs,
                            "warnings": warnings}
        return {"ok": False, "data": None, "error": "the event stream ended without an answer", "outputs": outputs,
                "warnings": warnings}
