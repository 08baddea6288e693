"""Fixtures for the inspector: a fresh in-process app per test and its Flask test client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulator import create_app
from simulator.backends import Backends


@pytest.fixture
def app() -> Iterator[Flask]:
    app = create_app({"TESTING": True})
    yield app
    app.extensions["qbo_simulator"].webhooks.close()


@pytest.fixture
def sim(app: Flask) -> Backends:
    return app.extensions["qbo_simulator"]


@pytest.fixture
def ui(app: Flask) -> FlaskClient:
    return app.test_client()
