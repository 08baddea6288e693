"""TimeActivity: hours an employee or vendor worked, optionally billable to a customer.

``NameOf`` (``Employee`` | ``Vendor``) says which reference names the worker; the time is either
``Hours``/``Minutes`` or ``StartTime``/``EndTime`` (with optional ``BreakHours``/``BreakMinutes``).
Time posts nothing to the books. Ids come from their own sequence [INF].
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.clock import parse_datetime
from simulator.entities.base import Op, decimal, number, ref, resolve_ref, text
from simulator.entities.txn import BILLABLE_STATUSES, Transaction, list_ref, name_ref
from simulator.faults import BusinessValidation, InvalidDate, InvalidEnum, RequiredParamMissing

if TYPE_CHECKING:
    from simulator.company import Company

FIELDS: dict[str, str] = {
    "TxnDate": "date", "NameOf": "string", "EmployeeRef": "ref", "VendorRef": "ref", "CustomerRef": "ref",
    "ItemRef": "ref", "ClassRef": "ref", "DepartmentRef": "ref", "PayrollItemRef": "ref", "BillableStatus": "string",
    "Taxable": "bool", "HourlyRate": "number", "CostRate": "number", "Hours": "int", "Minutes": "int",
    "BreakHours": "int", "BreakMinutes": "int", "StartTime": "datetime", "EndTime": "datetime",
    "Description": "string", "TimeZone": "string", "TxnSource": "string", "ProjectRef": "ref",
}


class TimeActivity(Transaction):
    name = "TimeActivity"
    field_types = FIELDS

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        name_of = text(fields.get("NameOf"))
        if name_of is None:
            raise RequiredParamMissing(param="NameOf", element="NameOf")
        if name_of not in ("Employee", "Vendor"):
            raise InvalidEnum(element="NameOf", value=f"NameOf:{name_of}")
        out: dict[str, Any] = {"NameOf": name_of}
        key = f"{name_of}Ref"
        out[key] = name_ref(company, fields.get(key), name_of, key)
        customer = name_ref(company, fields.get("CustomerRef"), "Customer", "CustomerRef", required=False)
        if customer:
            out["CustomerRef"] = customer
        item = ref(fields.get("ItemRef"))
        if item:
            found = resolve_ref(company, "Item", item, "ItemRef", label="Item")
            out["ItemRef"] = {"value": found["Id"], "name": found["Name"]}
        class_ref = list_ref(company, fields.get("ClassRef"), "Class", "ClassRef")
        if class_ref:
            out["ClassRef"] = class_ref
        status = text(fields.get("BillableStatus")) or "NotBillable"
        if status not in BILLABLE_STATUSES:
            raise InvalidEnum(element="BillableStatus", value=f"BillableStatus:{status}")
        out["BillableStatus"] = status
        out["Taxable"] = fields.get("Taxable") in (True, "true")
        for rate in ("HourlyRate", "CostRate"):
            value = decimal(fields.get(rate), rate)
            if value is not None:
                out[rate] = number(value)
        start, end = fields.get("StartTime"), fields.get("EndTime")
        if start or end:
            if not (start and end):
                raise RequiredParamMissing(param="EndTime" if start else "StartTime")
            begins, ends = _instant(start, "StartTime", company), _instant(end, "EndTime", company)
            if ends <= begins:
                raise BusinessValidation(element="EndTime", reason="The end time must be after the start time.")
            out["StartTime"], out["EndTime"] = text(start), text(end)
        else:
            hours = decimal(fields.get("Hours"), "Hours")
            minutes = decimal(fields.get("Minutes"), "Minutes")
            if hours is None and minutes is None:
                raise RequiredParamMissing(param="Hours", element="Hours")
            out["Hours"] = int(hours or 0)
            out["Minutes"] = int(minutes or 0)
        for key in ("BreakHours", "BreakMinutes"):
            value = decimal(fields.get(key), key)
            if value is not None:
                out[key] = int(value)
        if text(fields.get("Description")):
            out["Description"] = text(fields.get("Description"))
        return out


def _instant(value: Any, element: str, company: Company) -> Any:
    try:
        return parse_datetime(str(value), company.tz)
    except ValueError:
        raise InvalidDate(element=element, value=value) from None


__all__ = ["TimeActivity"]
