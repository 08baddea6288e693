"""Settings → Integrations → QuickBooks: connecting, tokens over time, disconnecting."""

from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, parsers, then, when

from steps.world import REGIONS, World


@given("a Caspen account connected to an Australian QuickBooks company")
def _(world: World) -> None:
    """A fresh Australian QuickBooks company (GST, GST free, custom invoice numbers with the duplicate
    warning), and a Caspen account connected to it with GST and GST free linked.

    Example: Given a Caspen account connected to an Australian QuickBooks company
    """
    world.open_account("Australia").connect()
    world.link_default_rates()


@given(parsers.parse("a Caspen account connected to a QuickBooks company in {region}"))
def _(world: World, region: str) -> None:
    """Like the Australian one, for another region: Australia, United Kingdom or Canada.

    Example: Given a Caspen account connected to a QuickBooks company in United Kingdom
    """
    if region not in REGIONS:
        raise AssertionError(f"unknown region {region!r}; use one of {', '.join(REGIONS)}")
    world.open_account(region).connect()
    world.link_default_rates()


@given(parsers.parse('a Caspen account connected to the QuickBooks company of the "{scenario}" scenario'))
def _(world: World, scenario: str) -> None:
    """A company set up by a bundled scenario (scenarios/<name>.toml; its "main" company), connected.

    Example: Given a Caspen account connected to the QuickBooks company of the "duplicate-document-number" scenario
    """
    world.use_scenario(scenario).connect()
    world.link_default_rates()


@given("a Caspen account with an Australian QuickBooks company that is not yet connected")
def _(world: World) -> None:
    """The company exists but Caspen has not connected yet: invoices made now are historical.

    Example: Given a Caspen account with an Australian QuickBooks company that is not yet connected
    """
    world.open_account("Australia")


@given("the account connects to QuickBooks")
@when("the account connects to QuickBooks")
def _(world: World) -> None:
    """The OAuth authorization-code flow, approving the scenario's company; then the tax rates are linked.

    Example: And the account connects to QuickBooks
    """
    world.pass_time(timedelta(minutes=1))  # later than anything created before connecting
    world.caspen.connect()
    world.link_default_rates()


@given("the QuickBooks connection has been revoked")
def _(world: World) -> None:
    """Someone disconnected Caspen from inside QuickBooks: refreshing now answers invalid_grant.

    Example: Given the QuickBooks connection has been revoked
    """
    world.sim.revoke(world.realm)


@given("Caspen's access token has expired")
def _(world: World) -> None:
    """QuickBooks no longer accepts Caspen's access token (it expired), so the next call must refresh:
    QuickBooks answers 401 and Caspen refreshes once. Needs no clock in Caspen.

    Example: And Caspen's access token has expired
    """
    world.sim.expire_access_tokens(world.realm)


@given("an hour passes")
def _(world: World) -> None:
    """Both Caspen's and QuickBooks' clocks move on an hour (the access token expires).

    Example: Given an hour passes
    """
    world.pass_time(timedelta(hours=1, seconds=1))


@given(parsers.parse("{days:d} days pass"))
def _(world: World, days: int) -> None:
    """Time passes for Caspen and QuickBooks (refresh tokens rotate after 24 hours).

    Example: Given 2 days pass
    """
    world.pass_time(timedelta(days=days))


@given(parsers.parse("{days:d} days pass without Caspen talking to QuickBooks"))
def _(world: World, days: int) -> None:
    """Idle time: after 100 days unused, QuickBooks expires the refresh token.

    Example: Given 101 days pass without Caspen talking to QuickBooks
    """
    world.pass_time(timedelta(days=days))


@when("I disconnect and reconnect QuickBooks in Settings")
def _(world: World) -> None:
    """Settings → Integrations → QuickBooks: Disconnect, then Connect again (a fresh authorization).

    Example: When I disconnect and reconnect QuickBooks in Settings
    """
    world.caspen.disconnect()
    world.caspen.connect()


@then("the QuickBooks connection is marked expired")
def _(world: World) -> None:
    """Example: And the QuickBooks connection is marked expired"""
    state = world.caspen.connection_state()
    assert state == "expired", f"expected Caspen's QuickBooks connection to be marked expired; it is {state}"


@then("Caspen made no further calls to QuickBooks")
def _(world: World) -> None:
    """No API or token request since the last invoice was finalized: no retry storm.

    Example: And Caspen made no further calls to QuickBooks
    """
    calls = world.calls_since_mark()
    assert calls == [], "expected no further call to QuickBooks; it received: " + \
        "; ".join(f"{c['method']} {c['path']} ({c['status']})" for c in calls)
