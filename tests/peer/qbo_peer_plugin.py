"""A pytest plugin that points an unmodified peer suite (python-quickbooks' ``tests/integration``) at a
running ``qbo-sim serve``: it only redirects the libraries' URLs and supplies the credentials.

Loaded with ``-p qbo_peer_plugin`` inside the peer folder's own pytest run (see ``test_peer_suite.py``).
``QBO_SIM_READY_FILE`` names the JSON the server wrote with ``--ready-file``; the first US company is
the one the suite runs against (it assumes a US sandbox company).

What is overridden, and nothing else (real-clients.md, "How the base URL is injected"):
* ``intuitlib.client.get_discovery_doc``: answers the simulator's discovery document for ``sandbox``;
* ``QuickBooks.sandbox_api_url_v3``: the simulator's ``/v3``;
* ``CLIENT_ID``/``CLIENT_SECRET``/``REFRESH_TOKEN``/``COMPANY_ID`` and ``OAUTHLIB_INSECURE_TRANSPORT``
  in the environment, as the suite's ``test_base.py`` reads them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import requests


def _ready() -> dict[str, Any]:
    path = os.environ.get("QBO_SIM_READY_FILE")
    if not path:
        raise RuntimeError("QBO_SIM_READY_FILE is not set: start `qbo-sim serve --ready-file F` and export it")
    return json.loads(Path(path).read_text(encoding="utf-8"))


def pytest_configure(config: Any) -> None:
    ready = _ready()
    us = next((c for c in ready["companies"] if c["country"] == "US"), None)
    if us is None:
        raise RuntimeError("the ready file lists no US company; serve the demo companies (no --scenario)")
    os.environ.update({"CLIENT_ID": ready["client_id"], "CLIENT_SECRET": ready["client_secret"],
                       "REFRESH_TOKEN": us["refresh_token"], "COMPANY_ID": us["realm_id"],
                       "OAUTHLIB_INSECURE_TRANSPORT": "1"})

    import intuitlib.client
    from quickbooks.client import QuickBooks

    discovery_url = ready["discovery_url"]

    def get_discovery_doc(environment: str, session: Any = None) -> dict[str, Any]:
        answer = requests.get(discovery_url, timeout=30)
        answer.raise_for_status()
        return answer.json()

    intuitlib.client.get_discovery_doc = get_discovery_doc
    QuickBooks.sandbox_api_url_v3 = ready["base_url"].rstrip("/") + "/v3"
