"""The desk's routes (Starlette): the class list, a submission page, the changes, the export; each page has a
JSON twin (``.json``). Who may do what is decided in ``auth``; what a page shows, in ``views``."""
from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from asgi_csrf import asgi_csrf
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from autograder.desk import views
from autograder.desk.auth import DeskGuard, Reviewers, allowed
from autograder.desk.changes import PERMISSION, Changes
from autograder.desk.data import ClassData
from autograder.render import TEMPLATES as REPORT_TEMPLATES
from autograder.render.filters import code_spans
from autograder.review import ReviewError, VersionConflict

HERE = Path(__file__).parent
EXPORT_SUFFIXES = (".csv", ".json", ".md", ".xml", ".zip", ".txt")
MAX_FORM_BYTES = 64 * 1024


@functools.lru_cache(maxsize=1)
def templates() -> jinja2.Environment:
    """The desk's templates, and the report's own partials they include; HTML autoescaped everywhere."""
    env = jinja2.Environment(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(HERE / "templates")),
                                                         jinja2.FileSystemLoader(str(REPORT_TEMPLATES))]),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["code_spans"] = code_spans
    return env


class Desk:
    """One output folder served to its reviewers."""

    def __init__(self, out: Path, reviewers: Reviewers, refresh=None):
        self.out = Path(out)
        self.reviewers = reviewers
        self.data = ClassData(self.out)
        self.changes = Changes(self.out, refresh)
        self._rows: dict[str, tuple] = {}

    def page(self, request: Request, template: str, view: dict, status: int = 200) -> Response:
        html = templates().get_template(template).render(
            reviewer=request.scope["reviewer"].name, csrftoken=request.scope["csrftoken"](), **view)
        return Response(html, status_code=status, media_type="text/html")

    def class_rows(self) -> list[dict]:
        """Every submission's list row with its final grade; a row is built again only when its result or its
        review changed (the review's content and version say so)."""
        rows = self.data.rows()
        reviews = self.changes.store.reviews({row.id: row.sha256 for row in rows})
        listed, cache = [], {}
        names = student_names(self.changes.store)
        for row in rows:
            review = reviews.get(row.id)
            key = (review.sha256, review.version, review.state) if review else None
            hit = self._rows.get(row.id)
            if hit is None or hit[0] is not row or hit[1] != key:
                hit = (row, key, views.list_row(row, review, views.final_of_row(row, review)))
            cache[row.id] = hit
            listed.append(dict(hit[2], name=names.get(row.id, "")))
        self._rows = cache
        return listed

    # -- routes --------------------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/class" + (f"?{request.url.query}" if request.url.query else ""), status_code=303)

    def class_list(self, request: Request) -> Response:
        if request.path_params.get("format", "json") != "json":
            return self.not_found(request)
        query = views.ListQuery.parse(request.query_params)
        view = views.list_view(self.class_rows(), query)
        if request.path_params.get("format") == "json":
            return JSONResponse(view)
        return self.page(request, "list.html.j2", view)

    def submission(self, request: Request, notice: str = "", draft: dict | None = None, status: int = 200) -> Response:
        sid = views.decode_id(request.path_params["sid"])
        if sid is None or self.data.folder(sid) is None or request.path_params.get("format", "json") != "json":
            return self.not_found(request)
        result = self.data.result(sid)
        if result is None:
            return self.not_found(request, "Its result.json cannot be read.")
        review = self.changes.store.review(sid, result.sha256)
        view = views.submission_view(self.data, sid, result, review)
        view["nav"] = views.neighbours(self.class_rows(), views.ListQuery.parse(request.query_params), sid)
        view["notice"], view["draft"] = notice, draft or {}
        view["action_base"] = views.submission_href(sid)
        view["query"] = request.url.query
        if request.path_params.get("format") == "json":
            return JSONResponse(view, status_code=status)
        return self.page(request, "submission.html.j2", view, status)

    async def change(self, request: Request) -> Response:
        action = request.path_params["action"]
        sid = views.decode_id(request.path_params["sid"])
        if sid is None or self.data.folder(sid) is None:
            return self.not_found(request)
        if action not in PERMISSION or not allowed(request.scope["reviewer"], PERMISSION[action]):
            return PlainText("Not a change the desk knows.", 404)
        length = request.headers.get("content-length") or "0"
        if not length.isdigit() or int(length) > MAX_FORM_BYTES:
            return PlainText("The form is too large.", 413)
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        wants_json = "application/json" in request.headers.get("accept", "")
        by = request.scope["reviewer"].name
        try:
            review = await run_sync(self.changes.apply, action, sid, form, by)
        except VersionConflict as exc:
            notice = (f"{self.changes.last_change_by(sid) or 'Another reviewer'} changed this review after you "
                      f"loaded it (version {exc.found}, your page had {exc.expected}). Your change was NOT applied; "
                      "it is kept in the form below: look at the review as it is now, then send it again.")
            return self.refused(request, notice, action, form, 409, wants_json)
        except ReviewError as exc:
            return self.refused(request, f"Not applied: {exc}", action, form, 400, wants_json)
        if wants_json:
            return JSONResponse({"ok": True, "state": review.state, "version": review.version})
        anchor = {"override": f"check-{form.get('check', '')}", "clear-check": f"check-{form.get('check', '')}",
                  "adjust": "adjust", "remove-adjustment": "adjust", "comment": "comment"}.get(action, "main")
        target = views.submission_href(sid, request.url.query) + f"#{views.encode_id(anchor)}"
        return RedirectResponse(target, status_code=303)

    def refused(self, request: Request, notice: str, action: str, form: dict, status: int, wants_json: bool):
        if wants_json:
            return JSONResponse({"ok": False, "error": notice}, status_code=status)
        draft = dict(form, action=action)
        draft.pop("csrftoken", None)
        return self.submission(request, notice, draft, status)

    def export(self, request: Request) -> Response:
        if request.path_params.get("format", "json") != "json":
            return self.not_found(request)
        files = sorted(p.name for p in self.out.iterdir() if p.is_file() and p.suffix in EXPORT_SUFFIXES)
        view = {"files": [{"name": name, "href": f"/files/{name}"} for name in files]}
        if request.path_params.get("format") == "json":
            return JSONResponse(view)
        return self.page(request, "export.html.j2", view)

    async def export_now(self, request: Request) -> Response:
        await run_sync(self.changes.refresh)
        return RedirectResponse("/export", status_code=303)

    def file(self, request: Request) -> Response:
        """A file of the run (grades.csv, the LMS exports), as a download: only names listed in OUT itself."""
        name = request.path_params["name"]
        listed = {p.name: p for p in self.out.iterdir() if p.is_file() and p.suffix in EXPORT_SUFFIXES}
        if name not in listed:
            return self.not_found(request)
        return FileResponse(listed[name], filename=name, media_type="application/octet-stream",
                            content_disposition_type="attachment")

    def not_found(self, request: Request, detail: str = "") -> Response:
        return PlainText(f"No such submission or page here. {detail}".strip(), 404)


def student_names(store) -> dict[str, str]:
    """Submission id -> the student's name, from the roster the grade run was given (none: empty)."""
    try:
        students = store.context("students") or {}
    except Exception:  # an older store: no names
        return {}
    return {sid: str(fields.get("name") or "") for sid, fields in students.items() if isinstance(fields, dict)}


def PlainText(text: str, status: int) -> Response:
    return Response(text, status_code=status, media_type="text/plain; charset=utf-8")


async def run_sync(func, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(func, *args)


def sync_route(func):
    """A blocking view (file and SQLite reads) run in the thread pool."""
    @functools.wraps(func)
    async def route(request: Request) -> Response:
        return await run_sync(func, request)
    return route


def create_app(out: Path, reviewers: Reviewers, allowed_hosts: frozenset[str], refresh=None):
    """The whole ASGI app: guard (hosts, tokens, origin, headers) -> CSRF (asgi-csrf) -> routes."""
    desk = Desk(out, reviewers, refresh)
    routes = [
        Route("/", desk.home),
        Route("/class", sync_route(desk.class_list)),
        Route("/class.{format:str}", sync_route(desk.class_list)),
        Route("/s/{sid:str}.{format:str}", sync_route(lambda r: desk.submission(r))),
        Route("/s/{sid:str}", sync_route(lambda r: desk.submission(r))),
        Route("/s/{sid:str}/{action:str}", desk.change, methods=["POST"]),
        Route("/export", sync_route(desk.export)),
        Route("/export.{format:str}", sync_route(desk.export)),
        Route("/export", desk.export_now, methods=["POST"]),
        Route("/files/{name:str}", sync_route(desk.file)),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.desk = desk
    protected = asgi_csrf(app, signing_secret=reviewers.csrf_secret(), cookie_samesite="Strict",
                          cookie_name=f"{reviewers.cookie_name}_csrf")  # per desk: cookies ignore ports
    return DeskGuard(protected, reviewers, allowed_hosts)
