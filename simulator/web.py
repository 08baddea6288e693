"""The Flask and werkzeug classes the simulator serves with: the stock ones, minus per-request waste.

Profiles of ``GET /invoice/<id>`` (issue 16) showed the simulator paying, on every request, for
things a bare Flask app pays once or never: an exception built and caught for each absent query
parameter, an ``async`` check for each hook, header validation of constant headers, and binding the
URL map to the request's host (IDNA-encoding it) although a server is reached under one or two
hosts. Each class here removes one such cost and keeps the stock behaviour (same values, same errors).
Building an app compiled two URL builders per route (werkzeug generates and compiles Python for each):
:class:`SimRule` compiles each once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from flask import Flask, Request, Response
from werkzeug.datastructures import Headers, ImmutableMultiDict
from werkzeug.routing import MapAdapter, Rule

__all__ = ["SimFlask", "SimRequest", "SimResponse", "QueryArgs", "trusted_headers", "add_trusted"]


class QueryArgs(ImmutableMultiDict):  # type: ignore[type-arg]
    """``request.args`` whose ``get`` of an absent key costs a dict lookup.

    werkzeug's ``get`` finds an absent key by raising and catching ``BadRequestKeyError`` (an HTTP
    exception, several microseconds to build); QBO clients leave most of ``requestid``, ``operation``,
    ``include``, ``format`` out, so every request paid that a few times over. Same results.
    """

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # noqa: A002 (werkzeug's name)
        if type is None:
            values = dict.get(self, key)
            return values[0] if values else default
        return super().get(key, default, type)


class SimRequest(Request):
    parameter_storage_class = QueryArgs


class SimResponse(Response):
    """A response whose headers are handed to the server without checking every value a second time.

    werkzeug's :meth:`get_wsgi_headers` copies the headers through ``Headers(self.headers)``, which checks
    each value for line breaks again (they were checked when they were added, or are the simulator's own
    constants): on a data-service answer's six headers that was ~45 k instructions, a tenth of a GET (issue
    16). When werkzeug would change nothing (no ``Location`` or ``Content-Location`` to rewrite, a
    ``Content-Length`` already set, a status that carries a body) the copy is a plain list copy; anything
    else goes through werkzeug. Same headers, same order (tests/simulator/test_fast_paths.py).
    """

    def get_wsgi_headers(self, environ: Any) -> Headers:
        headers = self.headers
        status = self.status_code
        if not _TRUSTED or type(headers) is not Headers or status < 200 or status in (204, 304):
            return super().get_wsgi_headers(environ)
        has_length = False
        for key, _ in headers._list:
            name = key.lower()
            if name == "content-length":
                has_length = True
            elif name in ("location", "content-location"):
                return super().get_wsgi_headers(environ)
        if not has_length:
            return super().get_wsgi_headers(environ)
        copy = Headers()
        copy._list = list(headers._list)
        return copy

    def get_app_iter(self, environ: Any) -> Any:
        """The body as it is when it is one bytes chunk with nothing to close (every data-service answer):
        werkzeug wraps it in a generator and a ``ClosingIterator`` the server then steps through in Python
        (~10 k instructions over waitress). Anything else, a ``HEAD`` and a status without a body go through
        werkzeug (tests/simulator/test_fast_paths.py)."""
        body = self.response
        status = self.status_code
        if (type(body) is list and len(body) == 1 and type(body[0]) is bytes and not self._on_close
                and self.automatically_set_content_length  # else the server frames it (chunked) from an iterator
                and 200 <= status and status != 204 and status != 304 and environ["REQUEST_METHOD"] != "HEAD"):
            return body
        return super().get_app_iter(environ)


class SimRule(Rule):
    """werkzeug's :class:`Rule`, with the URL builders ``url_for`` runs compiled when first used, once per
    process per rule.

    werkzeug builds each rule's two builders (with and without unknown arguments appended as a query) by
    generating an AST and compiling it when the rule is added to a map: ~180 ms of the ~320 ms a process's
    first simulator app cost and ~30 of the ~50 ms each later one did, paid by every test, gate scenario,
    gate worker and ``qbo-sim serve`` that built an app (issue 16), though the simulator builds URLs only
    for the inspector's links. A builder is a pure function of the rule's text, its parsed parts and that
    flag: it reaches the rule's converters and map only through the ``self`` it is bound to. So a rule
    without defaults (a default can be folded into the code through its converter) gets a stand-in that
    compiles the builder on its first call, or the one compiled for an equal rule before it, bound to
    itself. Same URLs, same errors (tests/simulator/test_url_binding.py)."""

    #: builders remembered, by (rule text, parsed parts, append unknown); the simulator has ~100 rules
    BUILDERS = 1024
    _builders: ClassVar[dict[tuple[Any, ...], Callable[..., tuple[str, str]]]] = {}

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        trace = getattr(self, "_trace", None)  # werkzeug's parsed parts (a private name: if it goes, the stock path)
        if self.defaults or trace is None:
            return super()._compile_builder(append_unknown)
        key = (self.rule, tuple(trace), append_unknown)
        builder = self._builders.get(key)
        if builder is not None:
            return builder
        compile_builder = super()._compile_builder

        def first_build(rule: SimRule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            compiled = self._builders.get(key) or compile_builder(append_unknown)
            if len(self._builders) < self.BUILDERS:
                self._builders[key] = compiled
            setattr(rule, "_build_unknown" if append_unknown else "_build", compiled.__get__(rule, None))
            return compiled(rule, *args, **kwargs)

        return first_build


class SimFlask(Flask):
    """Flask, with :meth:`ensure_sync` worked out once per function instead of once per call, and the
    URL map's binding to a host worked out once per host (:meth:`create_url_adapter`).

    Flask asks ``inspect.iscoroutinefunction`` about every hook and view on every request; the
    answer for a given function never changes. (Flask documents ``ensure_sync`` as the method to
    override to change how functions are run.)
    """

    request_class = SimRequest
    response_class = SimResponse
    url_rule_class = SimRule
    #: distinct bindings remembered (host, port, scheme, script name, connection headers); a server is
    #: reached under a handful, and past this many the stock path serves the rest. A binding whose key is over
    #: 512 characters (waitress accepts 256 KiB headers) is not remembered: 64 of them held ~43 MB
    BINDINGS = 64

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synced: dict[Callable[..., Any], Callable[..., Any]] = {}
        self._bindings: dict[tuple[Any, ...], tuple[str, str, str, str | None, str]] = {}

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:  # type: ignore[override]
        """The stock adapter, with what depends only on the host remembered per host.

        Binding to the environ (``Map.bind_to_environ``: the host, lower-cased and IDNA-encoded, the
        subdomain, the scheme) was ~45 k instructions of a ~550 k-instruction ``GET /invoice/<id>``
        (issue 16). It depends only on the environ's host, server name and port, scheme, ``Connection``
        and ``Upgrade`` headers and script name (werkzeug's ``get_host`` and ``bind_to_environ``). The
        first request under a binding takes the stock path (so a bad host fails as it always did, and
        nothing is remembered); later ones get the same :class:`MapAdapter` around their own path,
        method and query. Apps configured with ``SERVER_NAME``, ``TRUSTED_HOSTS``, host or subdomain
        matching always take the stock path. Same adapters, routes and ``request.host``
        (tests/simulator/test_url_binding.py).
        """
        config = self.config
        if (request is None or config["SERVER_NAME"] is not None or config["TRUSTED_HOSTS"] is not None
                or self.url_map.host_matching or self.subdomain_matching):
            return super().create_url_adapter(request)
        environ = request.environ
        get = environ.get
        key = (get("HTTP_HOST"), get("SERVER_NAME"), get("SERVER_PORT"), get("wsgi.url_scheme"), get("HTTP_CONNECTION"),
               get("HTTP_UPGRADE"), get("SCRIPT_NAME"))
        bound = self._bindings.get(key)
        if bound is None:
            adapter = super().create_url_adapter(request)
            short = sum(map(len, filter(None, key))) <= 512
            if adapter is not None and short and len(self._bindings) < self.BINDINGS:
                self._bindings[key] = (request.host, adapter.server_name, adapter.script_name, adapter.subdomain,
                                       adapter.url_scheme)
            return adapter
        host, server_name, script_name, subdomain, scheme = bound
        request.host = host  # as Flask's create_url_adapter sets it
        path, query = get("PATH_INFO"), get("QUERY_STRING")
        return MapAdapter(self.url_map, server_name, script_name, subdomain, scheme,
                          "/" if path is None else _wsgi_text(path), environ["REQUEST_METHOD"],
                          None if query is None else _wsgi_text(query))

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._synced[func]
        except (KeyError, TypeError):  # TypeError: an unhashable callable, not cached
            synced = super().ensure_sync(func)
            try:
                self._synced[func] = synced
            except TypeError:
                pass
            return synced


def _wsgi_text(value: str) -> str:
    """A WSGI environ string (bytes as latin-1, PEP 3333) as the text werkzeug matches routes against."""
    return value.encode("latin1").decode(errors="replace")


def _trusted_supported() -> bool:
    """Whether werkzeug's Headers still keeps its pairs in ``_list`` (checked once, at import)."""
    probe = Headers()
    if not isinstance(getattr(probe, "_list", None), list):
        return False
    probe._list.append(("X-Probe", "1"))
    return probe.get("x-probe") == "1" and list(probe.items()) == [("X-Probe", "1")]


_TRUSTED = _trusted_supported()


def trusted_headers(pairs: list[tuple[str, str]]) -> Headers:
    """A response's headers from the simulator's own constant pairs (never from request input).

    Building them through ``Headers(pairs)`` checks every value for newlines on every response, which
    cost as much as the rest of building the response; these pairs are constants, checked once here.
    """
    headers = Headers()
    if _TRUSTED:
        headers._list.extend(pairs)
    else:  # a werkzeug whose Headers keeps its pairs elsewhere: the checked way
        headers.extend(pairs)
    return headers


def add_trusted(headers: Headers, name: str, value: str) -> None:
    """``headers.add(name, value)`` for a pair the simulator made itself (never from request input), without
    werkzeug's check of the value for line breaks."""
    if _TRUSTED and type(headers) is Headers:
        headers._list.append((name, value))
    else:
        headers.add(name, value)
