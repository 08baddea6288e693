"""The inspector's pages (GET): companies, a company's records, an invoice, the journal, the fault plan."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request

from simulator.entities import BY_NAME, ENTITY_NAMES
from simulator.faultplan import ACTIONS, OPERATIONS
from simulator.faults import CATALOGUE
from simulator.views.inspector import PER_PAGE, InspectorError, company_or_404, paginate, sim
from simulator.views.inspector_model import (
    SALES_FORMS,
    STATUS_FILTERS,
    JournalQuery,
    changes,
    connection_summary,
    pretty,
    sales_row,
    sales_rows,
)

#: the company tabs: (endpoint, label)
TABS = (("company", "Overview"), ("invoices", "Sales forms"), ("customers", "Customers"), ("items", "Items"),
        ("tax", "Tax codes"), ("payments", "Payments"), ("entities", "All entities"), ("reports", "Reports"))
LIVE_ROWS = 200


def register(bp: Blueprint) -> None:  # noqa: C901 - a flat list of routes reads best
    @bp.get("/")
    def companies() -> str:
        backends = sim()
        needle = request.args.get("q", "").strip().lower()
        listed = [c for c in backends.companies.values()
                  if not needle or needle in c.name.lower() or needle in c.realm_id]
        page = paginate(listed)
        grants: dict[str, list[dict[str, Any]]] = {}
        for row in backends.oauth.connections():
            grants.setdefault(row["realm_id"], []).append(row)
        from simulator.scenario import bundled_scenarios

        return render_template("inspector/companies.html", page=page, q=request.args.get("q", ""),
                               total=len(backends.companies),
                               connections={c.realm_id: connection_summary(grants.get(c.realm_id, []))
                                            for c in page.items},
                               scenarios=bundled_scenarios(), journal=backends.journal.stats(),
                               rules=len(backends.faultplan.rules()))

    @bp.get("/companies/<realm_id>")
    def company(realm_id: str) -> str:
        target = company_or_404(realm_id)
        connections = sim().oauth.connections(realm_id)
        return render_template("inspector/company.html", company=target, tab="company", tabs=TABS,
                               connections=connections, summary=connection_summary(connections),
                               prefs=target.preferences, now=target.now().isoformat(timespec="seconds"),
                               rules=[r for r in sim().faultplan.rules() if r.realm_id in (None, realm_id)],
                               faults=len(sim().journal.entries(realm_id=realm_id, faults_only=True)))

    @bp.get("/companies/<realm_id>/invoices")
    def invoices(realm_id: str) -> str:
        target = company_or_404(realm_id)
        entity = request.args.get("entity", "Invoice")
        if entity not in SALES_FORMS:
            raise InspectorError(404, "Unknown sales form", f"Choose one of {', '.join(SALES_FORMS)}, not {entity!r}.")
        needle = request.args.get("q", "").strip().lower()
        rows = [r for r in sales_rows(target, entity)
                if not needle or needle in str(r.record.get("DocNumber", "")).lower() or needle in r.customer.lower()]
        return render_template("inspector/invoices.html", company=target, tab="invoices", tabs=TABS, entity=entity,
                               forms=SALES_FORMS, page=paginate(rows), q=request.args.get("q", ""))

    @bp.get("/companies/<realm_id>/invoices/<entity_id>")
    def invoice(realm_id: str, entity_id: str) -> str:
        target = company_or_404(realm_id)
        entity = request.args.get("entity", "Invoice")
        if entity not in SALES_FORMS:
            raise InspectorError(404, "Unknown sales form", f"Choose one of {', '.join(SALES_FORMS)}, not {entity!r}.")
        versions = target.history.get((entity, entity_id), [])
        record = target.store(entity).get(entity_id)
        deleted = target.was_deleted(entity, entity_id)
        if record is None and not versions:
            raise InspectorError(404, f"No such {entity}", f"Company {realm_id} has no {entity} with Id {entity_id!r}.")
        current = record or versions[-1]
        history = [{"record": v, "changes": changes(versions[i - 1] if i else None, v), "json": pretty(v)}
                   for i, v in enumerate(versions)]
        return render_template("inspector/invoice.html", company=target, tab="invoices", tabs=TABS, entity=entity,
                               row=sales_row(target, entity, current, deleted=deleted), json=pretty(current),
                               history=list(reversed(history)),
                               tax_codes={c["Id"]: c.get("Name", c["Id"]) for c in target.store("TaxCode")},
                               deleted_at=target.deleted.get((entity, entity_id), (None,))[0])

    @bp.get("/companies/<realm_id>/customers")
    def customers(realm_id: str) -> str:
        return _records(realm_id, "customers", "Customer")

    @bp.get("/companies/<realm_id>/items")
    def items(realm_id: str) -> str:
        return _records(realm_id, "items", "Item")

    @bp.get("/companies/<realm_id>/reports")
    def reports(realm_id: str) -> str:
        from simulator import reports as report_rules
        from simulator.faults import QBOFault

        target = company_or_404(realm_id)
        name = request.args.get("name", "ProfitAndLoss")
        args = {k: v for k, v in request.args.items() if k != "name" and v}
        try:
            body, error = report_rules.run(target, name, args), None
        except QBOFault as fault:
            body, error = None, f"{fault.code} {fault.message}: {fault.detail}"
        return render_template("inspector/reports.html", company=target, tab="reports", tabs=TABS, name=name,
                               names=report_rules.report_names(), args=args, body=body, error=error,
                               rows=report_table(body["Rows"].get("Row", [])) if body else [])

    @bp.get("/companies/<realm_id>/payments")
    def payments(realm_id: str) -> str:
        return _records(realm_id, "payments", "Payment")

    @bp.get("/companies/<realm_id>/entities")
    def entities(realm_id: str) -> str:
        """Every entity the simulator serves, with this company's record count; one entity's records."""
        target = company_or_404(realm_id)
        entity = request.args.get("entity")
        if entity is not None and entity not in ENTITY_NAMES:
            raise InspectorError(404, "Unknown entity", f"Choose one of {', '.join(ENTITY_NAMES)}, not {entity!r}.")
        counts = [(name, len(target.store(name)) if name in target.stores else 0) for name in ENTITY_NAMES]
        records = []
        if entity is not None:
            rules = BY_NAME[entity]
            stored = sorted(target.store(entity), key=lambda r: (len(r["Id"]), r["Id"]), reverse=True)
            records = [(r["Id"], rules.present(r) if rules.presents else r) for r in stored]
        page = paginate(records)
        return render_template("inspector/entities.html", company=target, tab="entities", tabs=TABS, entity=entity,
                               counts=counts, page=page, rows=[(i, r, pretty(r)) for i, r in page.items])

    @bp.get("/companies/<realm_id>/tax")
    def tax(realm_id: str) -> str:
        target = company_or_404(realm_id)
        rates = {r["Id"]: r for r in target.store("TaxRate")}
        return render_template("inspector/tax.html", company=target, tab="tax", tabs=TABS,
                               codes=list(target.store("TaxCode")), rates=rates,
                               agencies={a["Id"]: a for a in target.store("TaxAgency")},
                               prefs=target.preferences.get("TaxPrefs", {}))

    # -- journal ------------------------------------------------------------------------------------
    @bp.get("/journal")
    def journal() -> str:
        query = _journal_query()
        matching = _journal_select(query)
        before, after = _int_arg("before"), _int_arg("after")
        if after is not None:
            shown = [e for e in matching if e.seq > after][:PER_PAGE][::-1]
        else:
            older = [e for e in matching if before is None or e.seq < before]
            shown = older[-PER_PAGE:][::-1]
        newest = matching[-1].seq if matching else 0
        return render_template(
            "inspector/journal.html", entries=shown, query=query, statuses=STATUS_FILTERS,
            total=len(matching), stats=sim().journal.stats(), live=before is None and after is None,
            newest=newest, last_seq=_last_seq(),
            has_older=bool(shown) and shown[-1].seq > (matching[0].seq if matching else 0),
            has_newer=bool(shown) and shown[0].seq < newest,
            realms=sorted(sim().companies)[:500], entities=sorted(BY_NAME),
            companies={r: c.name for r, c in sim().companies.items()})

    @bp.get("/journal/rows")
    def journal_rows() -> Response:
        """New rows (HTML ``<tr>``s, newest first) after ``after``, for the live journal's polling."""
        after = _int_arg("after") or 0
        last = _last_seq()  # read first: an entry recorded while we filter is left for the next poll
        rows = [e for e in _journal_select(_journal_query()) if after < e.seq <= last][-LIVE_ROWS:][::-1]
        html = render_template("inspector/_journal_rows.html", entries=rows,
                               companies={r: c.name for r, c in sim().companies.items()})
        response = Response(html, content_type="text/html; charset=utf-8")
        response.headers["X-Last-Seq"] = str(max(after, last))
        return response

    @bp.get("/journal/<int:seq>")
    def journal_entry(seq: int) -> str:
        entry = sim().journal.get(seq)
        if entry is None:
            raise InspectorError(404, "No such journal entry",
                                 f"Journal entry {seq} does not exist (it may have left the ring buffer).")
        target = sim().company(entry.realm_id) if entry.realm_id else None
        return render_template("inspector/journal_entry.html", entry=entry, company=target,
                               request_body=pretty(entry.request_body), response_body=pretty(entry.response_body))

    # -- fault plan ------------------------------------------------------------------------------------
    @bp.get("/faults")
    def faults() -> str:
        catalogue = sorted((cls.describe() for cls in CATALOGUE.values()), key=lambda f: (f["envelope"], f["name"]))
        return render_template("inspector/faults.html", rules=[r.describe() for r in sim().faultplan.rules()],
                               catalogue=catalogue, actions=ACTIONS, operations=OPERATIONS,
                               entities=sorted(BY_NAME), realms=sorted(sim().companies)[:500],
                               realm_id=request.args.get("realm_id", ""))


def _records(realm_id: str, tab: str, entity: str) -> str:
    target = company_or_404(realm_id)
    records = sorted(target.store(entity), key=lambda r: (len(r["Id"]), r["Id"]), reverse=True)
    invoice_numbers = {r["Id"]: r.get("DocNumber") for r in target.store("Invoice")}
    return render_template(f"inspector/{tab}.html", company=target, tab=tab, tabs=TABS, entity=entity,
                           page=paginate(records), invoice_numbers=invoice_numbers)


def _journal_query() -> JournalQuery:
    status = request.args.get("status", "")
    if status not in STATUS_FILTERS and not status.isdigit():
        status = ""
    return JournalQuery(realm_id=request.args.get("realm_id") or None, status=status,
                        entity=request.args.get("entity") or None, search=request.args.get("q", "").strip())


def _journal_select(query: JournalQuery) -> list[Any]:
    entries = sim().journal.entries(realm_id=query.realm_id, entity=query.entity,
                                    faults_only=query.status == "fault")
    return query.select(entries)


def _last_seq() -> int:
    entries = sim().journal.entries(limit=1)
    return entries[-1].seq if entries else 0


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def report_table(rows: list[dict[str, Any]], depth: int = 0) -> list[tuple[int, str, list[str]]]:
    """A report's nested rows as ``(depth, kind, cell values)`` lines: section headers, data, totals."""
    out: list[tuple[int, str, list[str]]] = []
    for row in rows:
        if "Header" in row:
            out.append((depth, "header", [c.get("value", "") for c in row["Header"]["ColData"]]))
        if "ColData" in row:
            out.append((depth, "data", [c.get("value", "") for c in row["ColData"]]))
        if "Rows" in row:
            out.extend(report_table(row["Rows"].get("Row", []), depth + 1))
        if "Summary" in row:
            out.append((depth, "total", [c.get("value", "") for c in row["Summary"]["ColData"]]))
    return out
