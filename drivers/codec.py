"""One JSON form per protocol value: encode, decode (with errors naming the field) and JSON Schema.

Types understood: ``str``, ``int``, ``float``, ``bool``, ``None``, :class:`~decimal.Decimal` (a decimal
string: money must not go through binary floats), timezone-aware :class:`~datetime.datetime` (ISO 8601),
``tuple[X, ...]`` / ``list[X]`` (arrays), ``X | None`` and the dataclasses of :mod:`drivers.model`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["encode", "decode", "schema", "CodecError", "DECIMAL_PATTERN"]

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
_NONE = type(None)


class CodecError(ValueError):
    """A JSON value does not have the protocol's shape; the message names the field path."""


def encode(value: Any) -> Any:
    """A protocol value as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    return value


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def decode(tp: Any, data: Any, path: str = "value") -> Any:
    """JSON data as the protocol type ``tp``; :class:`CodecError` names ``path`` and what was expected."""
    if tp is Any:
        return data
    if tp is None or tp is _NONE:
        if data is not None:
            raise CodecError(f"{path}: expected null, got {data!r}")
        return None
    if _is_union(tp):
        options = typing.get_args(tp)
        if data is None and _NONE in options:
            return None
        errors = []
        for option in (o for o in options if o is not _NONE):
            try:
                return decode(option, data, path)
            except CodecError as exc:
                errors.append(str(exc))
        raise CodecError(errors[0] if len(errors) == 1 else f"{path}: none of the accepted forms: {'; '.join(errors)}")
    origin = typing.get_origin(tp)
    if origin in (tuple, list):
        if not isinstance(data, list):
            raise CodecError(f"{path}: expected an array, got {_kind(data)}")
        (item,) = typing.get_args(tp)[:1]
        items = [decode(item, element, f"{path}[{i}]") for i, element in enumerate(data)]
        return tuple(items) if origin is tuple else items
    if dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, data, path)
    if tp is Decimal:
        if isinstance(data, bool) or not isinstance(data, (str, int)):
            raise CodecError(f"{path}: expected a decimal string such as \"104.50\", got {_kind(data)}")
        try:
            number = Decimal(str(data))
        except InvalidOperation:
            raise CodecError(f"{path}: {data!r} is not a decimal number") from None
        if not number.is_finite():
            raise CodecError(f"{path}: {data!r} is not a finite number")
        return number
    if tp is datetime:
        if not isinstance(data, str):
            raise CodecError(f"{path}: expected an ISO 8601 date-time, got {_kind(data)}")
        try:
            moment = datetime.fromisoformat(data)
        except ValueError:
            raise CodecError(f"{path}: {data!r} is not an ISO 8601 date-time") from None
        if moment.tzinfo is None:
            raise CodecError(f"{path}: {data!r} has no time zone offset")
        return moment
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise CodecError(f"{path}: expected a number, got {_kind(data)}")
        return float(data)
    if tp in (str, int, bool):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise CodecError(f"{path}: expected {_JSON_NAMES[tp]}, got {_kind(data)}")
        return data
    raise TypeError(f"{path}: the protocol has no JSON form for {tp!r}")


def _decode_dataclass(cls: Any, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise CodecError(f"{path}: expected an object ({cls.__name__}), got {_kind(data)}")
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise CodecError(f"{path}: unknown field(s) {unknown} for {cls.__name__}")
    values = {}
    for name, spec in fields.items():
        if name in data:
            values[name] = decode(hints[name], data[name], f"{path}.{name}")
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise CodecError(f"{path}: {cls.__name__} needs the field {name!r}")
    return cls(**values)


_JSON_NAMES = {str: "a string", int: "an integer", bool: "a boolean"}


def _kind(data: Any) -> str:
    if data is None:
        return "null"
    return {bool: "a boolean", str: "a string", int: "a number", float: "a number", list: "an array",
            dict: "an object"}.get(type(data), type(data).__name__) + f" ({data!r:.60})"


def schema(tp: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of ``tp``; dataclasses go into ``definitions``
    (``#/components/schemas/<Name>``)."""
    if tp is None or tp is _NONE:
        return {"type": "null"}
    if _is_union(tp):
        return {"anyOf": [schema(option, definitions) for option in typing.get_args(tp)]}
    origin = typing.get_origin(tp)
    if origin in (tuple, list):
        return {"type": "array", "items": schema(typing.get_args(tp)[0], definitions)}
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in definitions:
            definitions[name] = {}  # placeholder against recursion
            hints = _hints(tp)
            properties = {f.name: schema(hints[f.name], definitions) for f in dataclasses.fields(tp)}
            required = [f.name for f in dataclasses.fields(tp)
                        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
            doc = (tp.__doc__ or "").strip()
            definitions[name] = {"type": "object", "properties": properties, "required": required,
                                 "additionalProperties": False, **({"description": doc} if doc else {})}
        return {"$ref": f"#/components/schemas/{name}"}
    if tp is Decimal:
        return {"type": "string", "pattern": DECIMAL_PATTERN, "examples": ["104.50"]}
    if tp is datetime:
        return {"type": "string", "format": "date-time"}
    if tp is Any:
        return {}
    return {"type": {str: "string", int: "integer", float: "number", bool: "boolean"}[tp]}
