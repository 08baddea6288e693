"""``/_sim/ui``: the inspector, a web page to see and steer the simulator while tests run.

Server-rendered (Jinja templates in ``templates/inspector/``), forms are plain POSTs answered with a
303 redirect, so everything works without JavaScript; ``static/inspector.js`` only polls for new
journal rows. Pages live in :mod:`simulator.views.inspector_pages`, actions in
:mod:`simulator.views.inspector_actions`; both only read or call backends, user actions and scenarios,
the same calls the control API makes.

Who may use it: exactly who may use the control API (a loopback client, or one presenting
``CONTROL_TOKEN`` in ``X-Control-Token``). Because a browser is involved, two more checks apply:

* the ``Host`` must be a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``, or one listed in the
  optional ``INSPECTOR_HOSTS`` config), so a web page that re-binds its DNS name to 127.0.0.1 cannot
  read or drive the inspector;
* a POST must come from the inspector's own origin (``Origin``, else ``Referer``, else
  ``Sec-Fetch-Site``), so another site cannot submit forms to it (CSRF). Clients that send none of
  these headers (curl, test clients) are not browsers and are let through.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from simulator.backends import Backends
from simulator.company import Company
from simulator.views.control import is_loopback

__all__ = ["inspector_blueprint", "InspectorError", "Page", "paginate"]

PREFIX = "/_sim/ui"
PER_PAGE = 50
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class InspectorError(Exception):
    """A page that cannot be shown (unknown company, record, journal entry): an HTML error page."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def sim() -> Backends:
    return current_app.extensions["qbo_simulator"]


def company_or_404(realm_id: str) -> Company:
    found = sim().company(realm_id)
    if found is None:
        raise InspectorError(404, "No such company", f"There is no company with realm id {realm_id!r}.")
    return found


@dataclass(frozen=True)
class Page:
    """One page of a long list, for the pager macro."""

    items: list[Any]
    number: int
    pages: int
    total: int
    per_page: int

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * self.per_page, self.total)


def paginate(items: Iterable[Any], per_page: int = PER_PAGE) -> Page:
    """The ``?page=`` of ``items`` (clamped to the pages there are)."""
    rows = list(items)
    pages = max(1, -(-len(rows) // per_page))
    try:
        number = int(request.args.get("page", 1))
    except ValueError:
        number = 1
    number = min(max(number, 1), pages)
    start = (number - 1) * per_page
    return Page(rows[start:start + per_page], number, pages, len(rows), per_page)


def with_args(**changes: Any) -> str:
    """The current URL with some query arguments changed (``None`` removes one)."""
    args = {k: v for k, v in request.args.items()}
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = str(value)
    query = urlencode(args)
    return request.path + (f"?{query}" if query else "")


def back(default: str, *, ok: str | None = None, error: str | None = None, follow_next: bool = True) -> Response:
    """303 to the form's ``next`` (when it is an inspector page) or ``default``, with a notice."""
    target = (request.form.get("next") if follow_next else None) or default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(PREFIX):
        target, parts = default, urlsplit(default)  # never redirect off the inspector (open redirect)
    notice = {"ok": ok} if ok else {"error": error} if error else {}
    if notice:
        kept = "&".join(p for p in parts.query.split("&") if p and not p.startswith(("ok=", "error=")))
        target = parts.path + "?" + "&".join(x for x in (kept, urlencode(notice)) if x)
    return redirect(target, 303)


# -- access checks ----------------------------------------------------------------------------------
def _allowed_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    if name in {h.lower() for h in current_app.config.get("INSPECTOR_HOSTS", ())}:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _cross_site() -> str | None:
    """Why this POST looks cross-site, or None when it comes from the inspector's own pages."""
    own = request.host_url.rstrip("/").lower()
    origin = request.headers.get("Origin")
    if origin is not None:
        return None if origin.lower() == own else f"the form was posted from {origin}, not {own}"
    referer = request.headers.get("Referer")
    if referer:
        return None if _origin_of(referer) == own else f"the form was posted from {_origin_of(referer)}, not {own}"
    site = request.headers.get("Sec-Fetch-Site")
    if site and site not in ("same-origin", "none"):
        return f"the browser says the form came from a {site} page"
    return None


def _guard() -> Response | None:
    token = current_app.config.get("CONTROL_TOKEN")
    given = request.headers.get("X-Control-Token", "")
    if token and hmac.compare_digest(str(token), given):
        return None
    if not is_loopback(request.remote_addr):
        return _refuse("The inspector answers loopback clients only, like the control API. Open it on the "
                       "machine running the simulator (http://127.0.0.1:<port>/_sim/ui).")
    if not _allowed_host(request.host):
        return _refuse(f"The inspector is served to loopback host names only, not {request.host!r} (a guard "
                       "against DNS rebinding). Use http://127.0.0.1:<port>/_sim/ui, or list the name in the "
                       "INSPECTOR_HOSTS setting.")
    if request.method == "POST":
        why = _cross_site()
        if why:
            return _refuse(f"Refused a cross-site form submission: {why}.")
    return None


def _refuse(detail: str) -> Response:
    page = render_template("inspector/error.html", title="Forbidden", detail=detail, status=403)
    return Response(page, 403, content_type="text/html; charset=utf-8")


# -- template helpers ---------------------------------------------------------------------------------
def _relative(iso: str | None) -> str:
    """``in 52 min`` / ``3 h ago`` against the simulated clock."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    delta = moment.timestamp() - sim().clock.epoch()
    size = abs(delta)
    for unit, seconds in (("d", 86400), ("h", 3600), ("min", 60)):
        if size >= seconds:
            amount = f"{size / seconds:.0f} {unit}"
            break
    else:
        amount = f"{size:.0f} s"
    return f"in {amount}" if delta >= 0 else f"{amount} ago"


def _money(value: Any) -> str:
    try:
        return f"{float(value):,.2f}"
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def _status_class(status: int | None, fault_code: str | None = None) -> str:
    if status is None:
        return ""
    if status == 0:
        return "st-dropped"
    if status >= 500:
        return "st-5xx"
    if status >= 400 or fault_code:
        return "st-4xx"
    if status >= 300:
        return "st-3xx"
    return "st-2xx"


def _section(endpoint: str) -> str:
    name = endpoint.removeprefix("inspector.")
    return "journal" if name.startswith("journal") else "faults" if name.startswith("faults") else "companies"


def inspector_blueprint() -> Blueprint:
    bp = Blueprint("inspector", __name__, url_prefix=PREFIX)
    bp.before_request(_guard)

    @bp.after_request
    def _headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @bp.errorhandler(InspectorError)
    def _error(error: InspectorError) -> Response:
        page = render_template("inspector/error.html", title=error.title, detail=error.detail, status=error.status)
        return Response(page, error.status, content_type="text/html; charset=utf-8")

    @bp.context_processor
    def _context() -> dict[str, Any]:
        backends = sim()
        return {"clock_now": backends.clock.now().isoformat(timespec="seconds"),
                "clock_offset": backends.clock.offset, "with_args": with_args,
                "notice_ok": request.args.get("ok"), "notice_error": request.args.get("error"),
                "here": request.full_path.rstrip("?"), "section": _section(request.endpoint or "")}

    bp.add_app_template_filter(_relative, "relative")
    bp.add_app_template_filter(_money, "money")
    bp.add_app_template_global(_status_class, "status_class")

    from simulator.views import inspector_actions, inspector_pages

    inspector_pages.register(bp)
    inspector_actions.register(bp)
    return bp


def go(endpoint: str, **values: Any) -> str:
    return url_for(f"inspector.{endpoint}", **values)
