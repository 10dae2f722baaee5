"""One error path for the whole app: JSON ``{"error", "hint"}`` to API clients, an HTML page to people."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from storyline.errors import InputError, NotFoundError, StoreError, StorylineError

log = logging.getLogger("storyline.web")

_DEFAULT_HINTS = {
    404: "the API is described at /docs; stories are listed at /",
    405: "see /docs for the methods each path accepts",
    500: "this is a bug in Storyline; the server log has the details",
}


def wants_json(request: Request) -> bool:
    """API paths always get JSON; elsewhere, clients that ask for JSON and not HTML get it."""
    if request.url.path.startswith("/api"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def status_of(exc: StorylineError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, StoreError):
        return 503
    return 500


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


def install(app: FastAPI, templates: Jinja2Templates) -> None:
    """Register the handlers on ``app``; ``templates`` renders ``error.html`` for people."""

    def answer(request: Request, status: int, message: str, hint: str) -> Response:
        hint = hint or _DEFAULT_HINTS.get(status, "")
        if wants_json(request):
            return JSONResponse({"error": message, "hint": hint}, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message, "hint": hint}, status_code=status
        )

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        return answer(request, status_of(exc), exc.message, exc.hint)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return answer(request, 422, validation_message(exc), "see /docs for the parameters this path takes")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        response = answer(request, exc.status_code, message, "")
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return answer(request, 500, f"internal error: {type(exc).__name__}", "")

