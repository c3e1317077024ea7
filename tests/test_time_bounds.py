"""CI cannot hang: every test is stopped after 600 s, a browser test after 180 s
(pytest-timeout; tests/browser/test_time_bounds.py), and the run goes on to report it."""

import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow

HUNG = """
import time

def test_waits_for_a_page_that_never_loads():
    time.sleep(60)

def test_after_it():
    assert True
"""


def test_the_suite_bounds_every_test(request):
    assert request.config.getini("timeout") == "600"
    # Signal: the hung test fails and the run goes on (a thread would end the whole process).
    assert request.config.getini("timeout_method") == "signal"
    assert request.node.get_closest_marker("timeout") is None  # the 600 s apply here


def test_a_hung_test_fails_on_its_timeout_and_the_run_goes_on(tmp_path):
    (tmp_path / "test_hung.py").write_text(HUNG)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:django"]
        + ["--timeout=2", "-q", "test_hung.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - started < 30
    assert result.returncode == 1, result.stdout
    assert "Timeout (>2.0s)" in result.stdout
    assert "1 failed, 1 passed" in result.stdout
