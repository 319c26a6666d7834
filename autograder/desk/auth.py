"""Who may use the desk, decided in one place: reviewer tokens, the session cookie, the origin and host checks.

A reviewer opens the URL the desk printed (``/?token=...``); the desk answers with a session cookie
(HttpOnly, SameSite=Strict, named per desk instance) holding that token and a redirect to the same page without
it, so the token leaves the address bar and the history. Scripts send ``Authorization: Bearer TOKEN`` instead.
Every request passes ``DeskGuard`` first: a Host that is not the desk's own (DNS rebinding), a cross-origin
change, or no valid token is refused before any route runs. CSRF tokens for cookie sessions are asgi-csrf's
(double-submit, signed); a Bearer request carries no ambient credential, so it needs none.
"""
from __future__ import annotations

import getpass
import hashlib
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Awaitable, Callable, Mapping
from urllib.parse import parse_qsl, urlencode

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
"""Every response: scripts and styles only from the desk's own /static, nothing inline, nothing from the network."""
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
)
ACTIONS = frozenset({"read", "override", "adjust", "comment", "confirm", "clear", "export"})
"""Everything a reviewer may do. Every reviewer may do all of it: permission is holding a valid token."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


@dataclass(frozen=True)
class Reviewer:
    name: str
    token: str


@dataclass(frozen=True)
class Reviewers:
    """The reviewers of one desk instance and their secret tokens."""

    by_token: Mapping[str, Reviewer]
    cookie_name: str
    """Per instance: two desks on one machine (cookies ignore ports) never read each other's session."""

    @classmethod
    def create(cls, names: list[str] | tuple[str, ...]) -> "Reviewers":
        names = [n.strip() for n in names if n and n.strip()] or [default_reviewer()]
        if len(set(names)) != len(names):
            raise ValueError("each --reviewer name must be given once")
        reviewers = [Reviewer(name, secrets.token_urlsafe(24)) for name in names]
        salt = secrets.token_hex(4)
        return cls({r.token: r for r in reviewers}, f"desk_{salt}")

    def find(self, token: str | None) -> Reviewer | None:
        """The reviewer holding ``token``; compared in constant time against every token."""
        if not token or len(token) > 200:
            return None
        found = None
        for known, reviewer in self.by_token.items():
            if secrets.compare_digest(known.encode(), token.encode()):
                found = reviewer
        return found

    def urls(self, base: str) -> list[tuple[str, str]]:
        """(reviewer name, the URL holding their token)."""
        return [(r.name, f"{base}/?{urlencode({'token': r.token})}") for r in self.by_token.values()]

    def csrf_secret(self) -> str:
        """The CSRF signing secret, derived from the tokens: it changes with every desk start."""
        return hashlib.sha256("\0".join(sorted(self.by_token)).encode()).hexdigest()


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


def allowed(reviewer: Reviewer | None, action: str) -> bool:
    """The one permission decision: a known reviewer may do any known action; nobody else anything."""
    return reviewer is not None and action in ACTIONS


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers") or ()}


def token_of(scope: Scope, cookie_name: str) -> tuple[str | None, str]:
    """(token, where it came from: ``bearer``, ``cookie``, ``query`` or ``""``)."""
    headers = _headers(scope)
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.startswith("Bearer "):
        return auth[7:].strip(), "bearer"
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    if scope.get("method") in SAFE_METHODS and query.get("token"):
        return query["token"], "query"
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # a malformed Cookie header is no session
        return None, ""
    if cookie_name in cookie:
        return cookie[cookie_name].value, "cookie"
    return None, ""


def same_origin(scope: Scope, allowed_hosts: frozenset[str]) -> bool:
    """False for a change whose Origin (or Referer) names another site than the desk itself."""
    headers = _headers(scope)
    origin = headers.get(b"origin", b"").decode("latin-1") or headers.get(b"referer", b"").decode("latin-1")
    if not origin:
        return True  # scripts and old browsers send none; the cookie's SameSite=Strict and CSRF token still hold
    if origin == "null":
        return False
    host = origin.split("://", 1)[-1].split("/", 1)[0]
    return host in allowed_hosts


def host_allowed(scope: Scope, allowed_hosts: frozenset[str]) -> bool:
    host = _headers(scope).get(b"host", b"").decode("latin-1")
    return host in allowed_hosts


class DeskGuard:
    """ASGI middleware: refuse before routing; put the reviewer in ``scope["reviewer"]``; security headers."""

    def __init__(self, app, reviewers: Reviewers, allowed_hosts: frozenset[str]):
        self.app = app
        self.reviewers = reviewers
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(event: dict) -> None:
            if event["type"] == "http.response.start":
                event = dict(event, headers=[*event.get("headers", []), *SECURITY_HEADERS])
            await send(event)

        if not host_allowed(scope, self.allowed_hosts):
            await refuse(send_secured, 403, "This desk answers only on its own address.")
            return
        if scope.get("path", "").startswith("/static/"):
            await self.app(scope, receive, send_secured)  # CSS and JS of the package, nothing private
            return
        token, where = token_of(scope, self.reviewers.cookie_name)
        reviewer = self.reviewers.find(token)
        if reviewer is None:
            status = 401 if token is None else 403
            await refuse(send_secured, status, "A reviewer's token is needed: open the URL the desk printed.")
            return
        if scope["method"] not in SAFE_METHODS and not same_origin(scope, self.allowed_hosts):
            await refuse(send_secured, 403, "Cross-origin change refused.")
            return
        if where == "query":
            await start_session(scope, send_secured, self.reviewers.cookie_name, reviewer.token)
            return
        await self.app(dict(scope, reviewer=reviewer), receive, send_secured)


async def refuse(send: Send, status: int, message: str) -> None:
    body = message.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def start_session(scope: Scope, send: Send, cookie_name: str, token: str) -> None:
    """Set the session cookie and redirect to the same page without the token in its address."""
    query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k != "token"]
    target = scope.get("path", "/") + (f"?{urlencode(query)}" if query else "")
    cookie = f"{cookie_name}={token}; Path=/; HttpOnly; SameSite=Strict"
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", target.encode("latin-1")), (b"set-cookie", cookie.encode()),
                            (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})
