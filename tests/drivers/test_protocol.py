"""The driver protocol itself: its values' JSON forms, its operation list, the seam's direction, the errors."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from drivers import model
from drivers.codec import CodecError, decode, encode, schema
from drivers.loader import CheckedDriver, DriverSpecError, load_driver
from drivers.openapi import openapi_document
from drivers.protocol import CAPABILITIES, LIFECYCLE, NEEDS, OPERATIONS, CaspenDriver, DriverError
from drivers.reference import ReferenceDriver

ROOT = Path(__file__).resolve().parents[2]

CARD = model.StatusCard(document_number="INV0042", state="failed", title="Duplicate document number",
                        retry_available=True, message="Duplicate Document Number Error", detail="DocNumber=INV0042",
                        code="6140", intuit_tid="1-abc", attempted_at=datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
                        error_text="Duplicate Document Number Error\nDocNumber=INV0042", support_details="…")
DOCUMENT = model.Document(number="INV0001", kind="invoice", status="draft", client_id="4200042",
                          lines=(model.LineSpec("Call-out", Decimal("1"), Decimal("95.00"), tax_rate="GST"),),
                          discount=model.Discount("percent", Decimal("10")))


@pytest.mark.parametrize("value", [CARD, DOCUMENT, model.Totals(Decimal("95.00"), Decimal("0"), Decimal("9.50"),
                                                                   Decimal("104.50")),
                                   model.PaymentImport((model.ImportedPayment("7", "INV0001", Decimal("220.00")),),
                                                       ("8",))])
def test_every_value_round_trips_through_json_and_matches_its_schema(value: object) -> None:
    data = encode(value)
    assert decode(type(value), data) == value
    definitions: dict = {}
    root = schema(type(value), definitions)
    document = {"components": {"schemas": definitions}, **root}
    jsonschema.Draft202012Validator(document).validate(data)


def test_money_travels_as_decimal_strings_and_bad_json_names_the_field() -> None:
    assert encode(model.Totals(Decimal("1"), Decimal("0"), Decimal("0.10"), Decimal("1.10")))["total"] == "1.10"
    with pytest.raises(CodecError, match=r"value\.lines\[0\]\.unit_price: expected a decimal string"):
        decode(model.Document, {**encode(DOCUMENT), "lines": [{**encode(DOCUMENT.lines[0]), "unit_price": 95.0}]})
    with pytest.raises(CodecError, match=r"value: unknown field\(s\) \['colour'\] for Client"):
        decode(model.Client, {"id": "1", "full_name": "Jo", "colour": "red"})
    with pytest.raises(CodecError, match="has no time zone offset"):
        decode(model.StatusCard, {**encode(CARD), "attempted_at": "2026-11-29T09:00:00"})


def test_the_operation_list_is_the_protocol_and_covers_every_call_the_steps_make() -> None:
    assert set(OPERATIONS) == {name for name, _ in inspect.getmembers(CaspenDriver, inspect.isfunction)
                               if not name.startswith("_")}
    assert set(NEEDS.values()) <= set(CAPABILITIES) and set(NEEDS) <= set(OPERATIONS)
    called = set()
    for path in (ROOT / "steps").glob("*.py"):
        called |= set(re.findall(r"world\.(?:caspen|driver)\.(\w+)\(", path.read_text()))
        called |= set(re.findall(r"self\.(?:caspen|driver)\.(\w+)\(", path.read_text()))
    assert called and called <= set(OPERATIONS), called - set(OPERATIONS)
    for operation in OPERATIONS.values():  # every parameter and result has a JSON form
        for _, tp, _ in operation.parameters:
            schema(tp, {})
        schema(operation.returns, {})
        assert operation.doc, operation.name


def _imports(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add((str(path.relative_to(ROOT)), node.module.split(".")[0]))
            elif isinstance(node, ast.Import):
                found |= {(str(path.relative_to(ROOT)), alias.name.split(".")[0]) for alias in node.names}
    return found


def test_the_house_scenarios_to_protocol_to_drivers() -> None:
    """steps never import sync_client; sync_client imports no steps, drivers or harness; only the reference
    driver imports sync_client, and the HTTP server and client do not."""
    assert [f for f, m in _imports("steps") if m == "sync_client"] == []
    assert [(f, m) for f, m in _imports("sync_client") if m in ("steps", "drivers", "harness")] == []
    assert {f for f, m in _imports("drivers") if m == "sync_client"} == {"drivers/reference.py"}
    assert [f for f, m in _imports("harness") if m == "sync_client"] == []


def test_the_openapi_document_has_a_route_per_operation_with_its_schemas() -> None:
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    for name, operation in OPERATIONS.items():
        if name in LIFECYCLE:
            continue
        route = document["paths"][f"/v1/runs/{{run}}/accounts/{{account}}/{name}"]["post"]
        body = route["requestBody"]["content"]["application/json"]["schema"]
        assert set(body["properties"]) == {p for p, _, _ in operation.parameters}
        assert {"200", "400", "404", "422", "500"} <= set(route["responses"])
    assert {"/v1/driver", "/v1/runs", "/v1/runs/{run}", "/v1/runs/{run}/accounts",
            "/v1/runs/{run}/accounts/{account}"} <= set(document["paths"])
    refs = set(re.findall(r'"#/components/schemas/(\w+)"', str(document).replace("'", '"')))
    assert refs <= set(document["components"]["schemas"])


class HalfDriver:
    """A user's driver that implements little and fails on its own."""

    name = "half"
    capabilities = frozenset({"clock"})

    def connection_state(self) -> str:
        raise RuntimeError("the Connect page did not load")


def test_a_python_driver_lacking_an_operation_or_failing_gets_errors_naming_driver_and_operation() -> None:
    driver = CheckedDriver(HalfDriver())
    with pytest.raises(DriverError, match=r'^driver half: operation "finalize" is not implemented: half has no '
                                          r"method finalize\(\)$") as missing:
        driver.finalize("INV0001")
    assert (missing.value.kind, missing.value.operation) == ("unsupported", "finalize")
    with pytest.raises(DriverError, match=r'driver half: operation "connection_state" failed: RuntimeError: the '
                                          "Connect page did not load"):
        driver.connection_state()
    with pytest.raises(AttributeError, match="not an operation of the driver protocol"):
        driver.sync_everything  # noqa: B018 - a step calling something that is not in the protocol


def test_driver_specs_resolve_or_say_which_forms_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "qa_half_driver.py").write_text("class HalfDriver:\n    name = 'half'\n"
                                                "    capabilities = frozenset({'clock'})\n")
    monkeypatch.chdir(tmp_path)  # a QA repository's driver module, found from the folder the gate runs in
    monkeypatch.setattr("sys.path", list(__import__("sys").path))
    assert isinstance(load_driver(None).wrapped, ReferenceDriver)
    assert load_driver("qa_half_driver:HalfDriver").name == "half"
    for bad, message in (("nonsense", "is not a driver; use reference, http://HOST:PORT or package.module:"),
                         ("no_such_module:X", "cannot import 'no_such_module'"),
                         ("qa_half_driver:Missing", "has no class 'Missing'")):
        with pytest.raises(DriverSpecError, match=re.escape(message)):
            load_driver(bad)

    class Strange(HalfDriver):
        capabilities = frozenset({"time_travel"})

    with pytest.raises(DriverError, match=r"unknown capabilities \['time_travel'\]"):
        CheckedDriver(Strange())


def test_the_reference_driver_reports_caspen_refusing_as_refused() -> None:
    driver = ReferenceDriver()
    with pytest.raises(DriverError, match="no Caspen account is open"):
        driver.add_client("Jo")
    assert all(callable(getattr(driver, name)) for name in OPERATIONS)  # the reference implements everything
    assert driver.capabilities == frozenset(CAPABILITIES)
    assert dataclasses.is_dataclass(model.QuickBooksSite)
