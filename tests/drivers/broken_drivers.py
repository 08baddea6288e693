"""Deliberately broken drivers for the tests: an operation missing, an operation crashing, another
protocol version (a foreign server answering only the handshake)."""

from __future__ import annotations

from flask import Flask

from drivers.reference import ReferenceDriver


class NoVoid(ReferenceDriver):
    """A driver whose integration cannot void yet."""

    name = "no-void"
    void = None  # type: ignore[assignment]


class Crashing(ReferenceDriver):
    name = "crashing"

    def totals(self, number: str):  # type: ignore[no-untyped-def]
        raise RuntimeError("totals page timed out")


def foreign_driver(version: str = "2.0", body: object = None) -> Flask:
    app = Flask("foreign")

    @app.get("/v1/driver")
    def handshake():  # type: ignore[no-untyped-def]
        return body if body is not None else {"name": "caspen-next", "protocol_version": version,
                                              "capabilities": [], "operations": ["finalize"]}

    return app
