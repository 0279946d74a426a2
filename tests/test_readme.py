"""The README stays true to the code: every setting and every dependency is in it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
READ_FROM_ENVIRONMENT = re.compile(
    r"""(?:env\.\w+|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_settings_table_describes_every_variable_the_settings_read():
    sources = (ROOT / "park" / "settings.py").read_text() + (ROOT / "gunicorn.conf.py").read_text()
    variables = set(READ_FROM_ENVIRONMENT.findall(sources))
    assert {"DJANGO_SECRET_KEY", "DJANGO_CACHE_URL", "REDIS_URL", "WEB_CONCURRENCY"} <= variables
    table = section("Settings")
    # A row may name several variables with a shared prefix: `DJANGO_API_RATE_ANON`, `_USER`.
    named = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    prefixes = {name[: match.start()] for name in named for match in re.finditer("_", name)}
    shorthands = set(re.findall(r"`(_[A-Z0-9_]+)`", table))
    undocumented = {
        variable
        for variable in variables - named
        if not any(variable == prefix + suffix for prefix in prefixes for suffix in shorthands)
    }
    assert not undocumented


# How the table names a package whose distribution name it does not use.
TABLE_NAMES = {"djangorestframework": "django rest framework", "psycopg": "psycopg 3"}


def test_the_dependency_table_says_why_each_pinned_package_is_here():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        pins += extra
    names = {re.match(r"[A-Za-z0-9_.-]+", pin).group().lower() for pin in pins}
    rows = [
        line.split("|")[1].strip().lower()
        for line in section("Why each dependency is here").splitlines()
        if line.startswith("| ") and not line.startswith("| package")
    ]
    missing = {
        name for name in names if not any(TABLE_NAMES.get(name, name) in row for row in rows)
    }
    assert not missing
    # Vendored files too, with their version.
    for vendored in ("Chart.js", "jQuery UI", "axe-core"):
        assert any(row.startswith(vendored.lower()) for row in rows), vendored
