"""Attachable: notes and files attached to transactions, items and names; the upload rules.

Source: Intuit's Attachable reference (developer.intuit.com .../all-entities/attachable) and the
captured responses in quickbooks-ruby (``attachable_create_response.xml``,
``upload_create_response.xml``, ``attachables.xml``). An attachable is a note, a file, or both:
``Note`` or ``FileName`` is required. ``AttachableRef[].EntityRef`` (``{"type": "Invoice", "value":
"95"}``) links it to records that must exist (2500 otherwise). Files arrive through
``POST /upload`` (multipart, parsed by :mod:`simulator.multipart`); QuickBooks then fills
``FileAccessUri`` (``/v3/company/<realm>/download/<Id>``), ``TempDownloadUri`` (a link that
serves the bytes without a token), ``Size`` and ``ContentType``. Only the documented file types
are accepted, and a request may carry at most 100 MB. Delete removes the attachable (and its file).
Nothing here imports Flask.
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from simulator.entities.base import (
    EntityType,
    Op,
    bump,
    check_length,
    check_sync_token,
    clean,
    new_meta,
    text,
)
from simulator.faults import (
    BusinessValidation,
    InvalidEnum,
    InvalidProperty,
    InvalidReference,
    RequiredParamMissing,
)

if TYPE_CHECKING:
    from simulator.company import Company

__all__ = ["Attachable", "UploadedFile", "StoredFile", "CONTENT_TYPES", "UPLOAD_LIMIT", "upload", "download_url",
           "stored_file"]

#: the largest upload request QBO takes ("overall request size must not exceed 100 MB")
UPLOAD_LIMIT = 100 * 1024 * 1024

#: "types approved for uploading" (Intuit's Attachable reference), plus the spellings the table
#: itself mixes up (image/jpeg for .jpg, application/vnd.ms-excel for .xls)
CONTENT_TYPES = frozenset({
    "application/postscript", "text/csv", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "image/gif", "image/jpeg",
    "image/jpg", "application/vnd.oasis.opendocument.spreadsheet", "application/pdf", "image/png", "text/rtf",
    "image/tif", "image/tiff", "text/plain", "application/vnd/ms-excel", "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/xml",
})
CATEGORIES = ("Contact Photo", "Document", "Image", "Receipt", "Signature", "Sound", "Other")
#: maximum lengths (Intuit's reference)
LENGTHS = {"FileName": 1000, "Note": 2000, "Category": 100, "ContentType": 100, "PlaceName": 2000, "Lat": 100,
           "Long": 100, "Tag": 2000}
#: entities an attachable may not point at
NOT_ATTACHABLE = frozenset({"Attachable", "CompanyInfo", "Preferences", "TaxCode", "TaxRate"})


@dataclass(frozen=True)
class UploadedFile:
    """One ``file_content_NN`` part of an upload."""

    content: bytes
    content_type: str
    file_name: str | None = None  # from the part's Content-Disposition


@dataclass(frozen=True)
class StoredFile:
    content: bytes
    content_type: str
    file_name: str
    token: str  # the unguessable part of TempDownloadUri


class Attachable(EntityType):
    name = "Attachable"
    #: what a client may write; everything else QBO computes (and ignores when sent)
    writable: ClassVar[tuple[str, ...]] = ("AttachableRef", "FileName", "Note", "Category", "ContentType",
                                           "PlaceName", "Lat", "Long", "Tag")
    #: read-only fields QBO returns (sent back by clients with a full update, and ignored)
    system: ClassVar[tuple[str, ...]] = ("Id", "SyncToken", "MetaData", "domain", "sparse", "FileAccessUri",
                                         "TempDownloadUri", "Size", "ThumbnailFileAccessUri",
                                         "ThumbnailTempDownloadUri")
    fields: ClassVar[tuple[str, ...]] = writable + system
    known_fields = frozenset(fields)  # anything else is 2010 (simulator/entities/fields.py)

    def create(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        return self.save(company, self._given(body), op, current=None)

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        given = self._given(body)
        if sparse:
            given = {**{k: copy.deepcopy(v) for k, v in current.items() if k in self.writable}, **given}
        return self.save(company, given, op, current=current)

    def delete(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        company.remove(self.name, current["Id"], op)
        company.files.pop(current["Id"], None)
        return {"status": "Deleted", "domain": "QBO", "Id": current["Id"]}

    # -- building a record ------------------------------------------------------------------------
    def _given(self, body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in clean(body).items() if k in self.writable}

    def check(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None,
              file: UploadedFile | None = None) -> tuple[str | None, list[dict[str, Any]], str | None]:
        """Every rule a write must pass, before anything is stored: ``(FileName, links, content type)``."""
        stored: StoredFile | None = company.files.get(current["Id"]) if current else None
        for key in ("FileName", "Note", "Category", "ContentType", "PlaceName", "Lat", "Long", "Tag"):
            if isinstance(fields.get(key), (dict, list)):
                raise InvalidProperty(element=key, reason=f"{key}:failed to parse json object; a property")
            check_length(text(fields.get(key)), key, LENGTHS[key])
        file_name = text(fields.get("FileName")) or (file.file_name if file else None) or \
            (stored.file_name if stored and file is None else None)
        if not file_name and not text(fields.get("Note")):
            raise RequiredParamMissing(param="Note", element="Note")
        category = text(fields.get("Category"))
        if category is not None and category not in CATEGORIES:
            raise InvalidEnum(element="Category", value=f"Category:{category}")
        refs = _attachable_refs(company, fields.get("AttachableRef"))
        return file_name, refs, _content_type(file, fields) if file is not None else None

    def save(self, company: Company, fields: dict[str, Any], op: Op, *, current: dict[str, Any] | None,
             file: UploadedFile | None = None, base_url: str = "") -> dict[str, Any]:
        """Validate, build and store a version; ``file`` (from an upload) replaces any earlier file."""
        file_name, refs, content_type = self.check(company, fields, current, file)
        stored: StoredFile | None = company.files.get(current["Id"]) if current else None
        entity_id = current["Id"] if current else company.next_id(self.name)
        if file is not None and content_type is not None:
            stored = StoredFile(file.content, content_type, file_name or "", secrets.token_urlsafe(16))
        record: dict[str, Any] = {
            "domain": "QBO", "sparse": False, "Id": entity_id,
            "SyncToken": current["SyncToken"] if current else "0",
            "MetaData": dict(current["MetaData"]) if current else new_meta(op),
        }
        if refs:
            record["AttachableRef"] = refs
        if file_name:
            record["FileName"] = file_name
        if stored is not None:
            record["FileAccessUri"] = f"/v3/company/{company.realm_id}/download/{entity_id}"
            record["TempDownloadUri"] = download_url(base_url or _previous_base(current), company.realm_id,
                                                     entity_id, stored)
            record["Size"] = len(stored.content)
            record["ContentType"] = stored.content_type
        elif text(fields.get("ContentType")):
            record["ContentType"] = text(fields.get("ContentType"))
        for key in ("Category", "Note", "Lat", "Long", "PlaceName", "Tag"):
            value = text(fields.get(key))
            if value is not None:
                record[key] = value
        if current is not None:
            bump(record, op)
        if stored is not None:
            company.files[entity_id] = stored
        company.save(self.name, record, op, operation="Update" if current else "Create")
        return record


def _previous_base(current: dict[str, Any] | None) -> str:
    uri = str((current or {}).get("TempDownloadUri") or "")
    return uri.split("/attachments/", 1)[0] if "/attachments/" in uri else ""


def download_url(base_url: str, realm_id: str, entity_id: str, stored: StoredFile) -> str:
    """Where the bytes are served without a token, like QBO's temporary S3 links."""
    name = quote(stored.file_name or "file")
    return f"{base_url.rstrip('/')}/attachments/{realm_id}/{entity_id}/{stored.token}/{name}"


def stored_file(company: Company, entity_id: str, token: str | None = None) -> StoredFile | None:
    """The uploaded file of an attachable (checking the link's token when given)."""
    stored = company.files.get(entity_id)
    if stored is None or company.store("Attachable").get(entity_id) is None:
        return None
    if token is not None and not secrets.compare_digest(token, stored.token):
        return None
    return stored


def _content_type(file: UploadedFile, fields: dict[str, Any]) -> str:
    given = (file.content_type or "").split(";", 1)[0].strip().lower()
    declared = (text(fields.get("ContentType")) or "").split(";", 1)[0].strip().lower()
    content_type = declared if given in ("", "application/octet-stream") and declared else given
    if content_type not in CONTENT_TYPES:
        raise BusinessValidation(element="ContentType",
                                 reason=f"The file type {content_type or '(none)'} is not supported for attachments.")
    return content_type


def _attachable_refs(company: Company, value: Any) -> list[dict[str, Any]]:
    from simulator.entities import ENTITY_TYPES

    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise InvalidProperty(element="AttachableRef",
                                  reason="AttachableRef:failed to parse json object; a property")
        entity_ref = item.get("EntityRef")
        if not isinstance(entity_ref, dict):
            raise RequiredParamMissing(param="AttachableRef.EntityRef", element="AttachableRef.EntityRef")
        kind, ref_id = text(entity_ref.get("type")), text(entity_ref.get("value"))
        if not kind or not ref_id:
            raise RequiredParamMissing(param="AttachableRef.EntityRef", element="AttachableRef.EntityRef")
        rules = ENTITY_TYPES.get(kind.lower())
        entity = rules.name if rules else kind
        if entity in NOT_ATTACHABLE or company.store(entity).get(ref_id) is None:
            raise InvalidReference(element="AttachableRef.EntityRef",
                                   reason=f"{kind} element id {ref_id} not found")
        link: dict[str, Any] = {"IncludeOnSend": item.get("IncludeOnSend") in (True, "true")}
        if text(item.get("LineInfo")):
            link["LineInfo"] = text(item.get("LineInfo"))
        link["EntityRef"] = {"type": entity, "value": ref_id}
        out.append(link)
    return out


def upload(company: Company, items: list[tuple[dict[str, Any], UploadedFile]], op: Op, base_url: str
           ) -> dict[str, Any]:
    """``POST /upload``: one attachable per file, in part order; all or nothing [INF].

    Each item is the file's metadata (the matching ``file_metadata_NN`` part, or ``{}``) and the
    file. Metadata with an ``Id`` replaces that attachable's file (what python-quickbooks sends
    when saving an attachable that has an Id and a file).
    """
    rules = Attachable()
    if not items:
        raise RequiredParamMissing(param="file_content_01", element="file_content_01")
    responses = []
    with company.lock:
        plan = []
        for metadata, file in items:  # every part checked before any is stored
            current = rules.current(company, metadata) if metadata.get("Id") not in (None, "") else None
            fields = rules._given(metadata)
            if current is not None:
                check_sync_token(current, metadata, op)
                fields = {**{k: copy.deepcopy(v) for k, v in current.items() if k in rules.writable}, **fields}
            rules.check(company, fields, current, file)
            plan.append((fields, current, file))
        for fields, current, file in plan:
            record = rules.save(company, fields, op, current=current, file=file, base_url=base_url)
            responses.append({"Attachable": record})
    return {"AttachableResponse": responses}
