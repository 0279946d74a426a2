"""Without a browser the browser tests skip and say why, unless CI requires them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_BROWSER_TEST = "tests/test_pages_browser.py::test_the_accessibility_check_catches_a_violation"
PYTEST = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", ONE_BROWSER_TEST]


def run_browser_test(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REQUIRE_BROWSER", "CHROMIUM_PATH")
    }
    return subprocess.run(
        PYTEST,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "CHROMIUM_PATH": "/nonexistent/chromium", **env},
        timeout=120,
    )


def test_browser_tests_skip_with_the_reason_when_chromium_is_missing():
    result = run_browser_test()
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "no browser at /nonexistent/chromium (apt-get install chromium" in result.stdout


def test_browser_tests_fail_without_chromium_when_required():
    result = run_browser_test(REQUIRE_BROWSER="1")
    assert result.returncode == 1
    assert "REQUIRE_BROWSER=1 but no browser at /nonexistent/chromium" in result.stdout
