"""Thorough profile: apply each named bug (mutations.py) to a copy of the repository and see its tests fail.

The copy holds the working tree as it is (uncommitted edits included, without .git, .venv and caches); the
tests run there with ``PYTHONPATH`` pointing at the copy, so the copy's modules shadow the editable install
(asserted), and subprocesses they start (``qbo-sim serve``, the crash worker) inherit it. The fast profile
of those tests runs (``QBO_THOROUGH`` removed), and each named test must be reported FAILED.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .mutations import MUTATIONS, Mutation
from .profiles import Figures, Profile

ROOT = Path(__file__).resolve().parents[2]
IGNORED = shutil.ignore_patterns(".git", ".venv", ".node", "reports", "__pycache__", ".hypothesis", ".schemathesis",
                                 ".pytest_cache", "*.egg-info")
TIMEOUT = 900  # seconds per mutation: a bound for a hung run, not a speed target


def copy_of_repository(target: Path) -> Path:
    shutil.copytree(ROOT, target, ignore=IGNORED, symlinks=True)
    node = ROOT / ".node"
    if node.is_dir():  # node-quickbooks installed by .ci/run: shared, not copied
        (target / ".node").symlink_to(node, target_is_directory=True)
    return target


def environment(copy: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QBO_THOROUGH", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(copy), os.environ.get("PYTHONPATH")]))
    return env


def apply(copy: Path, mutation: Mutation) -> None:
    path = copy / mutation.path
    text = path.read_text(encoding="utf-8")
    found = text.count(mutation.old)
    assert found == mutation.count, (f"{mutation.name}: {mutation.path} holds the code to break {found} times, "
                                     f"expected {mutation.count} (update tests/reliability/mutations.py)")
    path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_each_named_bug_is_caught_by_its_test(mutation: Mutation, tmp_path: Path, profile: Profile,
                                              figures: Figures) -> None:
    if profile.name != "thorough":
        pytest.skip("the mutation check runs in the thorough profile (--reliability-thorough or QBO_THOROUGH=1)")
    copy = copy_of_repository(tmp_path / "repo")
    env = environment(copy)
    where = subprocess.run([sys.executable, "-c", "import simulator, sync_client; print(simulator.__file__); "
                            "print(sync_client.__file__)"], cwd=copy, env=env, capture_output=True, text=True,
                           check=True)
    assert all(line.startswith(str(copy)) for line in where.stdout.split()), where.stdout  # the copy is tested
    apply(copy, mutation)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider",
                           *mutation.tests], cwd=copy, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    output = done.stdout + done.stderr
    assert done.returncode == 1, f"{mutation.name}: exit {done.returncode}\n{output[-4000:]}"
    for test in mutation.tests:
        assert f"FAILED {test}" in output, f"{mutation.name}: {test} did not fail\n{output[-4000:]}"
    figures.record("mutations", **{mutation.name: "caught by " + ", ".join(t.split("::")[-1].split("/")[-1]
                                                                           for t in mutation.tests)})
