"""QBO's query language: ``SELECT * | COUNT(*) FROM E [WHERE] [ORDERBY] [STARTPOSITION n] [MAXRESULTS n]``.

Two halves, both free of I/O and Flask:

* :func:`parse` turns text into an immutable :class:`Query`. QBO's parser is JavaCC-generated, and
  clients log its messages verbatim, so syntax errors imitate JavaCC's wording
  (``Encountered " <IDENTIFIER> "TxnDate "" at line 1, column 29.`` then the expected tokens;
  ``Invalid content. Lexical error at line 1, column 44.  Encountered: "%" (37), after : ""``).
  The lexer is lazy like JavaCC's, so a syntax error is reported before a later lexical one. Any
  input either parses or raises :class:`QueryParseError` (4000) / :class:`QueryValidationError` (4001).
* :func:`execute` runs a query against a company's :class:`EntityStore` mapping and returns the
  ``QueryResponse`` payload. It answers from an index when an AND-condition allows it (``Id``,
  ``DocNumber``, ``CustomerRef``, ``DisplayName``, ``Name``, ``MetaData.LastUpdatedTime >``), since
  sync clients poll those against companies with 100k invoices; other conditions filter the rest.

Decisions where QBO's behaviour is not confirmed (qbo-api.md §10):

* Default page size when MAXRESULTS is omitted: 100 (commonly stated; no Intuit source found).
* ``MAXRESULTS`` above 1000: 4001 ``value 1001 is too large. Max allowed value is 1000``, mirroring
  the captured ``value 0 is too small. Min allowed value is 1``.
* Unknown entity: 4001 ``invalid context declaration: Check`` — the wording two unrelated QBO
  integrations recorded from production for ``FROM Check`` / ``FROM CreditCardCredit``. An entity QBO
  has that the simulator does not serve gets the same answer (never an empty page).
* ``totalCount`` on a page is the number of matches over all pages; an empty page is ``{}``.
* ``OR``, ``JOIN``, ``GROUP BY`` are syntax errors (4000) at the offending token.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator import query_schema as qs
from simulator.faults import QueryParseError, QueryValidationError
from simulator.store import EntityStore

__all__ = ["DEFAULT_MAX_RESULTS", "MAX_RESULTS_LIMIT", "Condition", "OrderKey", "Query", "execute", "parse"]

#: page size when the query has no MAXRESULTS (INF: widely repeated, not found in Intuit's docs)
DEFAULT_MAX_RESULTS = 100
#: "Query responses max 1000 entities" [DOC IDOC-rest]
MAX_RESULTS_LIMIT = 1000
_JAVA_INT_MAX = 2**31 - 1

Literal = qs.Literal


@dataclass(frozen=True)
class Condition:
    """One AND-ed ``prop op value(s)``; names stay as written until :func:`execute` resolves them."""

    prop: str
    op: str  # "=", "!=", "<", ">", "<=", ">=", "in", "like"
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class OrderKey:
    prop: str
    descending: bool = False


@dataclass(frozen=True)
class Query:
    """A parsed statement. Immutable, so :func:`parse` can hand the same instance to every caller."""

    entity: str
    count: bool = False
    where: tuple[Condition, ...] = ()
    order_by: tuple[OrderKey, ...] = ()
    start_position: int = 1
    max_results: int = DEFAULT_MAX_RESULTS


# --- lexer ----------------------------------------------------------------------------------------
_KEYWORDS = {k: f'"{k}"' for k in (
    "select", "from", "where", "count", "orderby", "order", "by", "startposition", "maxresults",
    "asc", "desc", "in", "like", "true", "false")}
_KEYWORDS.update({"and": "<AND>", "or": "<OR>"})
IDENT, STRING, INTEGER, DECIMAL, EOF = "<IDENTIFIER>", "<STRING>", "<INTEGER>", "<DECIMAL>", "<EOF>"
_SPACE = re.compile(r"[ \t\r\n\f]*")
_WORD = re.compile(r"[A-Za-z0-9_.]*")
_DIGITS = re.compile(r"[0-9]*")
#: a quoted string holds printable ASCII only: QBO's lexer stops at anything else, even inside quotes
#: (an en dash, a typographic apostrophe) with a lexical error — names QBO accepts on create cannot be
#: queried [CAP-report, issue 14; INF: the whole non-ASCII range is refused, Latin-1 letters included]
_STRING_RUN = re.compile(r"[ -&(-\[\]-~\t]*")
_IMAGE_LIMIT = 200  # keep fault text bounded whatever the input size


@dataclass(frozen=True)
class _Token:
    kind: str
    image: str
    line: int
    column: int
    value: str = ""


_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
            '"': '\\"', "'": "\\'", "\\": "\\\\"}


def _isdigit(ch: str) -> bool:
    return len(ch) == 1 and "0" <= ch <= "9"


def _escape(text: str) -> str:
    """JavaCC's ``add_escapes``: how its messages print token images."""
    if len(text) > _IMAGE_LIMIT:
        text = text[:_IMAGE_LIMIT]
    out = []
    for ch in text:
        special = _ESCAPES.get(ch)
        if special:
            out.append(special)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.extend(f"\\u{u:04x}" for u in _utf16(ch))
    return "".join(out)


def _utf16(ch: str) -> list[int]:
    code = ord(ch)
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def _advance_to(self, end: int) -> None:
        newlines = self.text.count("\n", self.pos, end)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.pos, end) + 1
        self.pos = end

    def _where(self, index: int) -> tuple[int, int]:
        if index < 0:
            return 0, 0
        line = self.text.count("\n", 0, index) + 1
        return line, index - (self.text.rfind("\n", 0, index) + 1) + 1

    def _lexical_error(self, after_from: int) -> QueryParseError:
        text, pos = self.text, self.pos
        if pos >= len(text):
            line, column = self._where(len(text) - 1)
            seen = "<EOF> "
        else:
            line, column = self.line, pos - self.line_start + 1
            unit = _utf16(text[pos])[0]  # JavaCC reads UTF-16: an astral character shows its high surrogate
            shown = _escape(text[pos]) if unit == ord(text[pos]) else f"\\u{unit:04x}"
            seen = f'"{shown}" ({unit}), '
        after = _escape(text[after_from:pos])
        return QueryParseError(reason=f"Invalid content. Lexical error at line {line}, column {column}.  "
                                      f'Encountered: {seen}after : "{after}"')

    def next(self) -> _Token:
        text = self.text
        self._advance_to(_SPACE.match(text, self.pos).end())
        start = self.pos
        if start >= len(text):
            line, column = self._where(len(text) - 1)
            return _Token(EOF, "", line, column)
        line, column = self.line, start - self.line_start + 1
        ch = text[start]
        if ch.isascii() and (ch.isalpha() or ch == "_"):
            end = _WORD.match(text, start + 1).end()
            image = text[start:end]
            self.pos = end
            return _Token(_KEYWORDS.get(image.lower(), IDENT), image, line, column, image)
        if _isdigit(ch) or ch == "-" and _isdigit(text[start + 1:start + 2]):
            end = _DIGITS.match(text, start + 1).end()
            kind = INTEGER
            if text[end:end + 1] == "." and _isdigit(text[end + 1:end + 2]):
                end, kind = _DIGITS.match(text, end + 1).end(), DECIMAL
            self.pos = end
            return _Token(kind, text[start:end], line, column, text[start:end])
        if ch == "'":
            return self._string(start, line, column)
        if ch in "<>!" and text[start + 1:start + 2] == "=":  # != : python-quickbooks' own suite sends it
            self.pos = start + 2
            return _Token(f'"{ch}="', ch + "=", line, column)
        if ch in "=<>(),*":
            self.pos = start + 1
            return _Token(f'"{ch}"', ch, line, column)
        raise self._lexical_error(start)

    def _string(self, start: int, line: int, column: int) -> _Token:
        text, parts, j = self.text, [], start + 1
        while True:
            end = _STRING_RUN.match(text, j).end()
            parts.append(text[j:end])
            if end >= len(text) or end + 1 >= len(text) and text[end] == "\\":
                self._advance_to(len(text))
                raise self._lexical_error(start)
            if text[end] not in "'\\":  # outside printable ASCII
                self._advance_to(end)
                raise self._lexical_error(start)
            if text[end] == "'":
                self._advance_to(end + 1)
                return _Token(STRING, text[start:end + 1], line, column, "".join(parts))
            parts.append(text[end + 1])  # backslash escapes the next character [DOC blogs 2014, 2017]
            j = end + 2


# --- parser ---------------------------------------------------------------------------------------
_AFTER_ENTITY = (EOF, '"maxresults"', '"order"', '"orderby"', '"startposition"', '"where"')
_AFTER_CONDITION = (EOF, "<AND>", '"maxresults"', '"order"', '"orderby"', '"startposition"')
_AFTER_ORDER_KEY = (EOF, '","', '"asc"', '"desc"', '"maxresults"', '"startposition"')
_OPERATORS = ('"!="', '"<"', '"<="', '"="', '">"', '">="', '"in"', '"like"')
_VALUES = (DECIMAL, INTEGER, STRING, '"false"', '"true"')


class _Parser:
    def __init__(self, text: str) -> None:
        self.lexer = _Lexer(text)
        self.tok = self.lexer.next()

    def take(self, *kinds: str) -> _Token:
        tok = self.tok
        if tok.kind not in kinds:
            raise self.unexpected(kinds)
        self.tok = self.lexer.next() if tok.kind != EOF else tok
        return tok

    def unexpected(self, expected: Iterable[str]) -> QueryParseError:
        tok = self.tok
        seen = EOF if tok.kind == EOF else f' {tok.kind} "{_escape(tok.image)} "'
        lines = [kind + (" " if kind == EOF else " ...") for kind in expected]
        header = "Was expecting:" if len(lines) == 1 else "Was expecting one of:"
        body = "".join(f"\n    {line}" for line in lines)
        return QueryParseError(reason=f'Encountered "{seen}" at line {tok.line}, column {tok.column}.\n'
                                      f"{header}{body}\n    ")

    def query(self) -> Query:
        self.take('"select"')
        count = self.tok.kind == '"count"'
        if count:
            for kind in ('"count"', '"("', '"*"', '")"'):
                self.take(kind)
        else:  # projections are ignored, but PYQB sends "SELECT *, Sku FROM Item" [LIB]
            self.take('"*"', IDENT)
            while self.tok.kind == '","':
                self.take('","')
                self.take('"*"', IDENT)
        if self.tok.kind != '"from"':
            raise self.unexpected(('"from"',) if count else ('","', '"from"'))
        self.take('"from"')
        entity = self.take(IDENT).image
        where: list[Condition] = []
        if self.tok.kind == '"where"':
            self.take('"where"')
            where.append(self.condition())
            while self.tok.kind == "<AND>":
                self.take("<AND>")
                where.append(self.condition())
        order = self.order_by(_AFTER_CONDITION if where else _AFTER_ENTITY)
        paging = self.paging()
        return Query(entity, count, tuple(where), order, paging.get("startposition", 1),
                     paging.get("maxresults", DEFAULT_MAX_RESULTS))

    def condition(self) -> Condition:
        prop = self.take(IDENT).image
        op = self.take(*_OPERATORS).image.lower()
        if op == "in":
            self.take('"("')
            values = [self.value()]
            while self.tok.kind == '","':
                self.take('","')
                values.append(self.value())
            self.take('")"')
        elif op == "like":
            values = [("string", self.take(STRING).value)]
        else:
            values = [self.value()]
        return Condition(prop, op, tuple(values))

    def value(self) -> Literal:
        tok = self.take(*_VALUES)
        if tok.kind == STRING:
            return ("string", tok.value)
        if tok.kind in (INTEGER, DECIMAL):
            return ("number", tok.image)
        return ("bool", tok.image.lower())

    def order_by(self, expected: tuple[str, ...]) -> tuple[OrderKey, ...]:
        if self.tok.kind == '"order"':
            self.take('"order"')
            self.take('"by"')
        elif self.tok.kind == '"orderby"':
            self.take('"orderby"')
        else:
            if self.tok.kind not in expected:
                raise self.unexpected(expected)
            return ()
        keys = []
        while True:
            prop = self.take(IDENT).image
            descending = explicit = self.tok.kind in ('"asc"', '"desc"')
            if explicit:
                descending = self.take('"asc"', '"desc"').kind == '"desc"'
            keys.append(OrderKey(prop, descending))
            if self.tok.kind != '","':
                break
            self.take('","')
        if self.tok.kind not in _AFTER_ORDER_KEY:
            raise self.unexpected(_AFTER_ORDER_KEY if not explicit else
                                  tuple(k for k in _AFTER_ORDER_KEY if k not in ('"asc"', '"desc"')))
        return tuple(keys)

    def paging(self) -> dict[str, int]:
        seen: dict[str, int] = {}
        while True:
            allowed = tuple(k for k in ('"maxresults"', '"startposition"') if k.strip('"') not in seen)
            if self.tok.kind == EOF:
                return seen
            keyword = self.take(EOF, *allowed).image.lower()
            seen[keyword] = _bounded(self.take(INTEGER).image, keyword)


def _bounded(text: str, keyword: str) -> int:
    """STARTPOSITION is 1-based [CAP 2024]; MAXRESULTS is capped at 1000 [DOC, wording INF]."""
    digits = text.lstrip("-").lstrip("0") or "0"
    shown = ("-" if text.startswith("-") and digits != "0" else "") + digits[:_IMAGE_LIMIT]
    if text.startswith("-") or digits == "0":
        raise QueryValidationError(reason=f"value {shown} is too small. Min allowed value is 1")
    limit = MAX_RESULTS_LIMIT if keyword == "maxresults" else _JAVA_INT_MAX
    if len(digits) > 10 or int(digits) > limit:
        raise QueryValidationError(reason=f"value {shown} is too large. Max allowed value is {limit}")
    return int(digits)


@functools.lru_cache(maxsize=512)
def _parse_cached(text: str) -> Query:
    return _Parser(text).query()


def parse(text: str) -> Query:
    """Parse one QBO query; raises only :class:`QueryParseError` or :class:`QueryValidationError`."""
    if not isinstance(text, str):
        text = ""  # no statement at all: JavaCC's empty-input message
    if len(text) <= 4096:  # sync clients repeat the same few statements; huge ones are not worth keeping
        return _parse_cached(text)
    return _Parser(text).query()


# --- execution ------------------------------------------------------------------------------------
_TYPE_NAMES = {qs.NUMBER: "Decimal", qs.DATE: "Date", qs.DATETIME: "DateTime", qs.BOOL: "Boolean",
               qs.ID: "Id"}
_INDEXABLE_KINDS = (qs.STRING, qs.REF, qs.ID)
_LAST_UPDATED = "MetaData.LastUpdatedTime"


@dataclass(frozen=True)
class _Compiled:
    prop: qs.Prop
    op: str
    values: tuple[Literal, ...]
    converted: tuple[Any, ...]
    test: qs.Predicate


def execute(query: Query, stores: Mapping[str, EntityStore]) -> dict[str, Any]:
    """Run ``query`` against one company's stores and return the ``QueryResponse`` payload."""
    entity = _entity(query.entity, stores)
    store = stores.get(entity)
    # only schema-less entities read records to resolve a property, and stop at the first hit
    records: Iterable[dict[str, Any]] = store.records.values() if store is not None else ()
    # nothing stored: any property of a schema-less entity is accepted and matches nothing
    lenient = store is None or len(store) == 0
    where = [_compile(entity, c, records, lenient) for c in query.where]
    order = [(p, key.descending) for key in query.order_by
             if (p := _prop(entity, key.prop, records, lenient)) is not None]
    tests = [c.test for c in where]
    if entity in qs.NAME_LISTS and not any(c.prop.path == "Active" for c in where):
        tests.append(qs.is_active)  # inactive list rows are hidden by default [CAP 2026 sandbox]
    if store is None:
        return {"totalCount": 0} if query.count else {}

    start, size = query.start_position, query.max_results
    candidates = _candidates(store, where)
    if candidates is None and not tests and not order:  # a plain page: no need to touch every row
        total = len(store)
        page = list(itertools.islice(_scan(store), start - 1, start - 1 + size))
    else:
        test = _all(tests)
        if candidates is None:
            matches = [r for r in _scan(store) if test(r)]  # the store keeps Id order
        else:
            matches = [r for r in candidates if test(r)]
            matches.sort(key=_id_order)
        for prop, descending in reversed(order if not query.count else []):  # stable: last key first
            matches.sort(key=qs.order_key(prop), reverse=descending)
        total = len(matches)
        page = matches[start - 1:start - 1 + size]
    if query.count:
        return {"totalCount": total}
    if not page:
        return {}
    return {entity: page, "startPosition": start, "maxResults": len(page), "totalCount": total}


def _scan(store: EntityStore) -> Iterable[dict[str, Any]]:
    """Every record in Id order; the one place a full scan happens (tests count calls to it)."""
    return store.records.values()


def _entity(name: str, stores: Mapping[str, EntityStore]) -> str:
    """The stored entity a FROM names: one the simulator serves (any case; an alias such as
    ``CreditCardPayment`` → ``CreditCardPaymentTxn``). Anything else is QBO's 4001 for an unknown entity:
    an entity QBO has but the simulator does not serve fails the same way rather than answering an empty
    page a client's test would pass on vacuously [INF: QBO's wording for an unknown entity]."""
    from simulator.entities import BY_NAME  # entities never import the query engine: no cycle

    rules = BY_NAME.get(name)
    if rules is None:
        folded = name.casefold()  # INF: Intuit documents entity names as case-sensitive; we forgive case
        rules = next((r for known, r in BY_NAME.items() if known.casefold() == folded), None)
    if rules is None:
        if name in stores:  # a store made outside the rules (unit tests of the engine)
            return name
        raise QueryValidationError(reason=f"invalid context declaration: {_escape(name)}")
    return rules.name


def _prop(entity: str, name: str, records: Iterable[dict[str, Any]], lenient: bool) -> qs.Prop | None:
    prop = qs.resolve(entity, name, records)
    if prop is None and not (lenient and entity not in qs.SCHEMAS):
        raise QueryValidationError(reason=f"Property {_escape(name)} not found for Entity {entity}")
    return prop


def _compile(entity: str, cond: Condition, records: Iterable[dict[str, Any]], lenient: bool) -> _Compiled:
    prop = _prop(entity, cond.prop, records, lenient) or qs.Prop(cond.prop, cond.prop, qs.AUTO)
    converted = []
    for literal in cond.values:
        if cond.op == "in" and literal[0] == "string" and not literal[1].strip():
            converted.append(None)  # ' ' stands for null in IN lists [DOC]
            continue
        try:
            converted.append(qs.query_value(prop.kind, literal) if cond.op != "like" else literal[1])
        except (ValueError, TypeError, OverflowError):  # wording INF: QBO's is not on record
            kind = _TYPE_NAMES.get(prop.kind, "String")
            reason = f"value {_escape(literal[1])} is not valid for property {prop.name} of type {kind}"
            raise QueryValidationError(reason=reason) from None
    test = qs.predicate(prop, cond.op, cond.values, converted)
    return _Compiled(prop, cond.op, cond.values, tuple(converted), test)


def _candidates(store: EntityStore, where: list[_Compiled]) -> list[dict[str, Any]] | None:
    """Rows that may match, from the most selective index an AND-condition allows; ``None`` = scan."""
    best: list[dict[str, Any]] | None = None
    for cond in where:
        path = cond.prop.path
        if (cond.op not in ("=", "in") or cond.prop.kind not in _INDEXABLE_KINDS
                or None in cond.converted or not store.indexed(path)):
            continue
        found: dict[str, dict[str, Any]] = {}
        for literal in cond.values:
            key = literal[1]
            if path == "Id" and key.isascii() and key.isdigit() and len(key) < 19:
                key = str(int(key))  # '007' and '7' are the same Id to the exact test
            for record in store.lookup(path, key):
                found[record["Id"]] = record
        if best is None or len(found) < len(best):
            best = list(found.values())
    if best is not None:
        return best
    for cond in where:
        if cond.prop.path == _LAST_UPDATED and cond.op in (">", ">=", "="):
            # The timeline keeps sub-second epochs while MetaData shows whole seconds: widen by a
            # second and let the exact test decide.
            return store.changed_since(cond.converted[0] - 1.0)
    return None


def _all(tests: list[qs.Predicate]) -> qs.Predicate:
    if len(tests) == 1:
        return tests[0]

    def test(record: dict[str, Any]) -> bool:
        for one in tests:
            if not one(record):
                return False
        return True
    return test


def _id_order(record: dict[str, Any]) -> tuple[int, Any]:
    return qs.id_key(str(record.get("Id", "")))
