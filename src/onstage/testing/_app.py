"""The ASGI application: routing from the spec, auth, validation, faults, handlers and envelopes."""

from __future__ import annotations

import email.parser
import email.policy
import json
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import anyio
import httpx
from starlette.requests import Request

from . import _rtk_stream, _tp_live, _webinar
from ._core import ApiError, Ctx, Handler, Reply, World
from ._faults import FaultRule, Faults
from ._spec import FieldError, Operation, Spec, split_api

__all__ = ["HANDLERS", "Core", "RecordedRequest", "SandboxApp", "default_handler", "render_error"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HANDLERS: dict[str, Handler] = {**_rtk_stream.HANDLERS, **_tp_live.HANDLERS, **_webinar.HANDLERS}
_WB_AUTH_MESSAGE = (
    "Could not determine authentication type from request. "
    "Please provide a valid Authorization header or X-API-Key header."
)


def default_handler(ctx: Ctx) -> Reply:
    """Operations without state of their own: a plausible body built from the response schema."""
    if ctx.op.response_schema is None:
        return Reply(ctx.op.success_status)
    return Reply(ctx.op.success_status, ctx.world.faker.make(ctx.op.response_schema))


@dataclass
class RecordedRequest:
    method: str
    path: str
    operation_id: str | None
    body: Any
    query: dict[str, str] = field(default_factory=dict)
    api: str | None = None
    fault: str | None = None
    status: int | None = None

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


class Core:
    """Everything the app and the control API share."""

    def __init__(self, spec: Spec, world: World, faults: Faults, *, tokens: dict[str, str]) -> None:
        self.spec = spec
        self.world = world
        self.faults = faults
        self.tokens = tokens
        self.requests: list[RecordedRequest] = []
        self.handlers: dict[str, Handler] = {
            op_id: HANDLERS.get(op_id, default_handler) for op_id in spec.operations
        }
        self.control: Callable[[Request, bytes], Awaitable[tuple[int, Any]]] | None = None


def render_error(api: str, error: ApiError) -> tuple[int, Any]:
    status, message = error.status, error.message
    if api == "realtimekit":
        return status, {"success": False, "error": {"code": status, "message": message}}
    if api == "tpstreams":
        if error.field:
            return status, {error.field: [message], **error.extra}
        return status, {"detail": message, **error.extra}
    body: dict[str, Any] = {
        "success": False,
        "message": message,
        "error": message,
        "timestamp": int(time.time()),
    }
    if error.code:
        body["code"] = error.code
    body.update(error.extra)
    return status, body


def _validation_error(api: str, errors: list[FieldError]) -> tuple[int, Any]:
    if api == "realtimekit":
        text = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return 400, {"success": False, "error": {"code": 400, "message": f"Invalid request: {text}"}}
    if api == "tpstreams":
        out: dict[str, list[str]] = {}
        for e in errors:
            out.setdefault(e.field, []).append(e.message)
        return 400, out
    items = [
        {
            "field": e.field,
            "code": "validation_required" if "required" in e.message else "validation_invalid",
            "message": f"{e.field}: {e.message}",
        }
        for e in errors
    ]
    return 422, {
        "success": False,
        "message": "Invalid Request",
        "errors": items,
        "timestamp": int(time.time()),
    }


def _check_auth(
    core: Core, api: str, op: Operation, headers: Any
) -> tuple[str | None, tuple[int, Any] | None]:
    """``(token, error)``: the credential used, or the API's 401."""
    auth = headers.get("authorization", "")
    if api == "realtimekit":
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or token.strip() != core.tokens["realtimekit"]:
            return None, (401, {"success": False, "error": {"code": 401, "message": "Unauthorized"}})
        return token.strip(), None
    if api == "tpstreams":
        if op.public:
            return None, None
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        if not auth:
            return None, (401, {"detail": "Authentication credentials were not provided."})
        issued: dict[str, str] = core.world.store(("tp-tokens",), dict)
        if scheme.lower() != "token" or (token != core.tokens["tpstreams"] and token not in issued):
            return None, (401, {"detail": "Invalid token."})
        return token, None
    if op.public:
        return None, None
    key = headers.get("x-api-key")
    scheme, _, bearer = auth.partition(" ")
    if key is None and scheme.lower() != "bearer":
        return None, (401, {"success": False, "code": "auth_type_not_found", "message": _WB_AUTH_MESSAGE})
    given = key if key is not None else bearer.strip()
    if given != core.tokens["webinar"]:
        return None, (401, {"success": False, "code": "auth_type_not_found", "message": "Invalid API key"})
    return given, None


def _not_found(api: str | None, method: str, path: str, exists: bool) -> tuple[int, Any]:
    status = 405 if exists else 404
    message = f"Method {method} not allowed" if exists else f"No route for {method} {path}"
    if api is None:
        return 404, {"detail": "Not found."}
    return render_error(api, ApiError(status, message if api != "tpstreams" or exists else "Not found."))


async def _parse_body(request: Request, raw: bytes, op: Operation | None) -> tuple[Any, bool, str | None]:
    """``(body, present, problem)``."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        return _multipart(ctype, raw), True, None
    if not raw.strip():
        return None, False, None
    try:
        return json.loads(raw), True, None
    except ValueError:
        return None, True, "The request body is not valid JSON."


def _multipart(ctype: str, raw: bytes) -> dict[str, Any]:
    """Form fields of a multipart body (files become their file name); no python-multipart needed."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw
    )
    out: dict[str, Any] = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        out[name] = (
            filename or "upload" if filename is not None else bytes(payload or b"").decode(errors="replace")
        )
    return out


def _drop(send: Send) -> None:
    """Close the client connection without (the rest of) a response."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response (sandbox fault).")
    transport.close()
    cycle.disconnected = True  # type: ignore[union-attr]


def _encode(body: Any) -> bytes:
    return b"" if body is None else json.dumps(body, separators=(",", ":")).encode()


async def _respond(
    send: Send, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
) -> None:
    headers = [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class SandboxApp:
    """ASGI 3 application serving the three APIs, ``/.well-known/webhooks.json`` and ``/_sandbox``."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        raw = await request.body()
        await self._handle(request, raw, send)

    async def _handle(self, request: Request, raw: bytes, send: Send) -> None:
        core = self.core
        method = request.method.upper()
        path = request.url.path
        if path == "/.well-known/webhooks.json":
            body = {
                "success": True,
                "data": {"publicKey": core.world.dispatcher.public_key_pem},
                "message": "",
            }
            return await _respond(send, 200, _encode(body), "application/json")
        if path.startswith("/_sandbox/") and core.control is not None:
            status, payload = await core.control(request, raw)
            return await _respond(send, status, _encode(payload), "application/json")
        located = split_api(path)
        record = RecordedRequest(method, path, None, None, dict(request.query_params))
        core.requests.append(record)
        if located is None:
            record.status = 404
            return await _respond(
                send, 404, b"The requested resource was not found on this server.", "text/plain"
            )
        api, api_path = located
        record.api = api
        op, path_params, exists = core.spec.router.resolve(api, method, api_path)
        body, present, problem = await _parse_body(request, raw, op)
        record.body = body if present else None
        if op is None:
            status, payload = _not_found(api, method, path, exists)
            record.status = status
            return await _respond(send, status, _encode(payload), "application/json")
        record.operation_id = op.id
        fault = core.faults.pick(op, method, api_path)
        if fault is not None:
            record.fault = fault.kind
            if await self._fault_before(fault, api, send):
                return
        status, payload, headers = self._process(
            op, api, path_params, request, body=body, present=present, problem=problem
        )
        record.status = status
        data = _encode(payload) if not isinstance(payload, bytes) else payload
        if fault is not None and fault.kind == "reset_after_processing":
            return _drop(send)
        if fault is not None and fault.kind == "truncated":
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(data) + 64).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": data[: len(data) // 2], "more_body": True})
            return _drop(send)
        await _respond(send, status, data, "application/json", headers)

    async def _fault_before(self, fault: FaultRule, api: str, send: Send) -> bool:
        """Apply a fault that answers instead of the handler; True when the request is done."""
        kind = fault.kind
        if kind == "slow":
            await anyio.sleep(fault.delay)
            return False
        if kind == "reset_before":
            _drop(send)
            return True
        if kind == "non_json":
            html = b"<html><body><h1>502 Bad Gateway</h1><p>sandbox fault</p></body></html>"
            await _respond(send, fault.status, html, "text/html; charset=utf-8")
            return True
        if kind in ("429", "500", "502", "503"):
            status = int(kind)
            messages = {
                429: "Too many requests",
                500: "Internal server error",
                502: "Bad gateway",
                503: "Service unavailable",
            }
            _, payload = render_error(
                api, ApiError(status, messages[status], code="rate_limited" if status == 429 else None)
            )
            headers = {
                "retry-after": str(math.ceil(fault.retry_after)),
                "retry-after-ms": str(int(fault.retry_after * 1000)),
            }
            await _respond(send, status, _encode(payload), "application/json", headers)
            return True
        return False

    def _process(
        self,
        op: Operation,
        api: str,
        path_params: dict[str, str],
        request: Request,
        *,
        body: Any,
        present: bool,
        problem: str | None,
    ) -> tuple[int, Any, dict[str, str]]:
        core = self.core
        token, auth_error = _check_auth(core, api, op, request.headers)
        if auth_error is not None:
            return auth_error[0], auth_error[1], {}
        if problem is not None:
            return (*_validation_error(api, [FieldError("body", problem)]), {})
        query = parse_qs(request.url.query, keep_blank_values=True)
        errors, coerced = core.spec.validate_request(
            op, path_params, query, body, present and op.body_type == "application/json"
        )
        if op.body_type and op.body_type.startswith("multipart/") and op.body_schema is not None:
            schema = core.spec.deref(op.body_schema)
            errors += [
                FieldError(name, "No file was submitted.")
                for name in schema.get("required", [])
                if not isinstance(body, dict) or name not in body
            ]
        if errors:
            return (*_validation_error(api, errors), {})
        base_url = f"{request.url.scheme}://{request.url.netloc}"
        ctx = Ctx(
            op,
            path_params,
            coerced,
            body if present else None,
            base_url,
            request.url.path,
            core.world,
            raw_query={k: v[-1] for k, v in query.items()},
            auth_token=token,
        )
        try:
            reply = core.handlers[op.id](ctx)
        except ApiError as exc:
            status, payload = render_error(api, exc)
            return status, payload, {}
        payload = reply.body
        if payload is not None and op.response_schema is not None and 200 <= reply.status < 300:
            payload = core.world.faker.fill(op.response_schema, json.loads(json.dumps(payload)))
        return reply.status, payload, reply.headers
