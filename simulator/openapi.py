"""The simulator's OpenAPI 3.1 document. (Being written: see the OpenAPI work item.)"""

from __future__ import annotations

from typing import Any


def document(server_url: str) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "QuickBooks Online simulator", "version": "0.1.0"},
            "servers": [{"url": server_url}], "paths": {}}
