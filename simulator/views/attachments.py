"""Attachments over HTTP: ``POST /upload`` (multipart), ``GET /download/<Id>`` and the file links.

``/upload`` and ``/download`` live on the accounting blueprint (bearer check, fault plan, journal,
``requestid``). ``/download/<Id>`` answers, as QBO does, a ``text/plain`` temporary link; that
link (``TempDownloadUri``) is served by :func:`files_blueprint` without a bearer token, as S3
serves QBO's, its unguessable token standing in for S3's signature.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, request

from simulator import service, wire
from simulator.entities.attachable import UPLOAD_LIMIT, UploadedFile, download_url, stored_file, upload
from simulator.faults import InvalidProperty, ObjectNotFound, RequiredParamMissing, UnsupportedOperation
from simulator.multipart import MultipartError, pair_upload_parts, parse_multipart

__all__ = ["add_attachment_routes", "files_blueprint"]


def add_attachment_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/upload", "upload", upload_view, methods=["POST"])
    bp.add_url_rule("/download/<entity_id>", "download", download_view, methods=["GET"])


def upload_view() -> Response:
    from simulator.views.accounting import idempotent, respond

    request.max_content_length = current_app.config.get("UPLOAD_MAX_CONTENT_LENGTH", UPLOAD_LIMIT)
    content_type = request.headers.get("Content-Type", "")
    if not content_type.lower().startswith("multipart/"):
        # what QBO answers an upload that is not multipart [CAP quickbooks-node-promise#24]
        raise UnsupportedOperation(operation="Cannot consume content type")
    try:
        parts = parse_multipart(request.get_data(cache=True), content_type)
    except MultipartError as exc:
        raise InvalidProperty(reason=f"multipart body: {exc.reason}; a property") from None
    pairs, unpaired = pair_upload_parts(parts)
    if unpaired:
        missing = unpaired[0].replace("metadata", "content")
        raise RequiredParamMissing(param=missing, element=missing)
    items = [(_metadata(meta.content, meta.content_type) if meta is not None else {},
              UploadedFile(part.content, part.content_type, part.filename)) for meta, part in pairs]
    company = g.company
    op = service.new_op(company, request.args.get("include"))
    return idempotent(lambda: respond(upload(company, items, op, request.host_url)))


def _metadata(raw: bytes, content_type: str) -> dict[str, Any]:
    """A ``file_metadata_NN`` part: an Attachable in JSON (or XML, as the PHP SDK sends it)."""
    import json

    if "xml" in content_type:
        from simulator.xmlcodec import XMLBodyError, from_xml

        try:
            _, fields = from_xml(raw)
        except XMLBodyError as exc:
            raise InvalidProperty(reason=f"file_metadata: failed to parse xml object ({exc.reason}); a property") \
                from None
        return fields
    try:
        value = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise InvalidProperty(reason="file_metadata:failed to parse json object; a property") from None
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Attachable"), dict):
        value = value["Attachable"]
    if not isinstance(value, dict):
        raise InvalidProperty(reason="file_metadata:failed to parse json object; a property")
    return value


def download_view(entity_id: str) -> Response:
    company = g.company
    service.read(company, service.entity_type("attachable"), entity_id)  # 610 when there is none
    stored = stored_file(company, entity_id)
    if stored is None:
        raise ObjectNotFound()  # a note has nothing to download [INF]
    link = download_url(request.host_url, company.realm_id, entity_id, stored)
    return Response(link, content_type="text/plain;charset=UTF-8", headers=wire.NO_CACHE)


def files_blueprint() -> Blueprint:
    """``GET /attachments/<realm>/<Id>/<token>/<file name>``: the bytes of an uploaded file."""
    bp = Blueprint("attachment_files", __name__)

    @bp.get("/attachments/<realm_id>/<entity_id>/<token>/<path:file_name>")
    def file_view(realm_id: str, entity_id: str, token: str, file_name: str) -> Response:
        company = current_app.extensions["qbo_simulator"].company(realm_id)
        stored = stored_file(company, entity_id, token) if company is not None else None
        if stored is None:
            return wire.json_response({"error": "Not Found", "detail": "no such attachment (or the link is wrong)"},
                                      404)
        safe_name = stored.file_name.replace('"', "")
        return Response(stored.content, content_type=stored.content_type,
                        headers={"Content-Disposition": f'inline; filename="{safe_name}"', **wire.NO_CACHE})

    return bp
