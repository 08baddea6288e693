"""The inspector's actions (POST, answered with a 303 back to a page and a notice).

Each is one call into backends, user actions or the scenario loader, as in the control API. A
refused action (unknown tax code, clashing DocNumber, invalid rule ...) comes back as an error
notice naming what is wrong, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from simulator import user_actions
from simulator.faultplan import RuleError
from simulator.faults import QBOFault
from simulator.views.inspector import back as _back
from simulator.views.inspector import company_or_404, go, sim

REFUSALS = (user_actions.ActionError, RuleError, ValueError, QBOFault)
UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def _attempt(default: str, action: Callable[[], str]) -> Response:
    """Run ``action`` (returns the success notice); a refusal becomes an error notice."""
    try:
        message = action()
    except REFUSALS as exc:
        text = f"{exc.code} {exc.message}: {exc.detail}" if isinstance(exc, QBOFault) else str(exc)
        return _back(default, error=text)
    return _back(default, ok=message)


def _form(name: str, *, required: bool = True) -> str:
    value = request.form.get(name, "").strip()
    if required and not value:
        raise ValueError(f"fill in {name.replace('_', ' ')}")
    return value


def register(bp: Blueprint) -> None:  # noqa: C901 - a flat list of routes reads best
    # -- simulator-wide --------------------------------------------------------------------------
    @bp.post("/scenarios")
    def load_scenario() -> Response:
        from simulator.scenario import ScenarioError
        from simulator.scenario import load_scenario as load

        name = request.form.get("name", "").strip()
        if not name:
            return _back(go("companies"), error="choose a scenario to load")
        try:
            loaded = load(sim(), name)
        except ScenarioError as exc:
            return _back(go("companies"), error=str(exc))
        realms = list(loaded["companies"].values())
        message = (f"Loaded scenario {name}: {len(realms)} compan{'y' if len(realms) == 1 else 'ies'}"
                   f" ({', '.join(realms) or 'none'}), {len(loaded['faults'])} fault rule(s)")
        target = go("company", realm_id=realms[0]) if len(realms) == 1 else go("companies")
        return _back(target, ok=message, follow_next=False)  # show the new company, not the form's page

    @bp.post("/reset")
    def reset_all() -> Response:
        sim().reset()
        return _back(go("companies"), ok="The simulator is back to its configuration (companies, clock, "
                                         "tokens, journal and fault plan)")

    @bp.post("/clock/advance")
    def advance_clock() -> Response:
        def advance() -> str:
            unit = request.form.get("unit", "hours")
            if unit not in UNITS:
                raise ValueError(f"unit must be one of {', '.join(UNITS)}")
            try:
                amount = float(_form("amount"))
            except ValueError:
                raise ValueError("the amount must be a number") from None
            seconds = amount * UNITS[unit]
            if not 0 < seconds <= 100 * 366 * 86400:  # as the control API: positive, finite, ≤ 100 years
                raise ValueError("advance by a positive amount of at most 100 years")
            sim().clock.advance(seconds)
            return f"Advanced the clock by {amount:g} {unit}; it is now {sim().clock.now().isoformat(timespec='seconds')}"
        return _attempt(go("companies"), advance)

    @bp.post("/journal/clear")
    def clear_journal() -> Response:
        realm_id = request.form.get("realm_id") or None
        sim().journal.clear(realm_id)
        return _back(go("journal"), ok=f"Cleared the journal{' of ' + realm_id if realm_id else ''}")

    # -- one company -----------------------------------------------------------------------------
    @bp.post("/companies/<realm_id>/reset")
    def reset_company(realm_id: str) -> Response:
        company_or_404(realm_id)
        sim().reset(realm_id)
        return _back(go("company", realm_id=realm_id),
                     ok=f"Company {realm_id} is back to how it was created (its journal and fault rules cleared)")

    @bp.post("/companies/<realm_id>/renumber")
    def renumber(realm_id: str) -> Response:
        target = company_or_404(realm_id)

        def act() -> str:
            old, new = _form("doc_number"), _form("new_doc_number")
            record = user_actions.renumber(target, old, new, entity=request.form.get("entity") or None)
            return f"Renumbered {old} to {record['DocNumber']} (Id {record['Id']}, SyncToken {record['SyncToken']})"
        return _attempt(go("invoices", realm_id=realm_id), act)

    @bp.post("/companies/<realm_id>/tax-codes/<code_id>/<state>")
    def tax_code_state(realm_id: str, code_id: str, state: str) -> Response:
        target = company_or_404(realm_id)

        def act() -> str:
            if state not in ("activate", "deactivate"):
                raise ValueError("a tax code can be activated or deactivated")
            record = user_actions.set_tax_code_active(target, code_id, state == "activate")
            return f"Tax code {record.get('Name', code_id)} is now {'active' if record.get('Active') else 'inactive'}"
        return _attempt(go("tax", realm_id=realm_id), act)

    @bp.post("/companies/<realm_id>/settings")
    def setting(realm_id: str) -> Response:
        target = company_or_404(realm_id)

        def act() -> str:
            name, value = _form("name"), request.form.get("value", "")
            if not isinstance(target.settings.get(name), bool):
                raise ValueError(f"only on/off settings can be switched here, not {name!r}")
            user_actions.set_setting(target, name, value == "on")
            return f"Setting {name} is now {'on' if value == 'on' else 'off'}"
        return _attempt(go("company", realm_id=realm_id), act)

    @bp.post("/companies/<realm_id>/tokens/<what>")
    def tokens(realm_id: str, what: str) -> Response:
        company_or_404(realm_id)

        def act() -> str:
            oauth = sim().oauth
            if what == "expire-access":
                return f"Expired {oauth.expire_access_tokens(realm_id)} access token(s)"
            if what == "expire-refresh":
                return f"Expired {oauth.expire_refresh_tokens(realm_id)} refresh token(s)"
            if what == "revoke":
                return f"Revoked {oauth.revoke_realm(realm_id)} connection(s)"
            raise ValueError(f"unknown token action {what!r}")
        return _attempt(go("company", realm_id=realm_id), act)

    # -- fault plan ------------------------------------------------------------------------------
    @bp.post("/faults")
    def add_rule() -> Response:
        def act() -> str:
            rule = sim().faultplan.add(**_rule_spec())
            what = rule.fault if rule.action == "fault" else rule.action
            return f"Added {rule.id}: {what}" + (f" ×{rule.times}" if rule.times is not None else " (until removed)")
        return _attempt(go("faults"), act)

    @bp.post("/faults/<rule_id>/remove")
    def remove_rule(rule_id: str) -> Response:
        if sim().faultplan.remove(rule_id):
            return _back(go("faults"), ok=f"Removed {rule_id}")
        return _back(go("faults"), error=f"There is no fault rule {rule_id!r} (already removed?)")

    @bp.post("/faults/clear")
    def clear_rules() -> Response:
        sim().faultplan.clear(request.form.get("realm_id") or None)
        return _back(go("faults"), ok="Removed every fault rule")


def _rule_spec() -> dict[str, Any]:
    """A fault-plan rule from the add form; empty fields are left out (they match anything)."""
    form = request.form
    spec: dict[str, Any] = {"action": form.get("action", "fault")}
    if spec["action"] == "fault":
        spec["fault"] = _form("fault")
    realm_id = form.get("realm_id", "").strip()
    if realm_id:
        company_or_404(realm_id)
        spec["realm_id"] = realm_id
    for name in ("method", "path", "entity", "operation", "when"):
        value = form.get(name, "").strip()
        if value:
            spec[name] = value
    for name in ("times", "skip"):
        value = form.get(name, "").strip()
        if value:
            if not value.isdigit():
                raise ValueError(f"{name} must be a whole number")
            spec[name] = int(value)
    for name in ("latency_ms", "seconds"):
        value = form.get(name, "").strip()
        if value:
            try:
                spec[name] = float(value)
            except ValueError:
                raise ValueError(f"{name} must be a number") from None
    spec["body"] = _pairs(form.get("body", ""), "body matcher")
    if form.get("params", "").strip():
        spec["params"] = _pairs(form.get("params", ""), "fault parameters")
    return spec


def _pairs(text: str, what: str) -> dict[str, str]:
    """``key=value`` lines (or ``;``-separated) into a dict."""
    out = {}
    for part in text.replace(";", "\n").splitlines():
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{what}: write one key=value per line, not {part.strip()!r}")
        out[key.strip()] = value.strip()
    return out
