"""schemathesis' own CLI, unmodified, against the document as ``qbo-sim serve`` serves it.

``st run <base>/openapi.json`` is what a user types: no hooks, no custom serializers (the in-process tests
in this folder register some; this one must not need them). It runs from the repository root, so it reads
``schemathesis.toml`` like a user's run there would, with a small bounded example count. It must finish
with exit code 0: every operation tested, no serialization error (``POST /query`` also accepts
``application/text``, which schemathesis cannot encode), no server error, no response outside the document,
and no ``.schemathesis/`` folder left in the repository.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.served import served_simulator

ROOT = Path(__file__).resolve().parents[2]
#: one generated example per operation (plus the document's own examples): the point is that the stock CLI works
#: on the served document, not coverage (tests/contract/test_openapi_contract.py fuzzes every operation in-process);
#: an example of a media type it cannot encode still fails it at 1 (the examples phase sends every example)
MAX_EXAMPLES = 1
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
ACCOUNTING = "^/v3/company/"
TIMEOUT = 600  # seconds; a bound for a hung run on a loaded machine, not a speed target


def st_command() -> list[str]:
    script = Path(sys.executable).with_name("st")
    return [str(script)] if script.exists() else [sys.executable, "-m", "schemathesis.cli"]


def with_realm(realm: str) -> str:
    """The repository's ``schemathesis.toml`` with every ``realmId`` set to the served company, as a user pointing
    st at their simulator would: a generated realm id is not the token's, so QBO's gateway answers 401/403
    before any handler runs and a server error there could never show."""
    return (ROOT / "schemathesis.toml").read_text(encoding="utf-8") + f'\n[parameters]\n"path.realmId" = "{realm}"\n'


def st_run(served: Any, config: Path, token: str, *selection: str) -> tuple[int, str]:
    done = subprocess.run(
        [*st_command(), "--config-file", str(config), "run", f"{served.base_url}/openapi.json",
         "--max-examples", str(MAX_EXAMPLES), "--phases", "examples,fuzzing",
         "--header", f"Authorization: Bearer {token}", "--no-color", *selection],
        cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    return done.returncode, (done.stdout + done.stderr).replace(token, "<access token>")  # curl lines show it


@pytest.mark.heavy
def test_stock_st_run_passes_on_the_served_document(tmp_path: Path) -> None:
    """Two runs: the Accounting API first, with a token for the served company (the control API's own
    operations, fuzzed, reset the simulator and revoke tokens, after which every accounting call is a 401), then
    every other operation."""
    cache = ROOT / ".schemathesis"
    cache_existed = cache.exists()
    with served_simulator(tmp_path) as served:
        realm = served.details["companies"][0]["realm_id"]
        token = served.sim.connect(realm)["access_token"]
        document = requests.get(f"{served.base_url}/openapi.json", timeout=30).json()
        operations = {path: sum(1 for method in item if method in HTTP_METHODS)
                      for path, item in document["paths"].items()}
        config = tmp_path / "schemathesis.toml"
        config.write_text(with_realm(realm), encoding="utf-8")
        accounting = st_run(served, config, token, "--include-path-regex", ACCOUNTING)
        others = st_run(served, config, token, "--exclude-path-regex", ACCOUNTING)
    accounting_operations = sum(n for path, n in operations.items() if re.match(ACCOUNTING, path))
    for (code, output), tested in ((accounting, accounting_operations),
                                   (others, sum(operations.values()) - accounting_operations)):
        assert code == 0, output[-6000:]
        assert "Serialization not possible" not in output and "No supported serializers" not in output
        assert f"Tested: {tested}" in output, output[-3000:]  # every operation of the served document
        assert "5xx" not in output and "Server error" not in output
    assert "returned only 401/403" not in accounting[1], accounting[1][-3000:]  # the handlers were reached
    assert cache_existed or not cache.exists(), "st run left .schemathesis/ in the repository root"
