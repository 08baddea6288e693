"""schemathesis' own CLI, unmodified, against the document as ``qbo-sim serve`` serves it.

``st run <base>/openapi.json`` is what a user types: no hooks, no custom serializers (the in-process tests
in this folder register some; this one must not need them). It runs from the repository root, so it reads
``schemathesis.toml`` like a user's run there would, with a small bounded example count. It must finish
with exit code 0: every operation tested, no serialization error (``POST /query`` also accepts
``application/text``, which schemathesis cannot encode), no server error, no response outside the document,
and no ``.schemathesis/`` folder left in the repository.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.served import served_simulator

ROOT = Path(__file__).resolve().parents[2]
#: one generated example per operation (plus the document's own examples): the point is that the stock CLI works
#: on the served document, not coverage (tests/contract/test_openapi_contract.py fuzzes every operation in-process);
#: an example of a media type it cannot encode still fails it at 1 (the examples phase sends every example)
MAX_EXAMPLES = 1
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
TIMEOUT = 600  # seconds; a bound for a hung run on a loaded machine, not a speed target


def st_command() -> list[str]:
    script = Path(sys.executable).with_name("st")
    return [str(script)] if script.exists() else [sys.executable, "-m", "schemathesis.cli"]


@pytest.mark.heavy
def test_stock_st_run_passes_on_the_served_document(tmp_path: Path) -> None:
    cache = ROOT / ".schemathesis"
    cache_existed = cache.exists()
    with served_simulator(tmp_path) as served:
        realm = served.details["companies"][0]["realm_id"]
        token = served.sim.connect(realm)["access_token"]
        document = requests.get(f"{served.base_url}/openapi.json", timeout=30).json()
        operations = sum(1 for item in document["paths"].values() for method in item if method in HTTP_METHODS)
        done = subprocess.run(
            [*st_command(), "run", f"{served.base_url}/openapi.json", "--max-examples", str(MAX_EXAMPLES),
             "--phases", "examples,fuzzing", "--header", f"Authorization: Bearer {token}", "--no-color"],
            cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    output = (done.stdout + done.stderr).replace(token, "<access token>")  # its curl lines name the header
    assert done.returncode == 0, output[-6000:]
    assert "Serialization not possible" not in output and "No supported serializers" not in output
    assert f"Tested: {operations}" in output, output[-3000:]  # every operation of the served document
    assert "5xx" not in output and "Server error" not in output
    assert cache_existed or not cache.exists(), "st run left .schemathesis/ in the repository root"
