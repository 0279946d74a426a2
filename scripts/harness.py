"""What the fault and soak scripts share: a throwaway PostgreSQL of their own, the
directory under gunicorn as in production, and an HTTP client that records outcomes.

Everything runs on loopback, bounded in time, and cleans up after itself. The
PostgreSQL instance is initdb'd into a temporary folder on its own port, so restarting
it never disturbs any other database on the machine."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SECRET = "fault-scripts-" + "x" * 50


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    """A loopback port that nothing listens on now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(args: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PrivatePostgres:
    """A PostgreSQL 15 server in a temporary folder, on `port` (or on a free port when
    something else already listens there), trust auth."""

    def __init__(self, port: int):
        self.port = free_port() if port_taken(port) else port
        self.folder = Path(tempfile.mkdtemp(prefix="park-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{port}/park"

    def pg_ctl(self, *args: str) -> None:
        done = subprocess.run(
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                         "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1",
                         "-w", *args]),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode:
            # The server's own log says why (a port, shared memory, permissions).
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"pg_ctl {args[0]} on port {self.port} failed ({done.returncode}):\n"
                f"{done.stdout}{done.stderr}\n--- {self.log} ---\n{log}"
            )

    def start(self) -> None:
        if not self.data.exists():
            subprocess.run(
                as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust",
                             "-U", "postgres", "--no-sync"]),
                check=True, capture_output=True,
            )  # fmt: skip
            self.pg_ctl("start")
            subprocess.run(
                [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                 "postgres", "park"],
                check=True,
            )  # fmt: skip
        else:
            self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")

    def destroy(self) -> None:
        try:
            self.stop()
        except RuntimeError:
            # A server that will not stop must not outlive its folder and hold the port.
            with suppress(OSError, ValueError):
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGQUIT)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def private_postgres(port: int = 55432):
    server = PrivatePostgres(port)
    try:
        server.start()
        yield server
    finally:
        server.destroy()


def app_environment(database_url: str, **extra: str) -> dict:
    """Production settings over loopback: debug off, behind a (pretend) TLS proxy."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.pop("REDIS_URL", None)
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "park.settings",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
        "DATABASE_URL": database_url,
        **extra,
    }


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def prepare_database(env: dict) -> None:
    """Schema, the demo register and static files, as a deployment would."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v", "0")


def editor_session(env: dict) -> str:
    """A signed-in editor's session key, to drive the admin like an editor."""
    code = (
        "from django.contrib.auth import get_user_model, HASH_SESSION_KEY, "
        "BACKEND_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from companies import services\n"
        "user, _ = get_user_model().objects.get_or_create(username='soak-editor', "
        "defaults={'is_staff': True})\n"
        "user.groups.add(services.editors_group_sync())\n"
        "s = SessionStore(); s[SESSION_KEY] = str(user.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    return manage(env, "shell", "--no-imports", "-c", code).strip()


class Gunicorn:
    """The directory under gunicorn, as the Dockerfile runs it, on a loopback port."""

    def __init__(self, env: dict, port: int, workers: int = 2, log: Path | None = None):
        self.port = port
        self.log_path = log or Path(tempfile.mkstemp(prefix="park-gunicorn-", suffix=".log")[1])
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "park.wsgi", "-c", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(port, "/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not come up; see {self.log_path}")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class Nginx:
    """nginx in the foreground with the repository's deploy/nginx.conf, on a loopback
    port, in front of gunicorn on `upstreams` (loopback ports), its files in a temporary
    folder. `replace` rewrites parts of the configuration (e.g. a rate for a load run)."""

    def __init__(self, port: int, upstreams: list[int], replace: dict | None = None):
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="park-nginx-"))
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        servers = "\n".join(
            f"    server 127.0.0.1:{upstream} max_fails=3 fail_timeout=10s;"
            for upstream in upstreams
        )
        site = site.replace("    server app:8000 max_fails=3 fail_timeout=10s;", servers)
        site = site.replace(
            "listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;"
        )
        site = site.replace("alias /srv/static/;", f"alias {ROOT / 'staticfiles'}/;")
        for old, new in (replace or {}).items():
            if old not in site:
                raise ValueError(f"not in deploy/nginx.conf: {old}")
            site = site.replace(old, new)
        (self.folder / "site.conf").write_text(site)
        temp = "".join(
            f"{kind}_temp_path {self.folder / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.folder / "nginx.conf").write_text(
            # One process as the invoking user: no worker user to grant the folder to.
            f"daemon off;\nmaster_process off;\npid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.folder / 'error.log'} warn;\nevents {{}}\n"
            f"http {{\ninclude /etc/nginx/mime.types;\naccess_log off;\n{temp}"
            f"include {self.folder / 'site.conf'};\n}}\n"
        )
        self.process = subprocess.Popen(
            [NGINX, "-c", str(self.folder / "nginx.conf"), "-p", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx did not start: {self.process.stderr.read().decode()}")
            try:
                if request(port, "/nginx-healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not come up")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # nginx's own account of a 502 (which upstream, what it did) outlives the run.
        log = self.folder / "error.log"
        if log.exists():
            (ROOT / "artifacts").mkdir(exist_ok=True)
            shutil.copyfile(log, ROOT / "artifacts" / f"nginx-{self.port}-error.log")
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Answer:
    path: str
    status: int  # 0: no HTTP answer at all (connection refused, reset, timeout)
    seconds: float
    content_type: str = ""
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    error: str = ""
    started: float = 0.0


def request(port: int, path: str, headers: dict | None = None, timeout: float = 30) -> Answer:
    """One GET over a fresh connection (gunicorn's sync workers close each one)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https", **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        return Answer(
            path, response.status, time.monotonic() - started,
            response.headers.get("Content-Type", ""), body, dict(response.headers),
            started=started,
        )  # fmt: skip
    finally:
        connection.close()


def safe_request(port: int, path: str, headers: dict | None = None, timeout: float = 30) -> Answer:
    started = time.monotonic()
    try:
        return request(port, path, headers, timeout)
    except (OSError, http.client.HTTPException) as error:
        return Answer(path, 0, time.monotonic() - started, error=type(error).__name__,
                      started=started)  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def require_served(port: int, paths: list[str], headers: dict | None = None) -> None:
    """Refuse to run against a build that does not serve every path the script loads."""
    missing = [path for path in paths if safe_request(port, path, headers).status != 200]
    if missing:
        raise RuntimeError(f"not served by this build: {', '.join(missing)}")


def write_result(name: str, result: dict) -> Path:
    folder = ROOT / "artifacts"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    return path
