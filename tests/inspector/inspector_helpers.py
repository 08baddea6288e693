"""Helpers shared by the inspector tests (imported by conftest and tests)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

AU, US = "9341452700000001", "9341452700000002"  # the default demo companies


def page(client: FlaskClient, url: str, status: int = 200, **kwargs: Any) -> str:
    """GET an inspector page, check its status and that it is HTML, return the text."""
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> str:
    """POST a form, check it answers 303 to an inspector page, return that Location."""
    response = client.post(url, data=data or {}, **kwargs)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert location.startswith("/_sim/ui"), location
    return location
