"""A web site on 127.0.0.1 that tests fill with pages, redirects and misbehaviour.

A real HTTP server in a thread: the fetcher's own sockets, redirects and size checks run against
it exactly as against a news site, with no network beyond loopback.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass
class Page:
    body: bytes | Callable[[], Iterator[bytes]] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0  # seconds before answering


class LoopbackSite:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers) as received
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((self.path, dict(self.headers)))
                page = site.pages.get(self.path, Page(b"not here", 404))
                time.sleep(page.delay)
                self.send_response(page.status)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                if isinstance(page.body, bytes):
                    if "Content-Length" not in page.headers:
                        self.send_header("Content-Length", str(len(page.body)))
                    self.end_headers()
                    # The client may stop reading, as a capped fetch does.
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(page.body)
                    return
                self.end_headers()  # streamed, no length: the reader must count for itself
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    for piece in page.body():
                        self.wfile.write(piece)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> LoopbackSite:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


def article(title: str, body: str, *, canonical: str | None = None) -> bytes:
    """A small news page with navigation around its article, as sites serve them."""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        f"<html><head><title>{title}</title>{link}"
        '<meta property="article:published_time" content="2024-06-19T08:00:00Z"></head>'
        "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright Example News</footer></body></html>"
    ).encode()


def story_site() -> LoopbackSite:
    """A site with one article at ``/story`` (not yet started: use it with ``with``)."""
    site = LoopbackSite()
    site.pages["/story"] = Page(
        article("Port reopens", "The port reopened on Monday after the storm, officials said.")
    )
    return site
