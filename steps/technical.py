"""Technical steps for developers: make QuickBooks fail on purpose (the simulator's fault plan).

Kept apart and named plainly so business scenarios stay in business language.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from steps.world import World

FAILURES = {
    "throttling": {"action": "fault", "fault": "Throttled"},
    "an outage page": {"action": "fault", "fault": "ServiceUnavailable"},
    "a dropped connection after saving": {"action": "drop", "when": "after"},
    "a timeout": {"action": "timeout", "seconds": 15},
}


@given(parsers.parse("QuickBooks answers the next invoice create with {failure}"))
def _(world: World, failure: str) -> None:
    """One failure on the next invoice create: throttling, an outage page, a dropped connection after
    saving, a timeout.

    Example: Given QuickBooks answers the next invoice create with throttling
    """
    if failure not in FAILURES:
        raise AssertionError(f"failure is one of: {', '.join(FAILURES)}")
    world.sim.add_fault(realm_id=world.realm, entity="Invoice", operation="create", times=1, **FAILURES[failure])


@given(parsers.parse("QuickBooks answers every invoice create with {failure}"))
def _(world: World, failure: str) -> None:
    """A lasting failure: every invoice create fails that way until QuickBooks recovers (e.g. an outage).

    Example: Given QuickBooks answers every invoice create with an outage page
    """
    if failure not in FAILURES:
        raise AssertionError(f"failure is one of: {', '.join(FAILURES)}")
    world.sim.add_fault(realm_id=world.realm, entity="Invoice", operation="create", **FAILURES[failure])


@given("QuickBooks fails every invoice create with a system failure")
def _(world: World) -> None:
    """A 500 SystemFault (10000) on every invoice create, until QuickBooks recovers.

    Example: Given QuickBooks fails every invoice create with a system failure
    """
    world.sim.add_fault("SystemFailure", realm_id=world.realm, entity="Invoice", operation="create",
                        params={"reason": "An unexpected error occurred while saving the invoice."})


@when("QuickBooks recovers")
def _(world: World) -> None:
    """Every injected failure for this company stops.

    Example: When QuickBooks recovers
    """
    world.sim.clear_faults(world.realm)
