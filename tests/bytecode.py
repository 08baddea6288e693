"""The test session compiles the checkout's modules once, as ``pip install`` compiles an installed package's.

The suite starts ~40 Python processes that import the project (``qbo-sim serve``, ``caspen-sync serve-driver``,
gates and their workers, benchmark and crash workers) besides its own workers. Under
``PYTHONDONTWRITEBYTECODE`` (set by many container images, the machine this was measured on among them) Python
writes no ``.pyc`` on import, so each of them compiled the same ~180 modules from source: ~0.4 s of CPU a
process, ~28 s a run (2026-11-29, 2 cores, back to back: the suite 110.6 s wall / 196 s CPU as it was, 96.3 s /
168 s with this plugin, 97.2 s / 170 s with bytecode writing simply allowed; issue 16). The variable stops
writing on import, not reading, and pip compiles what it installs regardless of it (the virtualenv's packages
all have their ``.pyc``); an editable install has none. So the controller
compiles the checkout's packages into their ``__pycache__`` folders (gitignored; under ``sys.pycache_prefix``
when one is set) before the workers start: ~0.6 s, once. Test modules and conftest files are left to
pytest, which rewrites their asserts on import and honours the variable for its own cache.

Nothing else changes: a ``.pyc`` is only used while its source is unchanged (Python checks size and mtime).
``QBO_SIM_COMPILE=0`` (or ``false``, ``no``, ``off``) turns it off; with bytecode writing on (the variable unset)
Python does this itself and the plugin does nothing, and so it does in a checkout it cannot write to (a
read-only mount would only cost the attempt). Registered from the root ``conftest.py``.
"""

from __future__ import annotations

import compileall
import os
import py_compile
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: the checkout's importable packages (pyproject's ``packages.find``) and the tests' helper modules
PACKAGES = ("simulator", "sync_client", "steps", "harness", "drivers", "benchmarks", "tests")
#: modules pytest imports through its assertion rewriter (their own cache, its own rules)
REWRITTEN = re.compile(r"(^|[/\\])(test_[^/\\]*|conftest)\.py$")


def compile_checkout(root: Path = ROOT) -> bool:
    """Compile the packages under ``root`` into bytecode; False if any file could not be (a read-only
    checkout, a syntax error: the import that needs it reports it as it always did)."""
    compiled = True
    for package in PACKAGES:
        folder = root / package
        if folder.is_dir():
            # timestamp .pyc files even under SOURCE_DATE_EPOCH (py_compile's default then is hash-checked ones,
            # which compileall's up-to-date check never recognises: each session would recompile everything)
            compiled &= bool(compileall.compile_dir(folder, quiet=2, rx=REWRITTEN,
                                                    invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP))
    return compiled


#: what ``QBO_SIM_COMPILE`` may say to turn the compile off (any case)
OFF = frozenset({"0", "false", "no", "off"})


def wanted(config: pytest.Config, root: Path = ROOT) -> bool:
    """In the session's own process (not an xdist worker), when Python will not write bytecode itself and the
    checkout can be written to."""
    return (sys.dont_write_bytecode and os.environ.get("QBO_SIM_COMPILE", "1").strip().lower() not in OFF
            and not hasattr(config, "workerinput") and os.access(root / PACKAGES[0], os.W_OK))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if wanted(config):
        compile_checkout()
