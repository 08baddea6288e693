"""Where a server's time goes under load: py-spy sampled while the load generator runs.

``qbo-sim bench --profile`` runs this for the routes whose target is missed and writes the
collapsed stacks (``benchmarks/profiles/*.txt``, flame-graph input) plus a summary of the
functions with the most inclusive time into RESULTS.md. py-spy is a development tool, not a
dependency: ``pip install py-spy`` (it needs ptrace: root, or ``kernel.yama.ptrace_scope=0``).
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from benchmarks.load import run_load

__all__ = ["profile_under_load", "summarize", "available"]

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def py_spy() -> str | None:
    """py-spy on PATH, or next to this interpreter (installed into the venv but the venv not activated)."""
    beside = Path(sys.executable).parent / "py-spy"
    return shutil.which("py-spy") or (str(beside) if beside.exists() else None)


def available() -> bool:
    return py_spy() is not None


def profile_under_load(
    pid: int, url: str, *, method: str, body: bytes, headers: dict[str, str], seconds: float, out: Path
) -> Path:
    """Sample ``pid`` with py-spy for ``seconds`` while the load generator drives ``url``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(
        [
            py_spy() or "py-spy",
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            "250",
            "--format",
            "raw",
            "--gil",
            "--nonblocking",
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    load = threading.Thread(
        target=run_load,
        args=(url,),
        kwargs={"method": method, "body": body, "headers": headers, "seconds": seconds + 1},
    )
    load.start()
    _, err = spy.communicate(timeout=seconds + 60)
    load.join()
    if spy.returncode != 0 or not out.exists():
        raise RuntimeError(f"py-spy failed: {err.decode(errors='replace')[-500:]}")
    return out


def summarize(collapsed: Path, *, top: int = 18, prefixes: tuple[str, ...] = ()) -> list[tuple[str, float]]:
    """``[(function, share of samples)]`` by inclusive time, for frames in files matching ``prefixes``."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text(encoding="utf-8").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        seen = set()
        for frame in stack.split(";"):
            match = _FRAME.match(frame.strip())
            if not match:
                continue
            path = match.group("file")
            name = f"{_short(path)}:{match.group('func')}"
            if prefixes and not any(p in path for p in prefixes):
                continue
            if name not in seen:
                seen.add(name)
                inclusive[name] += count
    return [(name, count / total) for name, count in inclusive.most_common(top)] if total else []


def _short(path: str) -> str:
    """py-spy shortens paths already (``simulator/app.py``, ``flask/app.py``); absolute ones keep a name."""
    return Path(path).name if path.startswith("/") else path
