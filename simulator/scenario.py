"""Scenarios: declarative simulator set-ups (companies, seed records, QuickBooks-side state, faults).

A scenario is a TOML file in ``simulator/scenarios/`` (bundled) or ``./scenarios`` (or the same data as a dict). It is validated
whole before anything is applied, and every error names the file, the key and what was
expected, so a QA engineer can fix a scenario without reading Python::

    [scenario]
    description = "QuickBooks already holds INV0042"
    article_case = "duplicate-document-number"

    [[company]]
    key = "main"
    region = "AU"
    custom_txn_numbers = true

    [[company.invoice]]
    customer = "Jo Citizen"
    doc_number = "INV0042"
    lines = [{ item = "Services", amount = 100, tax_code = "GST" }]

    [[fault]]
    company = "main"
    fault = "Throttled"
    operation = "create"
    entity = "Invoice"
    times = 2

See docs/scenarios.md for every key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from simulator import user_actions
from simulator.backends import Backends
from simulator.company import Company
from simulator.entities import BY_NAME
from simulator.entities.base import op_for
from simulator.faultplan import RuleError
from simulator.faults import QBOFault
from simulator.seed import REGIONS

__all__ = ["ScenarioError", "load_scenario", "read_scenario", "bundled_scenarios", "scenario_dirs"]

TOP_KEYS = {"scenario", "company", "fault"}
COMPANY_KEYS = {"key", "region", "name", "realm_id", "customers", "custom_txn_numbers", "seed", "settings",
                "preferences", "customer", "item", "invoice", "tax_code", "tax_code_active", "payment"}
INVOICE_KEYS = {"customer", "doc_number", "lines", "entity", "fields"}
LINE_KEYS = {"item", "amount", "qty", "unit_price", "tax_code", "description"}


class ScenarioError(ValueError):
    """A scenario that cannot be loaded: ``<source>: <key path>: <what is wrong>``."""


def scenario_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("QBO_SIM_SCENARIOS", "").split(os.pathsep) if p]
    # ./scenarios of the folder qbo-sim runs in, then the bundled ones (shipped inside the package)
    dirs += [Path.cwd() / "scenarios", Path(__file__).resolve().parent / "scenarios"]
    return [d for i, d in enumerate(dirs) if d.is_dir() and d not in dirs[:i]]


def bundled_scenarios() -> list[dict[str, Any]]:
    out = []
    for directory in scenario_dirs():
        for path in sorted(directory.glob("*.toml")):
            try:
                meta = read_scenario(path)[1].get("scenario", {})
            except ScenarioError as exc:
                meta = {"error": str(exc)}
            out.append({"name": path.stem, "path": str(path), **meta})
    return out


def read_scenario(source: str | Path | dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(label, data)`` for a bundled name, a file path or a dict, validated."""
    if isinstance(source, dict):
        label, data = "<scenario>", source
    else:
        path = _locate(str(source))
        label = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"{label}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"{label}: cannot be read: {exc}") from None
    _validate(label, data)
    return label, data


def _locate(name: str) -> Path:
    try:
        candidate = Path(name)
        if candidate.suffix == ".toml" or os.sep in name or "/" in name:
            if candidate.is_file():
                return candidate
            raise ScenarioError(f"{name}: no such scenario file")
        for directory in scenario_dirs():
            path = directory / f"{name}.toml"
            if path.is_file():
                return path
    except (OSError, ValueError) as exc:  # a name no file system accepts (too long, NUL byte)
        raise ScenarioError(f"{name[:80]!r}: not a usable scenario name or path ({exc})") from None
    known = sorted({p.stem for d in scenario_dirs() for p in d.glob("*.toml")})
    raise ScenarioError(f"{name}: no bundled scenario of that name; known: {', '.join(known) or 'none'}")


# -- validation -------------------------------------------------------------------------------------
def _fail(label: str, where: str, what: str) -> ScenarioError:
    return ScenarioError(f"{label}: {where}: {what}")


def _check_keys(label: str, where: str, table: Any, allowed: set[str]) -> None:
    if not isinstance(table, dict):
        raise _fail(label, where, f"expected a table, got {type(table).__name__}")
    unknown = set(table) - allowed
    if unknown:
        raise _fail(label, where, f"unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(allowed))}")


def _check_type(label: str, where: str, value: Any, kind: type | tuple[type, ...], what: str) -> None:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float, (int, float))):
        raise _fail(label, where, f"expected {what}, got {value!r}")


def _validate(label: str, data: dict[str, Any]) -> None:
    _check_keys(label, "top level", data, TOP_KEYS)
    companies = data.get("company", [])
    _check_type(label, "company", companies, list, "an array of tables ([[company]])")
    keys = set()
    for i, company in enumerate(companies):
        where = f"company[{i}]"
        _check_keys(label, where, company, COMPANY_KEYS)
        key = company.get("key", "main")
        if key in keys:
            raise _fail(label, f"{where}.key", f"duplicate company key {key!r}")
        keys.add(key)
        region = company.get("region", "AU")
        if not isinstance(region, str) or region.upper() not in REGIONS:
            raise _fail(label, f"{where}.region", f"expected one of {', '.join(sorted(REGIONS))}, got {region!r}")
        for name, kind, what in (("customers", int, "a whole number"), ("custom_txn_numbers", bool, "true or false"),
                                 ("name", str, "a string"), ("realm_id", (str, int), "a realm id"),
                                 ("settings", dict, "a table"), ("preferences", dict, "a table of dotted paths"),
                                 ("tax_code_active", dict, "a table of code name = true/false"),
                                 ("seed", int, "a whole number")):
            if name in company:
                _check_type(label, f"{where}.{name}", company[name], kind, what)
        for j, invoice in enumerate(company.get("invoice", [])):
            iw = f"{where}.invoice[{j}]"
            _check_keys(label, iw, invoice, INVOICE_KEYS)
            for required in ("customer", "lines"):
                if required not in invoice:
                    raise _fail(label, iw, f"missing {required!r}")
            _check_type(label, f"{iw}.lines", invoice["lines"], list, "an array of line tables")
            for k, line in enumerate(invoice["lines"]):
                _check_keys(label, f"{iw}.lines[{k}]", line, LINE_KEYS)
                if "amount" not in line and not ("qty" in line and "unit_price" in line):
                    raise _fail(label, f"{iw}.lines[{k}]", "give 'amount' or both 'qty' and 'unit_price'")
                for num in ("amount", "qty", "unit_price"):
                    if num in line:
                        _check_type(label, f"{iw}.lines[{k}].{num}", line[num], (int, float), "a number")
        for j, code in enumerate(company.get("tax_code", [])):
            _check_keys(label, f"{where}.tax_code[{j}]", code, {"name", "rate", "active", "rate_name"})
            if "name" not in code or "rate" not in code:
                raise _fail(label, f"{where}.tax_code[{j}]", "needs 'name' and 'rate'")
        for j, payment in enumerate(company.get("payment", [])):
            _check_keys(label, f"{where}.payment[{j}]", payment, {"invoice", "amount"})
    for i, fault in enumerate(data.get("fault", [])):
        if not isinstance(fault, dict):
            raise _fail(label, f"fault[{i}]", "expected a table")
        if fault.get("company", "main") not in keys and "realm_id" not in fault:
            raise _fail(label, f"fault[{i}].company", f"no company with key {fault.get('company', 'main')!r} "
                                                     f"(keys: {', '.join(sorted(keys)) or 'none'})")


# -- applying -----------------------------------------------------------------------------------------
def load_scenario(backends: Backends, source: str | Path | dict[str, Any]) -> dict[str, Any]:
    """Validate and apply a scenario; returns ``{"companies": {key: realm_id}, "faults": [rule ids]}``."""
    label, data = read_scenario(source)
    realms: dict[str, str] = {}
    for i, spec in enumerate(data.get("company", [])):
        where = f"company[{i}]"
        try:
            company = backends.create_company(
                region=spec.get("region", "AU"), realm_id=str(spec["realm_id"]) if "realm_id" in spec else None,
                name=spec.get("name"), customers=spec.get("customers", 3),
                custom_txn_numbers=spec.get("custom_txn_numbers"), seed=spec.get("seed"),
                settings=spec.get("settings"))
        except ValueError as exc:
            raise _fail(label, where, str(exc)) from None
        realms[spec.get("key", "main")] = company.realm_id
        try:
            _seed(company, spec)
        except (QBOFault, user_actions.ActionError) as exc:
            backends.delete_company(company.realm_id)
            raise _fail(label, where, f"seed data rejected by QuickBooks rules: {exc}") from None
        backends.rebase(company.realm_id)
    rules = []
    for i, fault in enumerate(data.get("fault", [])):
        spec = dict(fault)
        key = spec.pop("company", "main")
        spec.setdefault("realm_id", realms.get(key))
        try:
            rules.append(backends.faultplan.add(**spec).id)
        except RuleError as exc:
            raise _fail(label, f"fault[{i}]", str(exc)) from None
    return {"scenario": label, "companies": realms, "faults": rules,
            "description": data.get("scenario", {}).get("description", "")}


def _seed(company: Company, spec: dict[str, Any]) -> None:
    op = op_for(company)
    for path, value in spec.get("preferences", {}).items():
        user_actions.set_preference(company, path, value)
    for customer in spec.get("customer", []):
        BY_NAME["Customer"].create(company, customer, op)
    for item in spec.get("item", []):
        BY_NAME["Item"].create(company, item, op)
    for code in spec.get("tax_code", []):
        created = user_actions.create_tax_code_with_rate(company, code["name"], code["rate"],
                                                         rate_name=code.get("rate_name"))
        if code.get("active") is False:
            user_actions.set_tax_code_active(company, created["Id"], False)
    for name, active in spec.get("tax_code_active", {}).items():
        user_actions.set_tax_code_active(company, name, bool(active))
    for invoice in spec.get("invoice", []):
        user_actions.create_invoice(company, customer=invoice["customer"], doc_number=invoice.get("doc_number"),
                                    lines=[_line(company, line) for line in invoice["lines"]],
                                    entity=invoice.get("entity", "Invoice"), **invoice.get("fields", {}))
    for payment in spec.get("payment", []):
        user_actions.record_payment(company, [(str(payment["invoice"]), payment["amount"])])


def _line(company: Company, line: dict[str, Any]) -> dict[str, Any]:
    item = company.store("Item").lookup("Name", line.get("item", "Services"))
    if not item:
        raise user_actions.ActionError(f"no item named {line.get('item', 'Services')!r}")
    detail: dict[str, Any] = {"ItemRef": {"value": item[0]["Id"]}}
    if "qty" in line:
        detail["Qty"] = line["qty"]
    if "unit_price" in line:
        detail["UnitPrice"] = line["unit_price"]
    if company.is_us:
        detail["TaxCodeRef"] = {"value": line.get("tax_code", "NON")}
    else:
        detail["TaxCodeRef"] = {"value": user_actions.find_tax_code(company, line.get("tax_code", "GST"))["Id"]}
    out: dict[str, Any] = {"DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail}
    if "amount" in line:
        out["Amount"] = line["amount"]
    if "description" in line:
        out["Description"] = line["description"]
    return out
