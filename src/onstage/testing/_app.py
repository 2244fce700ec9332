"""The ASGI application: routing from the spec, auth, validation, faults, handlers and envelopes."""

from __future__ import annotations

import email.parser
import email.policy
import json
import math
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

import anyio
from starlette.requests import Request

from ..webhooks.asgi import _lifespan
from . import _rtk_stream, _tp_live, _wb_live
from ._core import ApiError, Ctx, Handler, Reply, World, default_handler
from ._faults import FaultRule, Faults
from ._http import DropConnection
from ._shapes import (
    check_auth,
    django_404,
    not_found,
    raw_path,
    render_error,
    tp_organization,
    tp_without_slash,
    validation_error,
)
from ._spec import FieldError, Operation, Spec, split_api

__all__ = ["HANDLERS", "Core", "RecordedRequest", "SandboxApp", "default_handler"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HANDLERS: dict[str, Handler] = {**_rtk_stream.HANDLERS, **_tp_live.HANDLERS, **_wb_live.HANDLERS}


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


def _parse_body(request: Request, raw: bytes) -> tuple[Any, bool, str | None]:
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


def _encode(body: Any) -> bytes:
    return b"" if body is None else json.dumps(body, separators=(",", ":")).encode()


def _payload(reply: Reply) -> bytes:
    return reply.raw if reply.raw is not None else _encode(reply.body)


async def _respond(
    send: Send, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
) -> None:
    headers = [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _send_reply(send: Send, record: RecordedRequest, reply: Reply) -> None:
    record.status = reply.status
    await _respond(send, reply.status, _payload(reply), reply.content_type, reply.headers)


class SandboxApp:
    """ASGI 3 application serving the three APIs, ``/.well-known/webhooks.json`` and ``/_sandbox``."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send)
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        raw = await request.body()
        await self._handle(request, raw, send)

    async def _handle(self, request: Request, raw: bytes, send: Send) -> None:
        core = self.core
        method = request.method.upper()
        path: str = request.scope["path"]
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
        query = parse_qs(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        record = RecordedRequest(method, path, None, None, {k: v[-1] for k, v in query.items()})
        core.requests.append(record)
        located = split_api(path)
        if located is None:
            return await _send_reply(send, record, django_404())
        api, api_path = located
        record.api = api
        # Route on the raw path: a %2F inside an id must not become a separator, and the ids are
        # unquoted only once they are matched.
        raw_located = split_api(raw_path(request))
        op, path_params, exists = core.spec.router.resolve(api, method, (raw_located or located)[1])
        body, present, problem = _parse_body(request, raw)
        record.body = body
        if api == "tpstreams" and not api_path.endswith("/"):
            slash = tp_without_slash(method, request, routed=op is not None or exists)
            return await _send_reply(send, record, slash)
        if op is None:
            return await _send_reply(send, record, not_found(api, method, path, exists))
        record.operation_id = op.id
        fault = core.faults.pick(op, method, api_path)
        if fault is not None:
            record.fault = fault.kind
            if await self._fault_before(fault, api, request.receive, send):
                return
        path_params = {name: unquote(value) for name, value in path_params.items()}
        reply = self._process(
            op, api, path_params, request, query, body=body, present=present, problem=problem
        )
        record.status = reply.status
        if fault is not None and fault.kind == "reset_after_processing":
            raise DropConnection
        if fault is not None and fault.kind == "truncated":
            data = _payload(reply)
            await send(
                {
                    "type": "http.response.start",
                    "status": reply.status,
                    "headers": [
                        (b"content-type", reply.content_type.encode()),
                        (b"content-length", str(len(data) + 64).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": data[: len(data) // 2], "more_body": True})
            raise DropConnection
        await _send_reply(send, record, reply)

    async def _fault_before(self, fault: FaultRule, api: str, receive: Receive, send: Send) -> bool:
        """Apply a fault that answers instead of the handler; True when the request is done."""
        kind = fault.kind
        if kind == "slow":
            await anyio.sleep(fault.delay)
            return False
        if kind == "reset_before":
            raise DropConnection
        if kind == "timeout":
            # Never answer: wait for the client to give up and hang up (``http.disconnect``), at
            # most ``delay`` seconds, then drop the connection unprocessed. The wait is a normal
            # cancellable sleep, so a sandbox shutting down never waits for it.
            with anyio.move_on_after(fault.delay):
                while (await receive())["type"] != "http.disconnect":
                    pass
            raise DropConnection("No response in time (sandbox timeout fault).")
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
        query: dict[str, list[str]],
        *,
        body: Any,
        present: bool,
        problem: str | None,
    ) -> Reply:
        core = self.core
        token, auth_error = check_auth(core, api, op, request.headers)
        if auth_error is not None:
            return Reply(*auth_error)
        if api == "tpstreams" and token is not None and "organization_id" in path_params:
            owner = tp_organization(core, token)
            if owner is not None and path_params["organization_id"] != owner:
                return django_404()
        if problem is not None:
            return Reply(*validation_error(api, [FieldError("body", problem)]))
        errors, coerced = core.spec.validate_request(op, path_params, query, body, present)
        if errors:
            return Reply(*validation_error(api, errors))
        base_url = f"{request.url.scheme}://{request.url.netloc}"
        ctx = Ctx(
            op,
            path_params,
            coerced,
            body,
            base_url,
            request.scope["path"],
            core.world,
            raw_query={k: v[-1] for k, v in query.items()},
            auth_token=token,
        )
        try:
            reply = core.handlers[op.id](ctx)
        except ApiError as exc:
            return Reply(*render_error(api, exc))
        if reply.body is not None and op.response_schema is not None and 200 <= reply.status < 300:
            reply.body = core.world.faker.fill(op.response_schema, json.loads(json.dumps(reply.body)))
        return reply
