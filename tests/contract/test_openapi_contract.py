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
    assert {"create", "read", "update", "void", "delete"} <= set(seen), dict(seen)
