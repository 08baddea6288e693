"""pytest plugin: ``@needs:<capability>`` tags, and scenarios *not applicable* to the gate's driver.

A scenario (or its feature) tagged ``@needs:clock`` needs a driver with the ``clock`` capability
(:data:`drivers.protocol.CAPABILITIES`). Run against a driver without it, the scenario does not run:
it is reported as ``not applicable`` with the reason (never as passed), and the coverage table counts a
case only by scenarios that ran. A capability name the protocol does not know stops collection with the
known names, so a typo cannot silently make a scenario inapplicable.
"""

from __future__ import annotations

import difflib
from typing import Any

import pytest

from drivers.protocol import CAPABILITIES

__all__ = ["NEEDS_PREFIX", "NOT_APPLICABLE", "not_applicable_reason"]

NEEDS_PREFIX = "needs:"
#: the skip reason's prefix the collector turns into the ``not applicable`` outcome
NOT_APPLICABLE = "not applicable: "


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(capability): the scenario needs a driver with this capability")


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: Any) -> bool | None:
    if not tag.startswith(NEEDS_PREFIX):
        return None
    capability = tag[len(NEEDS_PREFIX):]
    if capability not in CAPABILITIES:
        close = difflib.get_close_matches(capability, list(CAPABILITIES), n=1)
        hint = f" Did you mean @needs:{close[0]}?" if close else ""
        raise ValueError(f"unknown capability in tag @{tag}.{hint} Known capabilities: {', '.join(CAPABILITIES)}")
    pytest.mark.needs(capability)(function)
    return True


def not_applicable_reason(driver_name: str, capabilities: frozenset[str], needed: list[str]) -> str | None:
    """Why a scenario needing ``needed`` cannot run on this driver, or None when it can."""
    missing = [name for name in needed if name not in capabilities]
    if not missing:
        return None
    return (f"{NOT_APPLICABLE}the driver {driver_name} lacks the capability "
            + ", ".join(f"{name} ({CAPABILITIES[name]})" for name in missing))


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    """Before a scenario that needs capabilities runs: is it applicable to the gate's driver? (After
    :mod:`harness.bdd` has started the scenario's record, so an inapplicable scenario keeps its feature,
    tags and steps in the reports.)"""
    needed = [mark.args[0] for mark in request.node.iter_markers("needs")]
    if not needed:
        return
    from harness.collector import DRIVER_KEY  # (the collector imports this module)

    driver = request.getfixturevalue("caspen_driver")
    request.node.user_properties.append((DRIVER_KEY, driver.name))
    reason = not_applicable_reason(driver.name, driver.capabilities, needed)
    if reason:
        from harness.bdd import pytest_bdd_after_scenario as keep_record

        keep_record(request, feature, scenario)  # every step stays "skipped"
        pytest.skip(reason)
