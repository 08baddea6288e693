"""The simulator against its own OpenAPI document: every route fuzzed, every answer checked.

``test_contract`` runs once per documented operation (schemathesis subtests) with fresh simulator state
per generated case. ``test_invoice_lifecycle`` walks OpenAPI links: create → read → sparse update with the
returned SyncToken → void → delete. Checks and their QBO-specific tuning live in ``schemathesis.toml``;
``--thorough`` is the long run (tests/contract/conftest.py, figures in docs/openapi.md).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import settings

from simulator.openapi import DEFAULT_REALMS

from .fuzzing import ContractSimulator, Stats, load_schema


@pytest.fixture
def api_schema(contract_sim: ContractSimulator, profile: dict[str, Any]) -> Any:
    return load_schema(contract_sim, profile)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.heavy
@schema.parametrize()
def test_contract(case: Any, contract_sim: ContractSimulator, contract_stats: Stats) -> None:
    contract_sim.fresh()  # fresh state per case: what one case does never leaks into the next
    try:
        case.call_and_validate()
    except BaseException as error:
        contract_stats.failed(case.operation.label, error)
        raise


def _lifecycle_step(case: Any) -> str | None:
    """Which invoice lifecycle step a successful call was."""
    label = case.operation.label
    if label.endswith("/invoice/{entityId}") and case.method == "GET":
        return "read"
    if label.endswith("/invoice") and case.method == "POST":
        operation = (case.query or {}).get("operation")
        body = case.body if isinstance(case.body, dict) else {}
        if operation:
            return str(operation)
        return "update" if body.get("Id") else "create"
    return None


@pytest.mark.heavy
def test_invoice_lifecycle(
    contract_sim: ContractSimulator, contract_stats: Stats, profile: dict[str, Any]
) -> None:
    """Stateful: sequences follow the document's links on the invoice operations."""
    api = load_schema(contract_sim, profile).include(operation_id=["writeInvoice", "readInvoice"])
    # schema-valid steps only: the point is the lifecycle (the per-operation test above does negative data)
    api.config.generation.update(modes=["positive"])
    api.config.phases.stateful.generation.update(modes=["positive"])
    seen: Counter[str] = Counter()

    class InvoiceLifecycle(api.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            contract_sim.fresh()  # fresh companies per scenario; steps within it share state

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            step = _lifecycle_step(case)
            if (
                step
                and response.status_code == 200
                and (case.path_parameters or {}).get("realmId") in DEFAULT_REALMS
            ):
                seen[step] += 1

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            try:
                super().validate_response(response, case, *args, **kwargs)
            except BaseException as error:
                contract_stats.failed(f"stateful {case.operation.label}", error)
                raise

    InvoiceLifecycle.run(
        settings=settings(
            max_examples=profile["stateful_examples"],
            stateful_step_count=profile["stateful_steps"],
            deadline=None,
            database=None,
            derandomize=not profile["max_examples"],
        )
    )
    contract_stats.lifecycle.update(seen)
    # Which steps random generation reaches depends on Hypothesis' seed pool (it mines literals from every
    # loaded module, so it changes with the plugins and test files a run loads: the quick profile's scenarios,
    # 50 then and 25 now (issue 16), reached update in the whole suite and once missed it with tests/contract
    # alone). The thorough profile's 150 scenarios reach every step (void 13, delete 22 in the run
    # docs/openapi.md quotes) and must; in the quick profile the full chain (sparse update with the returned
    # SyncToken included) is proven deterministically by test_documented_links_walk_the_lifecycle.
    required = {"create", "read"}
    if profile["max_examples"]:  # thorough
        required |= {"update", "void", "delete"}
    assert required <= set(seen), dict(seen)


def _resolve(expression: Any, request_path: dict[str, str], body: dict[str, Any]) -> Any:
    """An OpenAPI runtime expression (``$request.path.x``, ``$response.body#/a/b``) or a literal."""
    if isinstance(expression, dict):
        return {key: _resolve(value, request_path, body) for key, value in expression.items()}
    if not isinstance(expression, str) or not expression.startswith("$"):
        return expression
    if expression.startswith("$request.path."):
        return request_path[expression.removeprefix("$request.path.")]
    pointer = expression.removeprefix("$response.body#")
    value: Any = body
    for part in pointer.strip("/").split("/"):
        value = value[part]
    return value


def test_documented_links_walk_the_lifecycle(contract_sim: ContractSimulator) -> None:
    """Follow the document's own links from an invoice create: read, sparse update, void, delete all succeed."""
    contract_sim.fresh()
    client = contract_sim.app.test_client()
    realm = DEFAULT_REALMS[0]
    headers = {"Authorization": f"Bearer {contract_sim.token_for(realm)}", "Accept": "application/json"}
    document = client.get("/openapi.json").get_json()
    operations = {op["operationId"]: (path, method) for path, item in document["paths"].items()
                  for method, op in item.items() if isinstance(op, dict) and "operationId" in op}
    path, _ = operations["writeInvoice"]
    created = client.post(path.replace("{realmId}", realm), headers=headers, json={
        "CustomerRef": {"value": "1"}, "DocNumber": "LINK-1",
        "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 10,
                  "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]})
    assert created.status_code == 200, created.get_data(as_text=True)
    links = document["paths"][path]["post"]["responses"]["200"]["links"]
    body, request_path = created.get_json(), {"realmId": realm}
    for name in ("ReadInvoice", "SparseUpdateInvoice", "VoidInvoice", "DeleteInvoice"):
        link = links[name]
        target_path, method = operations[link["operationId"]]
        params = _resolve(link["parameters"], request_path, body)
        url = target_path
        query = {}
        for key, value in params.items():
            if key.startswith("query."):
                query[key.removeprefix("query.")] = value
            else:
                url = url.replace("{" + key + "}", str(value))
        payload = _resolve(link.get("requestBody"), request_path, body)
        answer = client.open(url, method=method.upper(), headers=headers, query_string=query, json=payload)
        assert answer.status_code == 200, f"{name}: {answer.status_code} {answer.get_data(as_text=True)[:300]}"
        if name != "ReadInvoice" and "Invoice" in answer.get_json():
            body = answer.get_json()  # the next step uses the SyncToken this one returned
    assert client.get(f"/v3/company/{realm}/invoice/{body['Invoice']['Id']}", headers=headers).status_code == 400
