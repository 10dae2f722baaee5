"""One error path for the whole app: JSON ``{"error", "hint"}`` to API clients, an HTML page to people."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from storyline.errors import ConfigError, InputError, NotFoundError, StoreError, StorylineError

log = logging.getLogger("storyline.web")
BAD_INPUT = 400  # one status for every malformed parameter or body, wherever it is found

_DEFAULT_HINTS = {
    404: "the API is described at /docs; stories are listed at /",
    409: "the server's settings cannot serve this request; see the server's start-up options",
    405: "see /docs for the methods each path accepts",
    413: "send fewer articles per request",
    500: "this is a bug in Storyline; the server log has the details",
}


def wants_json(request: Request) -> bool:
    """API paths always get JSON; elsewhere, clients that ask for JSON and not HTML get it."""
    if request.url.path.startswith(("/api", "/feeds")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


class RequestRefused(StorylineError):
    """A request the app will not serve as sent (too large, wrong content type, cross-site, no token):
    it carries its own HTTP status, answered in the one error shape like every other error."""

    def __init__(self, status: int, message: str, hint: str = "", headers: dict[str, str] | None = None) -> None:
        super().__init__(message, hint)
        self.status = status
        self.headers = headers or {}


# The HTTP status of each kind of error, most specific first: a user's error is a 4xx with its hint,
# a database that cannot serve is a 503, and only an error of no kind here is a 500 (a bug).
_STATUS_BY_KIND: tuple[tuple[type[StorylineError], int], ...] = (
    (NotFoundError, 404),
    (InputError, BAD_INPUT),
    (ConfigError, 409),  # the request meets a setting that cannot serve it (a database built with another encoder)
    (StoreError, 503),
)


def status_of(exc: StorylineError) -> int:
    """The HTTP status of a Storyline error (a refusal carries its own)."""
    if isinstance(exc, RequestRefused):
        return exc.status
    return next((status for kind, status in _STATUS_BY_KIND if isinstance(exc, kind)), 500)


def _clip(text: str, limit: int = 80) -> str:
    """A bad value as the message quotes it: long input is cut, so the answer stays one readable line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validation_message(exc: RequestValidationError) -> str:
    """The first problem with the request's parameters, in one line a person can act on."""
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
        value = f" (got {_clip(repr(err['input']))})" if "input" in err and not isinstance(err["input"], dict) else ""
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}{value}")
    return "; ".join(parts) or "invalid request"


_templates: Jinja2Templates | None = None


def answer(request: Request, status: int, message: str, hint: str = "",
           headers: dict[str, str] | None = None) -> Response:
    """The one error answer: JSON ``{"error", "hint"}`` to the API, the error page to people."""
    hint = hint or _DEFAULT_HINTS.get(status, "")
    if wants_json(request) or _templates is None:
        response: Response = JSONResponse({"error": message, "hint": hint}, status_code=status)
    else:
        response = _templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message, "hint": hint}, status_code=status
        )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def install(app: FastAPI, templates: Jinja2Templates) -> None:
    """Register the handlers on ``app``; ``templates`` renders ``error.html`` for people."""
    global _templates
    _templates = templates

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        return answer(request, status_of(exc), exc.message, exc.hint, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return answer(request, BAD_INPUT, validation_message(exc), "see /docs for the parameters this path takes")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        return answer(request, exc.status_code, message, "", dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return answer(request, 500, f"internal error: {type(exc).__name__}", "")
