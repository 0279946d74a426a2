"""The servers of a run (started and stopped by the harness) and their memory.

Each server runs in a process group of its own, so that stopping it ends exactly the
processes the harness started. Memory is read from /proc: VmRSS of each process.
"""

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path


class ServerError(RuntimeError):
    pass


class Server:
    """A server process on a loopback port, as a context manager."""

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        port: int,
        env: dict[str, str],
        log_path: Path,
        cwd: Path,
        preforked: bool,
    ):
        self.name = name
        self.command = command
        self.port = port
        self.env = env
        self.log_path = log_path
        self.cwd = cwd
        # gunicorn: the master forks the workers that answer; uvicorn answers itself.
        self.preforked = preforked
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        if port_open(self.port):
            raise ServerError(f"{self.name}: port {self.port} is already in use.")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while not port_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise ServerError(
                    f"{self.name} did not start; see {self.log_path}:\n{self._tail()}"
                )
            time.sleep(0.2)
        # gunicorn listens before its workers have imported the app.
        deadline = time.monotonic() + 30
        while self.preforked and len(self.pids()) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def pids(self) -> list[int]:
        """The processes that answer requests: gunicorn's workers, or the server itself."""
        if self.process is None:
            return []
        if not self.preforked:
            return [self.process.pid]
        return child_pids(self.process.pid)

    def _tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def child_pids(pid: int) -> list[int]:
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except FileNotFoundError:
        return []


def rss_kib(pid: int) -> int | None:
    """Resident memory of a process in KiB, None once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


class MemorySampler:
    """Samples the resident memory of a server's processes while a measurement runs.

    `growth_mib` is the largest rise of one process over its memory when sampling began;
    a process that appears later (a recycled worker) is measured against the largest
    memory of the processes there at the start, a warm worker's. `peak_mib` is the
    largest memory of one process."""

    def __init__(self, pids: Callable[[], list[int]], *, interval: float = 0.05):
        self.pids = pids
        self.interval = interval
        self.first: dict[int, int] = {}
        self.peak: dict[int, int] = {}
        self.late_baseline: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemorySampler":
        self._sample()
        self.late_baseline = max(self.first.values(), default=None)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for pid in self.pids():
            rss = rss_kib(pid)
            if rss is not None:
                self.first.setdefault(
                    pid, rss if self.late_baseline is None else self.late_baseline
                )
                self.peak[pid] = max(self.peak.get(pid, 0), rss)

    @property
    def peak_mib(self) -> float | None:
        return round(max(self.peak.values()) / 1024, 1) if self.peak else None

    @property
    def growth_mib(self) -> float | None:
        if not self.peak:
            return None
        return round(max(self.peak[pid] - self.first[pid] for pid in self.peak) / 1024, 1)
