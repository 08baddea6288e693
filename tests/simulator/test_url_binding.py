"""SimFlask remembers a host's URL binding (issue 16): every request still gets the adapter, the route
and ``request.host`` stock Flask would give it, including the first and the remembered requests under a
host, odd hosts and ports, a script name, non-ASCII paths, WebSocket upgrades, and apps configured so
that the binding depends on more than the environ (SERVER_NAME, TRUSTED_HOSTS)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException, SecurityError

from simulator.web import SimFlask

ADAPTER_FIELDS = ("server_name", "script_name", "subdomain", "url_scheme", "path_info", "default_method", "query_args",
                  "websocket")

HOSTS = [None, "localhost", "LocalHost:8000", "127.0.0.1:80", "127.0.0.1:443", "[::1]:8080", "bücher.example",
         "sandbox-quickbooks.api.intuit.com"]
SCHEMES = ["http", "https"]
SCRIPTS = ["", "/qbo", None]
#: (Connection, Upgrade): only both together make a WebSocket request
CONNECTIONS = [(None, None), ("keep-alive", None), ("Upgrade", None), ("Upgrade", "websocket"),
               ("keep-alive", "websocket"), ("close", None)]
PATHS = ["/v3/company/1/invoice/7", "/v3/company/1/invoice/%C3%A9", "/v3/company/1/item/caf\u00c3\u00a9", "/nowhere",
         None]
QUERIES = ["minorversion=75", "", None, "requestid=a%20b&include=enhancedAllCustomFields"]


def _app(cls: type[Flask], **config: Any) -> Flask:
    app = cls(__name__)
    app.config.update(config)
    app.add_url_rule("/v3/company/<realm_id>/<segment>/<entity_id>", "read", lambda **kw: "", methods=["GET", "POST"])
    return app


def _environ(host: str | None, scheme: str, script: str | None, connection: tuple[str | None, str | None],
             path: str | None,
             query: str | None, method: str = "GET") -> dict[str, Any]:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
                               "wsgi.url_scheme": scheme}
    for key, value in (("HTTP_HOST", host), ("SCRIPT_NAME", script), ("HTTP_CONNECTION", connection[0]),
                       ("HTTP_UPGRADE", connection[1]), ("PATH_INFO", path), ("QUERY_STRING", query)):
        if value is not None:
            environ[key] = value
    return environ


def _bound(app: Flask, environ: dict[str, Any]) -> tuple[Any, ...]:
    """What a request gets from ``create_url_adapter``: the adapter's fields, ``request.host`` and the route
    matched (or the error), or the error binding raised."""
    request = app.request_class(dict(environ))
    try:
        adapter = app.create_url_adapter(request)
    except HTTPException as exc:
        return ("refused", type(exc).__name__)
    assert adapter is not None
    try:
        matched: Any = adapter.match(return_rule=True)
        matched = (matched[0].rule, matched[1])
    except HTTPException as exc:
        matched = type(exc).__name__
    return (*(getattr(adapter, name) for name in ADAPTER_FIELDS), request.host, matched)


def test_every_request_is_bound_as_stock_flask_binds_it_first_time_and_remembered() -> None:
    ours, stock = _app(SimFlask), _app(Flask)
    cases = list(itertools.product(HOSTS, SCHEMES, SCRIPTS, CONNECTIONS, PATHS, QUERIES))
    for case in cases * 2:  # the second pass is served from what the first remembered
        environ = _environ(*case, method="POST" if case[4] == PATHS[1] else "GET")
        assert _bound(ours, environ) == _bound(stock, environ), case
    assert 0 < len(ours._bindings) <= SimFlask.BINDINGS  # type: ignore[attr-defined]


def test_past_the_limit_bindings_are_not_remembered_and_still_right() -> None:
    ours, stock = _app(SimFlask), _app(Flask)
    for port in range(SimFlask.BINDINGS + 20):
        environ = _environ(f"127.0.0.1:{9000 + port}", "http", "", (None, None), PATHS[0], "minorversion=75")
        assert _bound(ours, environ) == _bound(stock, environ)
    assert len(ours._bindings) == SimFlask.BINDINGS  # type: ignore[attr-defined]


def test_a_binding_with_a_huge_host_is_served_but_not_remembered() -> None:
    ours, stock = _app(SimFlask), _app(Flask)
    for host in ("a." * 300 + "example", "h" * 600, "[::1]:" + "9" * 600):
        environ = _environ(host, "http", "", (None, None), PATHS[0], "")
        assert _bound(ours, environ) == _bound(stock, environ)
    assert ours._bindings == {}  # type: ignore[attr-defined]


@pytest.mark.parametrize("config", [{"SERVER_NAME": "qbo.test:8000"}, {"TRUSTED_HOSTS": ["qbo.test"]}])
def test_apps_whose_binding_needs_their_config_always_take_flasks_own_path(config: dict[str, Any]) -> None:
    ours, stock = _app(SimFlask, **config), _app(Flask, **config)
    for host in ("qbo.test:8000", "qbo.test", "elsewhere.test", "qbo.test:8000"):
        environ = _environ(host, "http", "", (None, None), PATHS[0], "")
        assert _bound(ours, environ) == _bound(stock, environ), host
    assert ours._bindings == {}  # type: ignore[attr-defined]
    if "TRUSTED_HOSTS" in config:
        with pytest.raises(SecurityError):
            ours.create_url_adapter(ours.request_class(_environ("elsewhere.test", "http", "", (None, None), "/", "")))


def test_a_host_the_stock_binding_refuses_is_refused_every_time() -> None:
    ours = _app(SimFlask)
    bad = _environ("a..b", "http", "", (None, None), PATHS[0], "")  # an empty label: IDNA refuses it (BadHost)
    for _ in range(2):
        assert _bound(ours, bad) == _bound(_app(Flask), bad) == ("refused", "BadHost")
    assert ours._bindings == {}  # type: ignore[attr-defined]


# --- URL builders compiled once per process (SimRule) -------------------------------------------------------
EXTRAS: list[dict[str, Any]] = [{}, {"minorversion": "75"}, {"q": ["a b", "c/d"], "requestid": "é"}]
VALUES = ["7", "café", "a b/c", "100%", "0"]


def _stock_map(url_map: Any) -> Any:
    """A map's rules as stock werkzeug rules on a stock map with the same converters."""
    from werkzeug.routing import Map, Rule

    return Map([Rule(rule.rule, endpoint=rule.endpoint, defaults=rule.defaults, methods=rule.methods,
                     strict_slashes=rule.strict_slashes) for rule in url_map.iter_rules()],
               converters=url_map.converters)


def _builds(rules: Any) -> list[Any]:
    """Every rule built with every value for its arguments, with and without unknown extras appended."""
    built = []
    for rule in sorted(rules, key=lambda r: (r.rule, sorted(r.methods or ()))):
        for value, extra in itertools.product(VALUES, EXTRAS):
            values = {**{name: value for name in rule.arguments}, **extra}
            for append_unknown in (True, False):
                try:
                    built.append(rule.build(values, append_unknown=append_unknown))
                except Exception as exc:  # noqa: BLE001 - the error itself is what is compared
                    built.append(type(exc).__name__)
    return built


def test_every_simulator_route_builds_the_urls_stock_werkzeug_builds() -> None:
    from simulator.app import create_app

    first, second = create_app(), create_app()  # the second app's rules reuse the first's builders
    stock = _stock_map(second.url_map)
    assert _builds(second.url_map.iter_rules()) == _builds(first.url_map.iter_rules()) \
        == _builds(stock.iter_rules())
    with second.test_request_context("/"):
        from flask import url_for

        assert url_for("oauth.jwks") == "/op/v1/jwks"


def test_builders_are_compiled_on_first_use_once_per_process_and_a_rule_with_defaults_compiles_its_own() -> None:
    from simulator.web import SimRule

    unique = f"/lazy-{id(object())}"  # a rule text no other test adds, so nothing is remembered for it yet

    def app_rules() -> list[Any]:
        app = SimFlask(__name__)
        app.add_url_rule(unique + "/<realm_id>/invoice/<entity_id>", "read", lambda **kw: "")
        app.add_url_rule("/page/<int:number>", "page", lambda **kw: "", defaults={"number": 1})
        return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.endpoint)

    (page_a, read_a), (page_b, read_b) = app_rules(), app_rules()
    assert [r.endpoint for r in (page_a, read_a)] == ["page", "read"]
    assert not [key for key in SimRule._builders if key[0].startswith(unique)]  # adding compiled nothing
    assert read_a.build({"realm_id": "1", "entity_id": "7", "minorversion": "75"}) == \
        ("", f"{unique}/1/invoice/7?minorversion=75")
    assert read_b.build({"realm_id": "2", "entity_id": "8"}, append_unknown=False) == ("", f"{unique}/2/invoice/8")
    assert len([key for key in SimRule._builders if key[0].startswith(unique)]) == 2  # one per flag, once
    # a rule added after the first build gets the compiled builder itself, bound to it (its own converters)
    page_c, read_c = app_rules()
    assert read_c._build_unknown.__func__ is read_a._build_unknown.__func__
    assert read_c._build.__func__ is read_b._build.__func__ and read_c._build.__self__ is read_c
    assert page_a._build.__func__ is not page_b._build.__func__  # defaults: werkzeug's own path every time
    stock = [r for r in _stock_map(read_a.map).iter_rules() if r.endpoint != "static"]
    assert _builds([page_c, read_c]) == _builds([page_a, read_a]) == _builds(stock)
