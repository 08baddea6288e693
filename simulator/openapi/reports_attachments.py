"""Reports and attachments in the OpenAPI document: ``/reports/{reportName}``, ``/attachable``,
``/upload`` (multipart), ``/download/{entityId}`` and the temporary file links, with their schemas."""

from __future__ import annotations

from typing import Any

from simulator.openapi.common import JSON, XML, Schema, envelope_ref, json_response, obj, operation, query_param, ref
from simulator.reports import report_names
from simulator.reports.params import MACROS, SUMMARIZE_COMPUTED

__all__ = ["report_attachment_paths", "REPORT_ATTACHMENT_SCHEMAS"]

BASE = "/v3/company/{realmId}"
DATE = {"type": "string", "format": "date"}

# --- schemas ---------------------------------------------------------------------------------------------
_CELL = obj({"value": {"type": "string"}, "id": {"type": "string"}, "href": {"type": "string"}}, ("value",))
_CELLS = obj({"ColData": {"type": "array", "items": ref("ReportCell")}}, ("ColData",))
_ROW = obj(
    {
        "type": {"enum": ["Section", "Data"]},
        "group": {"type": "string"},
        "ColData": {"type": "array", "items": ref("ReportCell")},
        "Header": ref("ReportCells"),
        "Rows": ref("ReportRows"),
        "Summary": ref("ReportCells"),
    },
    description="A Data row has ColData; a Section has Header/Rows/Summary (a total-only section just Summary)",
)
_ROWS = obj({"Row": {"type": "array", "items": ref("ReportRow")}}, description="empty ({}) when no rows")
_NAME_VALUE = obj({"Name": {"type": "string"}, "Value": {"type": "string"}}, ("Name", "Value"))
_REPORT = obj(
    {
        "Header": obj(
            {
                "Time": {"type": "string"},
                "ReportName": {"enum": report_names()},
                "DateMacro": {"type": "string"},
                "ReportBasis": {"enum": ["Cash", "Accrual"]},
                "StartPeriod": DATE,
                "EndPeriod": DATE,
                "SummarizeColumnsBy": {"type": "string"},
                "Currency": {"type": "string"},
                "Customer": {"type": "string"},
                "Account": {"type": "string"},
                "Option": {"type": "array", "items": ref("ReportNameValue")},
            },
            ("Time", "ReportName", "Currency", "Option"),
        ),
        "Columns": obj(
            {
                "Column": {
                    "type": "array",
                    "items": obj(
                        {
                            "ColTitle": {"type": "string"},
                            "ColType": {"type": "string"},
                            "MetaData": {"type": "array", "items": ref("ReportNameValue")},
                        },
                        ("ColTitle", "ColType"),
                    ),
                }
            },
            ("Column",),
        ),
        "Rows": ref("ReportRows"),
    },
    ("Header", "Columns", "Rows"),
    description="QBO's report shape, unwrapped (no `time` beside it; the Header carries Time)",
)
_REF_TYPE = obj({"value": {"type": "string"}, "type": {"type": "string"}, "name": {"type": "string"}}, ("value",))
_ATTACHABLE = obj(
    {
        "Id": {"type": "string"},
        "SyncToken": {"type": "string"},
        "domain": {"const": "QBO"},
        "sparse": {"type": "boolean"},
        "MetaData": ref("MetaData"),
        "AttachableRef": {
            "type": "array",
            "items": obj(
                {"IncludeOnSend": {"type": "boolean"}, "LineInfo": {"type": "string"}, "EntityRef": _REF_TYPE},
                ("EntityRef",),
            ),
        },
        "FileName": {"type": "string", "maxLength": 1000},
        "FileAccessUri": {"type": "string"},
        "TempDownloadUri": {"type": "string", "format": "uri"},
        "Size": {"type": "integer"},
        "ContentType": {"type": "string"},
        "Category": {"type": "string"},
        "Note": {"type": "string", "maxLength": 2000},
        "Lat": {"type": "string"},
        "Long": {"type": "string"},
        "PlaceName": {"type": "string"},
        "Tag": {"type": "string"},
    },
    ("Id", "SyncToken"),
)
_ATTACHABLE_WRITE = obj(
    {
        "Id": {"type": "string"},
        "SyncToken": {"type": ["string", "integer"]},
        "sparse": {"type": "boolean"},
        "Note": {"type": "string", "maxLength": 2000},
        "FileName": {"type": "string", "maxLength": 1000},
        "Category": {"enum": ["Contact Photo", "Document", "Image", "Receipt", "Signature", "Sound", "Other"]},
        "ContentType": {"type": "string", "maxLength": 100},
        "AttachableRef": {
            "type": "array",
            "items": obj({"IncludeOnSend": {"type": "boolean"}, "EntityRef": _REF_TYPE}, ("EntityRef",)),
        },
        "Tag": {"type": "string", "maxLength": 2000},
    },
    description="Note or FileName is required; links must name records that exist (2500)",
)
REPORT_ATTACHMENT_SCHEMAS: dict[str, Schema] = {
    "ReportCell": _CELL,
    "ReportCells": _CELLS,
    "ReportRow": _ROW,
    "ReportRows": _ROWS,
    "ReportNameValue": _NAME_VALUE,
    "Report": _REPORT,
    "Attachable": _ATTACHABLE,
    "AttachableWrite": _ATTACHABLE_WRITE,
    "AttachableResponse": obj(
        {"Attachable": {"anyOf": [ref("Attachable"), ref("DeletedTransaction")]}, "time": {"type": "string"}},
        ("Attachable", "time"),
    ),
    "UploadResponse": obj(
        {
            "AttachableResponse": {
                "type": "array",
                "items": obj({"Attachable": ref("Attachable")}, ("Attachable",)),
            },
            "time": {"type": "string"},
        },
        ("AttachableResponse", "time"),
    ),
}


# --- paths -----------------------------------------------------------------------------------------------
def report_attachment_paths(common: list[Schema], request_id: Schema, operation_param: Schema,
                            entity_id: Schema, responses: Any) -> dict[str, Any]:
    """The paths; ``responses(success, xml=...)`` is the accounting module's fault-complete answer set."""
    report_ok = responses({}, xml=False)
    report_ok["200"] = {
        "description": "the report (XML: a <Report> root)",
        "content": {JSON: {"schema": ref("Report")}, XML: {"schema": {"type": "string"}}},
    }
    report_params = [
        *common,
        query_param("start_date", DATE),
        query_param("end_date", DATE),
        query_param("date_macro", {"enum": sorted(m.title() for m in MACROS)}),
        query_param("accounting_method", {"enum": ["Cash", "Accrual"]}),
        query_param("summarize_column_by", {"enum": sorted(SUMMARIZE_COMPUTED)},
                    description="ProfitAndLoss: all; BalanceSheet: Total/Month/Quarter/Year; others: Total"),
        query_param("customer", {"type": "string", "pattern": "^[0-9]{1,4}(,[0-9]{1,4}){0,3}$"}),
        query_param("account", {"type": "string", "pattern": "^[0-9]{1,4}(,[0-9]{1,4}){0,3}$"},
                    description="GeneralLedger"),
        query_param("report_date", DATE, description="aging and customer balance reports"),
        query_param("aging_period", {"type": "integer", "minimum": 1, "maximum": 365}),
        query_param("num_periods", {"type": "integer", "minimum": 1, "maximum": 12}),
        query_param("aging_method", {"enum": ["Report_Date", "Current"]}),
        query_param("sort_order", {"enum": ["ascend", "descend"]}),
    ]
    upload_ok = responses(ref("UploadResponse"))  # IntuitResponse XML unless the client asks for JSON, as QBO
    download_ok = responses({}, xml=False)
    download_ok["200"] = {
        "description": "a temporary link to the file (text/plain), as QBO answers",
        "content": {"text/plain": {"schema": {"type": "string", "format": "uri"}}},
    }
    return {
        f"{BASE}/reports/{{reportName}}": {
            "get": operation(
                "readReport",
                "a report computed from the company's books",
                report_ok,
                params=[*report_params[:len(common)],
                        {"name": "reportName", "in": "path", "required": True, "schema": {"enum": report_names()}},
                        *report_params[len(common):]],
            )
        },
        f"{BASE}/attachable": {
            "post": operation(
                "writeAttachable",
                "Attachable: create (a note), update (full or sparse), delete",
                responses(envelope_ref("Attachable")),
                params=[*common, operation_param, request_id],
                body={"required": True, "content": {JSON: {"schema": ref("AttachableWrite")}}},
            )
        },
        f"{BASE}/attachable/{{entityId}}": {
            "get": operation("readAttachable", "read one Attachable", responses(envelope_ref("Attachable")),
                             params=[*common, entity_id])
        },
        f"{BASE}/upload": {
            "post": operation(
                "upload",
                "upload files (file_content_NN) with optional Attachable metadata (file_metadata_NN)",
                upload_ok,
                params=[*common, request_id],
                body={
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": obj(
                                {
                                    "file_metadata_01": ref("AttachableWrite"),
                                    "file_content_01": {"type": "string", "format": "binary"},
                                },
                                ("file_content_01",),
                            ),
                            "encoding": {
                                "file_metadata_01": {"contentType": JSON},
                                "file_content_01": {"contentType": "text/plain"},
                            },
                        }
                    },
                },
            )
        },
        f"{BASE}/download/{{entityId}}": {
            "get": operation("downloadAttachable", "the temporary link to an attachable's file", download_ok,
                             params=[*common, entity_id])
        },
        "/attachments/{realmId}/{entityId}/{token}/{fileName}": {
            "get": operation(
                "attachmentFile",
                "the bytes behind a TempDownloadUri (no bearer token, like QBO's S3 links)",
                {
                    "200": {"description": "the file", "content": {"*/*": {"schema": {"type": "string"}}}},
                    "404": json_response("no such file, or a wrong token", ref("ControlError")),
                },
                params=[
                    {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                    for n in ("realmId", "entityId", "token", "fileName")
                ],
                security=[],
            )
        },
    }
