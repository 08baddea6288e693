"""The control API's routes; each is one or two calls into backends, user actions or scenarios."""

from __future__ import annotations

from flask import Blueprint, Response, request

from simulator import user_actions
from simulator.views.control import ControlError, body, catalogue, company, facts_from, field, ok, sim


def register(bp: Blueprint) -> None:  # noqa: C901 - a flat list of routes reads best
    @bp.get("/")
    def status() -> Response:
        return ok(sim().describe())

    @bp.post("/reset")
    def reset() -> Response:
        realm_id = field(body(), "realm_id", required=False)
        if realm_id is not None:
            company(realm_id)
        sim().reset(realm_id)
        return ok({"reset": realm_id or "all"})

    # -- companies ------------------------------------------------------------------------------
    @bp.get("/companies")
    def companies() -> Response:
        return ok({"companies": [c.describe() for c in sim().companies.values()]})

    @bp.post("/companies")
    def create_company() -> Response:
        data = body()
        created = sim().create_company(
            region=field(data, "region", required=False, default="AU"),
            realm_id=field(data, "realm_id", (str, int), required=False),
            name=field(data, "name", required=False),
            customers=field(data, "customers", int, required=False, default=3),
            custom_txn_numbers=field(data, "custom_txn_numbers", bool, required=False),
            seed=field(data, "seed", int, required=False),
            settings=field(data, "settings", dict, required=False))
        return ok(created.describe(), 201)

    @bp.get("/companies/<realm_id>")
    def get_company(realm_id: str) -> Response:
        target = company(realm_id)
        return ok({**target.describe(), "settings": target.settings,
                   "connections": sim().oauth.connections(realm_id),
                   "webhooks": sim().webhooks.describe(realm_id)})

    @bp.delete("/companies/<realm_id>")
    def delete_company(realm_id: str) -> Response:
        company(realm_id)
        sim().delete_company(realm_id)
        return ok({"deleted": realm_id})

    @bp.post("/companies/<realm_id>/reset")
    def reset_company(realm_id: str) -> Response:
        company(realm_id)
        sim().reset(realm_id)
        return ok({"reset": realm_id})

    @bp.post("/companies/<realm_id>/snapshots")
    def snapshot(realm_id: str) -> Response:
        company(realm_id)
        return ok({"snapshot_id": sim().snapshot(realm_id)}, 201)

    @bp.post("/snapshots/<snapshot_id>/restore")
    def restore(snapshot_id: str) -> Response:
        try:
            return ok({"restored": sim().restore(snapshot_id)})
        except KeyError:
            raise ControlError(404, "Not Found", f"no snapshot {snapshot_id!r}") from None

    @bp.get("/companies/<realm_id>/entities/<entity>")
    def list_entities(realm_id: str, entity: str) -> Response:
        target = company(realm_id)
        records = list(target.store(_entity(entity)))
        return ok({"entity": _entity(entity), "count": len(records), "records": records})

    @bp.get("/companies/<realm_id>/entities/<entity>/<entity_id>")
    def get_entity(realm_id: str, entity: str, entity_id: str) -> Response:
        target = company(realm_id)
        name = _entity(entity)
        record = target.store(name).get(entity_id)
        history = target.history.get((name, entity_id), [])
        if record is None and not history:
            raise ControlError(404, "Not Found", f"no {name} with Id {entity_id!r} in {realm_id}")
        return ok({"entity": name, "record": record, "deleted": target.was_deleted(name, entity_id),
                   "history": history})

    # -- acting as the QuickBooks user ----------------------------------------------------------------
    @bp.post("/companies/<realm_id>/actions/renumber")
    def renumber(realm_id: str) -> Response:
        data = body()
        record = user_actions.renumber(company(realm_id), field(data, "doc_number"), field(data, "new_doc_number"),
                                       entity=field(data, "entity", required=False))
        return ok(record)

    @bp.post("/companies/<realm_id>/actions/edit")
    def user_edit(realm_id: str) -> Response:
        data = body()
        record = user_actions.edit(company(realm_id), field(data, "doc_number"), field(data, "fields", dict),
                                   entity=field(data, "entity", required=False))
        return ok(record)

    @bp.post("/companies/<realm_id>/actions/unlink-payments")
    def user_unlink_payments(realm_id: str) -> Response:
        return ok({"payments": user_actions.unlink_payments(company(realm_id), field(body(), "doc_number"))})

    @bp.post("/companies/<realm_id>/actions/invoices")
    def user_invoice(realm_id: str) -> Response:
        data = body()
        record = user_actions.create_invoice(
            company(realm_id), customer=field(data, "customer"), lines=field(data, "lines", list),
            doc_number=field(data, "doc_number", required=False),
            entity=field(data, "entity", required=False, default="Invoice"),
            **field(data, "fields", dict, required=False, default={}))
        return ok(record, 201)

    @bp.post("/companies/<realm_id>/actions/tax-codes")
    def user_tax_code(realm_id: str) -> Response:
        data = body()
        record = user_actions.create_tax_code_with_rate(company(realm_id), field(data, "name"),
                                                        field(data, "rate", (int, float, str)),
                                                        rate_name=field(data, "rate_name", required=False))
        return ok(record, 201)

    @bp.post("/companies/<realm_id>/actions/tax-codes/<path:code>/<state>")  # a name may hold a "/"
    def user_tax_code_state(realm_id: str, code: str, state: str) -> Response:
        if state not in ("activate", "deactivate"):
            raise ControlError(404, "Not Found", "use /activate or /deactivate")
        return ok(user_actions.set_tax_code_active(company(realm_id), code, state == "activate"))

    @bp.post("/companies/<realm_id>/actions/payments")
    def user_payment(realm_id: str) -> Response:
        data = body()
        applied = field(data, "invoices", list)
        pairs = []
        for entry in applied:
            if not isinstance(entry, dict) or "invoice" not in entry or "amount" not in entry:
                raise ControlError(400, "Bad Request", "each of 'invoices' is {\"invoice\": number, \"amount\": n}")
            pairs.append((str(entry["invoice"]), entry["amount"]))
        return ok(user_actions.record_payment(company(realm_id), pairs, total=data.get("total"),
                                              reference=field(data, "reference", required=False)), 201)

    @bp.post("/companies/<realm_id>/actions/preferences")
    def user_preference(realm_id: str) -> Response:
        data = body()
        return ok(user_actions.set_preference(company(realm_id), field(data, "path"), data.get("value")))

    @bp.post("/companies/<realm_id>/actions/settings")
    def user_setting(realm_id: str) -> Response:
        data = body()
        target = company(realm_id)
        result = {}
        for name, value in data.items():
            result = user_actions.set_setting(target, name, value)
        return ok(result)

    # -- OAuth connections ------------------------------------------------------------------------
    @bp.post("/companies/<realm_id>/connect")
    def connect(realm_id: str) -> Response:
        company(realm_id)
        data = body()
        scopes = field(data, "scopes", list, required=False)
        if scopes is not None and not all(isinstance(s, str) for s in scopes):
            raise ControlError(400, "Bad Request", "scopes must be a list of scope names")
        try:
            granted = sim().oauth.connect(realm_id, client_id=field(data, "client_id", required=False),
                                          **({"scopes": scopes} if scopes is not None else {}))
        except ValueError as exc:
            raise ControlError(400, "Bad Request", str(exc)) from None
        return ok(granted, 201)

    @bp.post("/tokens/expire")
    def expire_tokens() -> Response:
        data = body()
        sim().oauth.expire_access_tokens(field(data, "realm_id", required=False))
        return ok({"expired": "access tokens"})

    @bp.post("/companies/<realm_id>/tokens/revoke")
    def revoke(realm_id: str) -> Response:
        company(realm_id)
        sim().oauth.revoke_realm(realm_id)
        return ok({"revoked": realm_id})

    @bp.post("/companies/<realm_id>/tokens/expire-refresh")
    def expire_refresh(realm_id: str) -> Response:
        company(realm_id)
        sim().oauth.expire_refresh_tokens(realm_id)
        return ok({"expired": "refresh tokens", "realm_id": realm_id})

    @bp.get("/connections")
    def connections() -> Response:
        return ok({"connections": sim().oauth.connections(request.args.get("realm_id"))})

    # -- clock ----------------------------------------------------------------------------------
    @bp.get("/clock")
    def clock() -> Response:
        return ok({"now": sim().clock.now().isoformat(), "offset_seconds": sim().clock.offset})

    @bp.post("/clock/advance")
    def advance() -> Response:
        data = body()
        seconds = float(field(data, "seconds", (int, float), required=False, default=0))
        seconds += 86400 * float(field(data, "days", (int, float), required=False, default=0))
        if not 0 < seconds <= 100 * 366 * 86400:  # also refuses NaN/inf, which would break the clock
            raise ControlError(400, "Bad Request", "give positive 'seconds' and/or 'days' (up to 100 years)")
        sim().clock.advance(seconds)
        return ok({"now": sim().clock.now().isoformat(), "offset_seconds": sim().clock.offset})

    # -- fault plan -------------------------------------------------------------------------------
    @bp.get("/faults")
    def faults() -> Response:
        return ok({"faults": catalogue()})

    @bp.get("/fault-rules")
    def rules() -> Response:
        return ok({"rules": [r.describe() for r in sim().faultplan.rules()]})

    @bp.post("/fault-rules")
    def add_rule() -> Response:
        data = body()
        realm_id = data.get("realm_id")
        if realm_id is not None:
            company(str(realm_id))
        return ok(sim().faultplan.add(**data).describe(), 201)

    @bp.delete("/fault-rules")
    def clear_rules() -> Response:
        sim().faultplan.clear(request.args.get("realm_id"))
        return ok({"cleared": request.args.get("realm_id") or "all"})

    @bp.delete("/fault-rules/<rule_id>")
    def remove_rule(rule_id: str) -> Response:
        if not sim().faultplan.remove(rule_id):
            raise ControlError(404, "Not Found", f"no fault rule {rule_id!r}")
        return ok({"removed": rule_id})

    @bp.post("/fault-rules/explain")
    def explain() -> Response:
        return ok({"rules": sim().faultplan.explain(facts_from(body()))})

    # -- journal --------------------------------------------------------------------------------
    @bp.get("/journal")
    def journal() -> Response:
        args = request.args
        try:
            entries = sim().journal.entries(
                realm_id=args.get("realm_id"), since=int(args.get("since", 0)),
                status=int(args["status"]) if "status" in args else None, entity=args.get("entity"),
                faults_only=args.get("faults") in ("1", "true"), limit=int(args["limit"]) if "limit" in args else None)
        except ValueError:
            raise ControlError(400, "Bad Request", "since, status and limit must be whole numbers") from None
        return ok({"entries": [e.to_dict() for e in entries], **sim().journal.stats()})

    @bp.get("/journal/<int:seq>")
    def journal_entry(seq: int) -> Response:
        entry = sim().journal.get(seq)
        if entry is None:
            raise ControlError(404, "Not Found", f"no journal entry {seq} (it may have left the ring buffer)")
        return ok(entry.to_dict())

    @bp.delete("/journal")
    def clear_journal() -> Response:
        sim().journal.clear(request.args.get("realm_id"))
        return ok({"cleared": True})

    # -- scenarios and webhooks -------------------------------------------------------------------
    @bp.post("/scenarios")
    def load() -> Response:
        from simulator.scenario import ScenarioError, load_scenario

        data = body()
        source = data.get("name") or data.get("path") or data.get("scenario")
        if source is None:
            raise ControlError(400, "Bad Request", "give 'name' (a bundled scenario), 'path' or 'scenario' (data)")
        try:
            loaded = load_scenario(sim(), source)
        except (ScenarioError, OSError) as exc:  # OSError: a "name" no file system accepts (too long)
            raise ControlError(400, "Invalid Scenario", str(exc)) from None
        return ok(loaded, 201)

    @bp.get("/scenarios")
    def scenarios() -> Response:
        from simulator.scenario import bundled_scenarios

        return ok({"scenarios": bundled_scenarios()})

    @bp.post("/companies/<realm_id>/webhooks")
    def subscribe(realm_id: str) -> Response:
        company(realm_id)
        data = body()
        if not all(isinstance(e, str) for e in field(data, "entities", list, required=False, default=[])):
            raise ControlError(400, "Bad Request", "field 'entities' must be a list of entity names")
        sub = sim().webhooks.subscribe(realm_id, field(data, "url"), entities=field(data, "entities", list,
                                                                                    required=False),
                                       format=field(data, "format", required=False, default="legacy"))
        return ok(sub.describe(), 201)

    @bp.get("/webhooks")
    def webhooks() -> Response:
        return ok(sim().webhooks.describe(request.args.get("realm_id")))


def _entity(segment: str) -> str:
    from simulator.entities import ENTITY_TYPES

    rules = ENTITY_TYPES.get(segment.lower())
    if rules is None:
        raise ControlError(404, "Not Found", f"unknown entity {segment!r}; known: "
                                             f"{', '.join(r.name for r in ENTITY_TYPES.values())}")
    return rules.name
