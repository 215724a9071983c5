"""The review console: sign-in, the work queue, a claim's page and its decisions, the daily
summary and the audit log, rendered on the server with Jinja2 (autoescaped: names arrive
from kiosks and may hold `<script>` or right-to-left marks).

Every page needs a live session; every form carries the session's CSRF token and a POST
without it is refused before anything is read from it. Pages with residents' data are sent
with `Cache-Control: no-store`, and the Content-Security-Policy lets the browser load only
this server's own scripts, styles and images: the county LAN is offline and stays that way.
"""

from __future__ import annotations

import hmac
import io
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.datastructures import FormData

from county import auditlog, decisions, exports, queue, users
from county.config import CountyConfig
from county.db import Database
from county.images import SHA256_RE, ImageStore
from county.keys import CountyKey
from county.review import ReviewError, UnknownClaim

log = logging.getLogger("county.web")

HERE = Path(__file__).parent
COOKIE = "county_session"
LOGIN_CSRF = "county_login_csrf"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class _SignIn(Exception):
    """No live session: send the browser to the sign-in page."""

    def __init__(self, path: str) -> None:
        self.path = path


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message


def _money(fen: int | None) -> str:
    return "—" if fen is None else f"{fen / 100:,.2f}"


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


# Autoescaping on for every template, whatever its name ends with.
templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(HERE / "templates"),
                                            autoescape=True))
templates.env.filters["money"] = _money
templates.env.filters["when"] = _when
templates.env.globals["STATUS_NAMES"] = queue.STATUS_NAMES
templates.env.globals["ROLES"] = users.ROLES
templates.env.globals["RETURN_REASONS"] = decisions.RETURN_REASONS


def install(app: FastAPI) -> None:
    """The console's static files and its two exception handlers."""
    app.mount("/review/static", StaticFiles(directory=HERE / "static"), name="review-static")

    async def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _SignIn)
        return RedirectResponse(f"/review/login?next={quote(exc.path)}", status_code=303)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _Refused)
        return _page(request, "message.html", {"title": "Refused", "message": exc.message},
                     status=exc.status)

    app.add_exception_handler(_SignIn, sign_in)
    app.add_exception_handler(_Refused, refused)


def _headers(resp: Response) -> Response:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    session = getattr(request.state, "session", None)
    ctx = {"session": session, "user": session.account if session else None,
           "csrf": session.csrf if session else "", **context}
    return _headers(templates.TemplateResponse(request, name, ctx, status_code=status))


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def build_router(db: Database, store: ImageStore, key: CountyKey,
                 config: CountyConfig) -> APIRouter:
    router = APIRouter(prefix="/review", include_in_schema=False)
    idle, longest = config.session_idle, config.session_longest

    def session_of(request: Request, permission: str | None = None) -> users.Session:
        token = request.cookies.get(COOKIE)
        session = users.find_session(db, token, idle, longest) if token else None
        if session is None:
            path = request.url.path
            if request.url.query:
                path += "?" + request.url.query
            raise _SignIn(path if request.method == "GET" else "/review/")
        request.state.session = session
        if permission and not session.account.can(permission):
            raise _Refused(403, f"Your role ({users.ROLES[session.account.role]}) cannot do "
                                "this.")
        return session

    async def form_of(request: Request, session: users.Session) -> FormData:
        form = await request.form()
        sent = form.get("csrf")
        if not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf):
            auditlog.log(db, session.account.name, "csrf_refused", None, request.url.path,
                         _address(request))
            raise _Refused(403, "This form did not come from this console or has expired "
                                "(CSRF check). Nothing was changed; open the page again.")
        return form

    def text(form: FormData, name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    # --- signing in and out ---------------------------------------------------------------

    @router.get("/login")
    def login_page(request: Request, next: str = "/review/") -> Response:
        token = secrets.token_urlsafe(32)
        resp = _page(request, "login.html", {"next": _safe_next(next), "login_csrf": token,
                                             "error": None})
        resp.set_cookie(LOGIN_CSRF, token, httponly=True, secure=True, samesite="strict",
                        path="/review/")
        return resp

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        sent, expected = form.get("csrf"), request.cookies.get(LOGIN_CSRF)
        if not (isinstance(sent, str) and expected and hmac.compare_digest(sent, expected)):
            raise _Refused(403, "This sign-in form has expired (CSRF check); open it again.")
        name, password = text(form, "name"), form.get("password")
        nxt = _safe_next(text(form, "next"))
        try:
            account = users.authenticate(db, name, password if isinstance(password, str)
                                         else "")
        except users.UserError as exc:
            auditlog.log(db, name[:64] or "?", "sign_in_refused", None, str(exc),
                         _address(request))
            return _page(request, "login.html", {"next": nxt, "login_csrf": expected,
                                                 "error": str(exc)}, status=401)
        token, _session = users.start_session(db, account, idle, longest)
        auditlog.log(db, account.name, "sign_in", None, None, _address(request))
        resp = RedirectResponse(nxt, status_code=303)
        resp.set_cookie(COOKIE, token, httponly=True, secure=True, samesite="strict",
                        path="/review/")
        resp.delete_cookie(LOGIN_CSRF, path="/review/")
        return resp

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        session = session_of(request)
        await form_of(request, session)
        users.end_session(db, session.token_hash)
        auditlog.log(db, session.account.name, "sign_out", None, None, _address(request))
        resp = RedirectResponse("/review/login", status_code=303)
        resp.delete_cookie(COOKIE, path="/review/")
        return resp

    # --- the queue ---------------------------------------------------------------------------

    @router.get("/")
    def home(request: Request) -> Response:
        session = session_of(request)
        if session.account.can("view_claims"):
            return RedirectResponse("/review/queue", status_code=303)
        return RedirectResponse("/review/summary", status_code=303)

    @router.get("/queue")
    def queue_view(request: Request) -> Response:
        session = session_of(request, "view_claims")
        params = dict(request.query_params)
        try:
            f = queue.QueueFilter.parse(params)
        except queue.FilterError as exc:
            return _page(request, "queue.html", {"error": str(exc), "page": None,
                                                 "params": params,
                                                 "devices": queue.devices(db)}, status=422)
        page = queue.queue_page(db, f, key)
        auditlog.log(db, session.account.name, "view_queue", None, f.described(),
                     _address(request))
        keep = {k: v for k, v in params.items() if k != "page" and v}
        return _page(request, "queue.html", {
            "page": page, "params": params, "error": None, "devices": queue.devices(db),
            "page_link": lambda n: "/review/queue?" + urlencode({**keep, "page": n}),
            "status_link": lambda st: "/review/queue?" + urlencode({"status": st})})

    # --- one claim ---------------------------------------------------------------------------

    @router.get("/claims/{claim_id}")
    def claim_page(request: Request, claim_id: int) -> Response:
        session = session_of(request, "view_claims")
        view = queue.claim_view(db, claim_id)
        if view is None:
            raise _Refused(404, f"There is no claim {claim_id}.")
        auditlog.log(db, session.account.name, "view_claim", claim_id, None, _address(request))
        acct = session.account
        four_eyes = view.status == "second_review" and view.facts.first_reviewer == acct.name
        return _page(request, "claim.html", {
            "c": view, "error": request.query_params.get("error"),
            "may_first": acct.can("first_review") and view.status in ("accepted",
                                                                      "first_review"),
            "may_second": acct.can("second_review") and view.status == "second_review",
            "four_eyes": four_eyes,
            "may_correct": acct.can("correct") and view.status in decisions.REVIEWING
            and not four_eyes,
            "may_pay": acct.can("pay") and view.status == "approved",
            "labels": queue.FIELD_LABELS})

    @router.get("/images/{sha256}")
    def image(request: Request, sha256: str) -> Response:
        session = session_of(request, "view_claims")
        if not SHA256_RE.fullmatch(sha256):
            raise _Refused(404, "No such image.")
        used_by = queue.claim_images(db, sha256)
        path = store.path(sha256)
        if not used_by or not path.is_file():
            raise _Refused(404, "No such image.")
        auditlog.log(db, session.account.name, "view_image", used_by[0], sha256[:16],
                     _address(request))
        resp = FileResponse(path, media_type=_sniff(path))
        return _headers(resp)

    def decide(request: Request, claim_id: int, action: Callable[[], object],
               what: str) -> Response:
        session: users.Session = request.state.session
        try:
            action()
        except UnknownClaim:
            raise _Refused(404, f"There is no claim {claim_id}.") from None
        except decisions.FourEyes as exc:
            auditlog.log(db, session.account.name, "four_eyes_refused", claim_id, str(exc),
                         _address(request))
            raise _Refused(403, str(exc)) from None
        except ReviewError as exc:
            return RedirectResponse(f"/review/claims/{claim_id}?"
                                    + urlencode({"error": str(exc)}), status_code=303)
        auditlog.log(db, session.account.name, what, claim_id, None, _address(request))
        return RedirectResponse(f"/review/claims/{claim_id}", status_code=303)

    @router.post("/claims/{claim_id}/first-review")
    async def post_first(request: Request, claim_id: int) -> Response:
        session = session_of(request, "first_review")
        form = await form_of(request, session)
        outcome = text(form, "outcome")
        return decide(request, claim_id, lambda: decisions.first_review(
            db, claim_id, session.account, outcome, text(form, "reason") or None,
            text(form, "note") or None), f"first_review_{outcome}")

    @router.post("/claims/{claim_id}/second-review")
    async def post_second(request: Request, claim_id: int) -> Response:
        session = session_of(request, "second_review")
        form = await form_of(request, session)
        outcome = text(form, "outcome")
        return decide(request, claim_id, lambda: decisions.second_review(
            db, claim_id, session.account, outcome, text(form, "amount") or None,
            text(form, "reason") or None, text(form, "note") or None),
            f"second_review_{outcome}")

    @router.post("/claims/{claim_id}/return-line")
    async def post_return_line(request: Request, claim_id: int) -> Response:
        session = session_of(request, "view_claims")
        form = await form_of(request, session)
        doc, item = text(form, "document"), text(form, "item")
        if not (doc.isdigit() and item.isdigit()):
            raise _Refused(422, "Which line? The form names no document and line.")
        return decide(request, claim_id, lambda: decisions.return_line(
            db, claim_id, session.account, int(doc), int(item), text(form, "reason"),
            text(form, "note") or None), "line_returned")

    @router.post("/claims/{claim_id}/correct")
    async def post_correct(request: Request, claim_id: int) -> Response:
        session = session_of(request, "correct")
        form = await form_of(request, session)
        return decide(request, claim_id, lambda: decisions.correct(
            db, claim_id, session.account, text(form, "target"), text(form, "value"),
            text(form, "why")), "corrected")

    @router.post("/claims/{claim_id}/paid")
    async def post_paid(request: Request, claim_id: int) -> Response:
        session = session_of(request, "pay")
        form = await form_of(request, session)
        return decide(request, claim_id, lambda: decisions.mark_paid(
            db, claim_id, session.account, text(form, "payment_ref")), "paid")

    # --- the office ------------------------------------------------------------------------

    @router.get("/summary")
    def summary_page(request: Request) -> Response:
        session_of(request, "summary")
        try:
            until = date.fromisoformat(request.query_params.get("until") or
                                       datetime.now(UTC).date().isoformat())
            since = date.fromisoformat(request.query_params.get("since") or
                                       (until - timedelta(days=30)).isoformat())
        except ValueError:
            raise _Refused(422, "Dates are written YYYY-MM-DD.") from None
        rows = queue.summary(db, since, until)
        return _page(request, "summary.html", {"rows": rows, "since": since, "until": until})

    @router.get("/exports")
    def exports_page(request: Request) -> Response:
        session_of(request, "export")
        return _page(request, "exports.html", {"approved": exports.count_approved(db),
                                               "today": datetime.now(UTC).date()})

    @router.get("/exports/approved.{fmt}")
    def export_approved(request: Request, fmt: str) -> Response:
        session = session_of(request, "export")
        if fmt not in ("csv", "xlsx"):
            raise _Refused(404, "Exports are CSV or XLSX.")
        rows = exports.approved_for_payment(db)
        auditlog.log(db, session.account.name, "export_approved", None,
                     f"{len(rows)} claims as {fmt}", _address(request))
        return _download(f"approved-{datetime.now(UTC):%Y%m%d}.{fmt}",
                         exports.to_csv(exports.PAYMENT_COLUMNS, rows) if fmt == "csv"
                         else exports.to_xlsx("approved", exports.PAYMENT_COLUMNS, rows))

    @router.get("/exports/decisions.{fmt}")
    def export_decisions(request: Request, fmt: str, day: str = "") -> Response:
        session = session_of(request, "export")
        try:
            when = date.fromisoformat(day) if day else datetime.now(UTC).date()
        except ValueError:
            raise _Refused(422, "The day is written YYYY-MM-DD.") from None
        if fmt not in ("csv", "xlsx"):
            raise _Refused(404, "Exports are CSV or XLSX.")
        rows = exports.decisions_of(db, when)
        auditlog.log(db, session.account.name, "export_decisions", None,
                     f"{when} as {fmt}", _address(request))
        return _download(f"decisions-{when}.{fmt}",
                         exports.to_csv(exports.DECISION_COLUMNS, rows) if fmt == "csv"
                         else exports.to_xlsx("decisions", exports.DECISION_COLUMNS, rows))

    @router.get("/kiosks")
    def kiosks_page(request: Request) -> Response:
        session_of(request, "kiosks")
        return _page(request, "kiosks.html", {"kiosks": queue.kiosks(db)})

    @router.get("/audit")
    def audit_page(request: Request) -> Response:
        session = session_of(request, "audit")
        user = request.query_params.get("user") or None
        claim = request.query_params.get("claim") or ""
        page = request.query_params.get("page") or "1"
        if not page.isdigit() or (claim and not claim.isdigit()):
            raise _Refused(422, "page and claim are numbers.")
        n = max(1, int(page))
        rows, total = auditlog.entries(db, user=user, claim_id=int(claim) if claim else None,
                                       offset=(n - 1) * 100, limit=100)
        auditlog.log(db, session.account.name, "view_audit", None, None, _address(request))
        return _page(request, "audit.html", {"rows": rows, "total": total, "page": n,
                                             "user_filter": user or "", "claim": claim})

    @router.get("/audit.csv")
    def audit_export(request: Request) -> Response:
        session = session_of(request, "audit")
        rows, _ = auditlog.entries(db, limit=None)
        auditlog.log(db, session.account.name, "export_audit", None, f"{len(rows)} entries",
                     _address(request))
        body = io.StringIO()
        for chunk in auditlog.export_csv(rows):
            body.write(chunk)
        return _headers(Response(body.getvalue(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition":
                                          'attachment; filename="county-audit.csv"'}))

    return router


def _download(filename: str, body: bytes) -> Response:
    media = ("text/csv; charset=utf-8" if filename.endswith(".csv") else
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return _headers(Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'}))


def _safe_next(value: str) -> str:
    """Only a path inside the console: a sign-in link cannot send anyone elsewhere."""
    if value.startswith("/review/") and "//" not in value and "\\" not in value:
        return value
    return "/review/"


def _sniff(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(12)
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head[4:12] in (b"ftypheic", b"ftypmif1", b"ftypheix"):
        return "image/heic"
    return "application/octet-stream"
