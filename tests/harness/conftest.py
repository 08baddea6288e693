"""A real headless Chromium for the gate's HTML report: what a person sees, not the markup.

Debian's ``chromium`` (``.ci/run`` installs it) driven by Playwright; never the browser ``playwright
install`` downloads. Missing locally: the browser tests skip and say why. Under ``CI=true`` a missing
browser, a missing ``playwright`` package or a Chromium that does not start fails the run instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("QBO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")  # one Playwright per thread at a time: closed before the inspector's starts
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the 'playwright' package is not installed (it is in the project's test extras)")
    if not CHROMIUM or not Path(CHROMIUM).exists():
        _unavailable("no Chromium binary: apt-get install chromium (or set QBO_CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure is "no browser here"
            _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield launched
        launched.close()


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
