"""The registers of a run: one PostgreSQL database per size, built once and reused.

`park_bench` (from --database-url) gives `park_bench_1k`, `park_bench_10k`, ...; each is
migrated and grown with `manage.py load_demo --companies N`, which loads with COPY and
adds nothing when the register already has N companies.
"""

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def size_name(size: int) -> str:
    """1000 -> '1k', 1000000 -> '1m', 2500 -> '2500'."""
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


@dataclass(frozen=True)
class Registers:
    database_url: str
    secret_key: str

    def database(self, size: int) -> str:
        return f"{urlsplit(self.database_url).path.lstrip('/')}_{size_name(size)}"

    def url(self, size: int) -> str:
        return _with_database(self.database_url, self.database(size))

    def env(self, size: int) -> dict[str, str]:
        """The environment of the directory, as served, on the register of `size`."""
        return {
            **os.environ,
            "DATABASE_URL": self.url(size),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_SECRET_KEY": self.secret_key,
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # As deployed (docker-compose.yml): the shared cache in Redis.
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        }

    def manage(self, size: int, *args: str, quiet: bool = False) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(size),
            check=True,
            stdout=subprocess.DEVNULL if quiet else None,
        )

    def ensure(self, size: int) -> dict:
        """Create, migrate and fill the register of `size` unless it is there already."""
        name = self.database(size)
        with _maintenance(self.database_url) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not exists.fetchone():
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.manage(size, "migrate", "--noinput", quiet=True)
        companies, _ = self.counts(size)
        if companies > size:
            # Registers only grow; a larger one under this name is rebuilt from scratch.
            with _maintenance(self.database_url) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
                )
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            self.manage(size, "migrate", "--noinput", quiet=True)
            companies = 0
        built_s = None
        if companies < size:
            started = time.perf_counter()
            self.manage(size, "load_demo", "--companies", str(size))
            built_s = round(time.perf_counter() - started, 1)
        companies, reports = self.counts(size)
        return {
            "size": size,
            "database": name,
            "companies": companies,
            "reports": reports,
            "built_s": built_s,
        }

    def counts(self, size: int) -> tuple[int, int]:
        with psycopg.connect(self.url(size)) as connection:
            return connection.execute(
                "SELECT (SELECT count(*) FROM companies_company),"
                " (SELECT count(*) FROM companies_report)"
            ).fetchone()

    def middle_slug(self, size: int) -> str | None:
        """A published company from the middle of the register, for the detail endpoint."""
        with psycopg.connect(self.url(size)) as connection:
            row = connection.execute(
                "SELECT slug FROM companies_company WHERE is_published ORDER BY id"
                " OFFSET (SELECT count(*) / 2 FROM companies_company WHERE is_published)"
                " LIMIT 1"
            ).fetchone()
        return row[0] if row else None

    def server_version(self) -> str:
        with _maintenance(self.database_url) as connection:
            return connection.execute("SHOW server_version").fetchone()[0]


def ensure_postgres(database_url: str) -> None:
    """Start the local PostgreSQL cluster if it is down, as CI does; fail clearly otherwise."""
    parts = urlsplit(database_url)
    host, port = parts.hostname or "127.0.0.1", str(parts.port or 5432)
    ready = ["pg_isready", "-q", "-h", host, "-p", port]
    if shutil.which("pg_isready") is None:
        raise SystemExit("make bench needs PostgreSQL 15 and its client tools (pg_isready).")
    if subprocess.run(ready).returncode == 0:
        return
    clusters = sorted(Path("/etc/postgresql").glob("*/main"))
    if host in ("127.0.0.1", "localhost") and clusters and shutil.which("pg_ctlcluster"):
        version = clusters[-1].parent.name
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False
        )
        for _ in range(30):
            if subprocess.run(ready).returncode == 0:
                return
            time.sleep(1)
    raise SystemExit(f"PostgreSQL is not answering at {host}:{port}.")


def _maintenance(database_url: str) -> psycopg.Connection:
    return psycopg.connect(_with_database(database_url, "postgres"), autocommit=True)


def _with_database(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
