"""The review desk: ``autograder review OUT`` serves the results of a run to its reviewers (Starlette + uvicorn).

Rooms: ``auth`` (tokens, sessions, origin and host checks, the one permission decision), ``data`` (what is read
from OUT), ``views`` (view models), ``changes`` (a reviewer's change -> the review store -> the run's files),
``app`` (routes), ``templates/`` and ``static/`` (served from the package; nothing from the network).
"""
from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Callable

from autograder.desk.auth import Reviewers

LOOPBACK = "127.0.0.1"


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers the desk answers to (anything else is refused: DNS rebinding)."""
    names = {host}
    try:
        if ipaddress.ip_address(host).is_loopback:
            names |= {"127.0.0.1", "localhost", "[::1]"}
    except ValueError:
        pass
    if host in ("0.0.0.0", "::"):
        names |= {socket.gethostname(), socket.getfqdn()}
    wrapped = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names}
    return frozenset(f"{n}:{port}" for n in wrapped) | frozenset(wrapped if port == 80 else ())


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def serve(out: Path, host: str = LOOPBACK, port: int = 0, reviewer_names: tuple[str, ...] = (),
          echo: Callable[[str], None] = print) -> None:
    """Serve the desk until interrupted; prints one URL per reviewer first."""
    import uvicorn

    from autograder.desk.app import create_app

    reviewers = Reviewers.create(list(reviewer_names))
    sock = bind(host, port)
    port = sock.getsockname()[1]
    app = create_app(Path(out), reviewers, allowed_hosts(host, port))
    shown = f"[{host}]" if ":" in host else host
    for name, url in reviewers.urls(f"http://{shown}:{port}"):
        echo(f"{name}: {url}")
    echo("Open your URL in a browser; Ctrl+C stops the desk. Every change rewrites grades.csv and the LMS files.")
    if not is_loopback(host):
        echo(f"warning: the desk listens on {host}, not only on this machine; anyone who can reach it and "
             "holds a URL can change grades (plain HTTP: use it on a trusted network only)")
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, proxy_headers=False)
    uvicorn.Server(config).run(sockets=[sock])


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
