"""A scenario's browser context and page open when a step first needs them, not when the scenario begins."""

from __future__ import annotations

from typing import Any

import pytest
from webtest_support import css

pytestmark = pytest.mark.browser


def test_a_scenario_that_never_touches_the_page_opens_no_context(backend: Any, make_ctx: Any) -> None:
    ctx = make_ctx()
    backend.begin(ctx)
    assert backend._context is None and backend._page is None
    backend.step_begin('log "hello"', None)
    backend.step_end()
    backend.end(ctx, False)
    assert not any(ctx.artifacts_dir.iterdir())  # no trace, no screenshot


def test_the_first_query_opens_a_fresh_context_with_its_trace_group(backend: Any, make_ctx: Any) -> None:
    first = make_ctx()
    backend.begin(first)
    backend.perform("navigate", {"url": "/index.html"}, 5.0)
    browser = backend._browser
    backend.perform("fill", {"target": css("#user"), "text": "kept?"}, 5.0)
    backend.end(first, False)

    ctx = make_ctx(title="late context")
    backend.begin(ctx)
    backend.step_begin('expect "#user" visible', None)
    assert backend._context is None
    assert backend.query("query.url", {}) == "about:blank"  # a fresh page: nothing from the earlier scenario
    assert backend._browser is browser  # the same browser process
    assert backend._groups == [1]  # the step that opened the context got its trace group
    backend.step_end()
    backend.end(ctx, True)
    assert (ctx.artifacts_dir / "trace.zip").is_file()


def test_a_scenario_that_records_video_opens_its_context_as_it_begins(backend: Any, make_ctx: Any) -> None:
    ctx = make_ctx(record_video=True)
    backend.begin(ctx)
    assert backend._context is not None
    backend.end(ctx, False)
