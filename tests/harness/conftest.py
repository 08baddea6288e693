"""A real headless Chromium for the gate's HTML report: what a person sees, not the markup.

Debian's ``chromium`` (``.ci/run`` installs it) driven by Playwright, one per test process
(``chromium`` in tests/conftest.py); never the browser ``playwright install`` downloads. Missing locally: the
browser tests skip and say why. Under ``CI=true`` a missing browser, a missing ``playwright`` package or a
Chromium that does not start fails the run instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def browser(chromium: Any) -> Any:
    """The process's shared Chromium (tests/conftest.py)."""
    return chromium


@pytest.fixture
def open_report(browser: Any) -> Iterator[Any]:
    """``open_report(path)`` → a Playwright page showing that file in a 1,400 × 900 window."""
    contexts = []

    def opener(path: Path, width: int = 1400) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1,
                                      java_script_enabled=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(path.resolve().as_uri())
        return page

    yield opener
    for context in contexts:
        context.close()
