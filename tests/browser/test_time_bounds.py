"""A hung browser test cannot hold CI: each one is stopped after 180 s (tests/test_time_bounds.py
shows a stopped test failing and the run going on)."""

import pytest

from .conftest import BROWSER_TEST_TIMEOUT_S


def test_a_browser_test_is_stopped_after_180_seconds(request):
    marker = request.node.get_closest_marker("timeout")
    assert BROWSER_TEST_TIMEOUT_S == 180
    assert marker is not None and marker.args == (180,)


@pytest.mark.timeout(400)
def test_a_browser_test_may_ask_for_longer(request):
    assert request.node.get_closest_marker("timeout").args == (400,)
