"""tests/bytecode.py: the session compiles the checkout's modules, and a process started under
``PYTHONDONTWRITEBYTECODE`` then imports them from that bytecode instead of compiling their source."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import bytecode


def _checkout(root: Path) -> None:
    for path, text in {"simulator/__init__.py": "", "simulator/engine.py": "ANSWER = 42\n",
                       "tests/__init__.py": "", "tests/helper.py": "HELP = 1\n",
                       "tests/test_x.py": "def test(): pass\n",
                       "tests/conftest.py": "", "notes/loose.py": "X = 1\n"}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def _imports(root: Path, module: str, prefix: Path | None = None) -> str:
    """``python -v``'s account of importing ``module`` from ``root`` under PYTHONDONTWRITEBYTECODE (and
    PYTHONPYCACHEPREFIX=``prefix`` when given)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(root)}
    env.pop("PYTHONPYCACHEPREFIX", None)
    if prefix is not None:
        env["PYTHONPYCACHEPREFIX"] = str(prefix)
    done = subprocess.run([sys.executable, "-v", "-c", f"import {module}"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stderr


@pytest.mark.parametrize("with_prefix", [False, True], ids=["__pycache__", "pycache_prefix"])
def test_a_compiled_checkout_is_imported_from_bytecode_and_test_modules_are_left_to_pytest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_prefix: bool) -> None:
    """Where the .pyc files go follows ``sys.pycache_prefix`` (``PYTHONPYCACHEPREFIX``, inherited by the
    processes the suite starts), whatever the developer running the suite has set."""
    root, prefix = tmp_path / "checkout", (tmp_path / "prefix" if with_prefix else None)
    monkeypatch.setattr(sys, "pycache_prefix", str(prefix) if prefix else None)
    _checkout(root)
    sources = ["simulator/__init__.py", "simulator/engine.py", "tests/__init__.py", "tests/helper.py",
               "tests/test_x.py", "tests/conftest.py", "notes/loose.py"]
    caches = {source: Path(importlib.util.cache_from_source(str(root / source))) for source in sources}
    assert "code object from" not in _imports(root, "simulator.engine", prefix).split("simulator/engine.py")[-1]
    assert not list(tmp_path.rglob("*.pyc"))  # the variable holds: importing wrote nothing

    assert bytecode.compile_checkout(root)
    trace = _imports(root, "simulator.engine", prefix)
    assert f"code object from '{caches['simulator/engine.py']}'" in trace, trace[-2000:]
    assert sorted(tmp_path.rglob("*.pyc")) == sorted(caches[source] for source in sources[:4])


def test_a_source_changed_after_compiling_is_imported_as_it_is_now(tmp_path: Path) -> None:
    _checkout(tmp_path)
    bytecode.compile_checkout(tmp_path)
    (tmp_path / "simulator/engine.py").write_text("ANSWER = 'changed, and longer than before'\n")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", "import simulator.engine as e; print(e.ANSWER)"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120).stdout
    assert out.strip() == "changed, and longer than before"


@pytest.mark.parametrize(("dont_write", "setting", "worker", "expected"), [
    (True, None, False, True), (True, "1", False, True), (True, "0", False, False), (True, "false", False, False),
    (True, " No ", False, False), (True, "OFF", False, False), (False, None, False, False), (True, None, True, False)])
def test_only_the_sessions_own_process_compiles_and_only_when_python_would_not(
        monkeypatch: pytest.MonkeyPatch, dont_write: bool, setting: str | None, worker: bool, expected: bool) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", dont_write)
    if setting is None:
        monkeypatch.delenv("QBO_SIM_COMPILE", raising=False)
    else:
        monkeypatch.setenv("QBO_SIM_COMPILE", setting)
    config = SimpleNamespace(workerinput={}) if worker else SimpleNamespace()
    assert bytecode.wanted(config) is expected  # type: ignore[arg-type]


def test_a_checkout_it_cannot_write_to_is_not_compiled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """(Shown with os.access answering no: the suite may run as root, whom permissions do not stop.)"""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.delenv("QBO_SIM_COMPILE", raising=False)
    _checkout(tmp_path)
    assert bytecode.wanted(SimpleNamespace(), tmp_path) is True  # type: ignore[arg-type]
    monkeypatch.setattr(bytecode.os, "access", lambda path, mode: not str(path).startswith(str(tmp_path)))
    assert bytecode.wanted(SimpleNamespace(), tmp_path) is False  # type: ignore[arg-type]


def test_a_second_session_rewrites_nothing_even_under_source_date_epoch(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """``SOURCE_DATE_EPOCH`` (set by reproducible-build environments) makes py_compile write hash-checked
    ``.pyc`` files, whose header compileall's up-to-date check never matches: every session would then compile
    the whole checkout again. The plugin asks for timestamp ``.pyc`` files, which it (and Python) check cheaply."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    _checkout(tmp_path)
    assert bytecode.compile_checkout(tmp_path)
    pycs = sorted(tmp_path.rglob("*.pyc"))
    written = {path: path.stat().st_mtime_ns for path in pycs}
    assert all(path.read_bytes()[4:8] == b"\0\0\0\0" for path in pycs)  # flags 0: a timestamp .pyc
    for path in pycs:  # an older .pyc on disk makes any rewrite visible
        os.utime(path, ns=(written[path] - 10**9, written[path] - 10**9))
    assert bytecode.compile_checkout(tmp_path)
    assert {path: path.stat().st_mtime_ns for path in pycs} == {path: written[path] - 10**9 for path in pycs}
