"""QBO's query language, parsed: text to an immutable :class:`Query`, or the fault QBO answers.

QBO's parser is JavaCC-generated, and clients log its messages verbatim, so syntax errors imitate
JavaCC's wording (``Encountered " <IDENTIFIER> "TxnDate "" at line 1, column 29.`` then the expected
tokens; ``Invalid content. Lexical error at line 1, column 44.  Encountered: "%" (37), after : ""``).
The lexer is lazy like JavaCC's, so a syntax error is reported before a later lexical one. Any input
either parses or raises :class:`QueryParseError` (4000) / :class:`QueryValidationError` (4001).
Running a parsed query is :mod:`simulator.query`'s half; the decisions where QBO's behaviour is not
confirmed are listed there.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from simulator import query_schema as qs
from simulator.faults import QueryParseError, QueryValidationError

__all__ = ["DEFAULT_MAX_RESULTS", "MAX_RESULTS_LIMIT", "Condition", "OrderKey", "Query", "escape", "parse"]

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


def escape(text: str) -> str:
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
            shown = escape(text[pos]) if unit == ord(text[pos]) else f"\\u{unit:04x}"
            seen = f'"{shown}" ({unit}), '
        after = escape(text[after_from:pos])
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
        seen = EOF if tok.kind == EOF else f' {tok.kind} "{escape(tok.image)} "'
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
