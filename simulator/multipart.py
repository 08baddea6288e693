"""``multipart/form-data`` bodies of ``POST /upload``, read with the standard library's MIME parser.

Upload clients differ in ways a form parser would lose: python-quickbooks sends LF line ends and
``Content-Transfer-Encoding: base64`` file parts without a ``filename``; PHP SDKs send the metadata
part as XML. :mod:`email` handles all of that (and binary parts byte for byte), so each part
keeps its name, filename, content type and decoded bytes. Nothing here imports Flask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Part", "parse_multipart", "MultipartError", "pair_upload_parts"]

_PART_NAME = re.compile(r"^file_(metadata|content)_(\w+)$")


class MultipartError(ValueError):
    """A body that is not the multipart it claims to be; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Part:
    name: str  # Content-Disposition name (file_metadata_01 ...)
    filename: str | None
    content_type: str
    content: bytes


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """The parts of a ``multipart/*`` body whose ``Content-Type`` header is ``content_type``."""
    # imported here, not at start-up: the email package costs tens of ms of cold start, uploads are rare
    from email import policy
    from email.message import EmailMessage
    from email.parser import BytesParser

    if "boundary=" not in content_type.lower():
        raise MultipartError("multipart body without a boundary")
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise MultipartError("the body has no parts")
    parts = []
    for part in message.iter_parts():
        if not isinstance(part, EmailMessage):
            continue
        payload = part.get_payload(decode=True)
        parts.append(Part(name=str(part.get_param("name", "", header="content-disposition") or ""),
                          filename=part.get_filename(), content_type=part.get_content_type(),
                          content=payload if isinstance(payload, bytes) else b""))
    if not parts:
        raise MultipartError("the body has no parts (is the boundary right?)")
    return parts


def pair_upload_parts(parts: list[Part]) -> tuple[list[tuple[Part | None, Part]], list[str]]:
    """Pair ``file_content_NN`` parts with their ``file_metadata_NN``; also the names of unpaired metadata.

    Files come back in the order their content parts were sent.
    """
    metadata: dict[str, Part] = {}
    contents: list[tuple[str, Part]] = []
    for part in parts:
        match = _PART_NAME.match(part.name)
        if not match:
            continue
        kind, suffix = match.groups()
        if kind == "metadata":
            metadata[suffix] = part
        else:
            contents.append((suffix, part))
    paired = [(metadata.pop(suffix, None), part) for suffix, part in contents]
    return paired, [f"file_metadata_{suffix}" for suffix in metadata]
