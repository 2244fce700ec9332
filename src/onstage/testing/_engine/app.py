"""The ASGI pipeline, the same for every registered service: locate the service, route from the spec,
faults, auth, validation, the handler, and the reply filled up to the response schema."""

from __future__ import annotations

import email.parser
import email.policy
import json
import math
from typing import Any
from urllib.parse import unquote

import anyio

from .asgi import Receive, Request, Scope, Send, lifespan, read_body
from .core import Core, RecordedRequest
from .faults import FaultRule
from .handler import ApiError, Ctx, Reply, compact_json
from .raw_http_server import DropConnection
from .service import Service
from .spec import FieldError, Operation

__all__ = ["SandboxApp"]

#: The statuses of the error faults and what their bodies say.
_FAULT_MESSAGES = {
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


def _parse_body(request: Request) -> tuple[Any, bool, str | None]:
    """``(body, present, problem)``."""
    ctype = request.headers.get("content-type", "")
    raw = request.body
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
    return b"" if body is None else compact_json(body)


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
    """ASGI 3 application serving every registered service, their extra routes and ``/_sandbox``."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            return await lifespan(receive, send)
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        if body is not None:  # else the client went away before sending it all
            await self._handle(Request(scope, receive, body), send)

    async def _handle(self, request: Request, send: Send) -> None:
        core = self.core
        method, path = request.method, request.path
        for service in core.services:
            route = service.routes.get(path)
            if route is not None:
                reply = route(core.world)
                return await _respond(send, reply.status, _payload(reply), reply.content_type, reply.headers)
        if (path == "/_sandbox" or path.startswith("/_sandbox/")) and core.control is not None:
            status, payload = await core.control(request)
            return await _respond(send, status, _encode(payload), "application/json")
        query = request.query
        record = RecordedRequest(method, path, None, None, {k: v[-1] for k, v in query.items()})
        core.requests.append(record)
        located = core.locate(path)
        if located is None:
            reply = Reply(404, raw=b"Not Found", content_type="text/plain; charset=utf-8")
            return await _send_reply(send, record, reply)
        service, api_path = located
        record.api = service.name
        # Route on the raw path: a %2F inside an id must not become a separator, and the ids are
        # unquoted only once they are matched.
        raw_path = service.locate(request.raw_path)
        op, path_params, exists = core.spec.router.resolve(service.name, method, raw_path or api_path)
        body, present, problem = _parse_body(request)
        record.body = body
        if service.api.trailing_slash and not api_path.endswith("/") and service.missing_slash is not None:
            return await _send_reply(send, record, service.missing_slash(request, op is not None or exists))
        if op is None:
            return await _send_reply(send, record, service.no_operation(method, path, exists))
        record.operation_id = op.id
        fault = core.faults.pick(op, method, api_path)
        if fault is not None:
            record.fault = fault.kind
            if await self._fault_before(fault, service, request.receive, send):
                return
        path_params = {name: unquote(value) for name, value in path_params.items()}
        reply = self._process(
            op, service, path_params, request, query, body=body, present=present, problem=problem
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

    async def _fault_before(self, fault: FaultRule, service: Service, receive: Receive, send: Send) -> bool:
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
            code = "rate_limited" if status == 429 else None
            _, payload = service.render_error(ApiError(status, _FAULT_MESSAGES[status], code=code))
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
        service: Service,
        path_params: dict[str, str],
        request: Request,
        query: dict[str, list[str]],
        *,
        body: Any,
        present: bool,
        problem: str | None,
    ) -> Reply:
        core = self.core
        token, auth_error = service.check_auth(core.world, op, request.headers)
        if auth_error is not None:
            return auth_error
        if service.authorize is not None and token is not None:
            refused = service.authorize(core.world, token, path_params)
            if refused is not None:
                return refused
        if problem is not None:
            return Reply(*service.validation_error([FieldError("body", problem)]))
        errors, coerced = core.spec.validate_request(op, path_params, query, body, present)
        if errors:
            return Reply(*service.validation_error(errors))
        ctx = Ctx(
            op,
            path_params,
            coerced,
            body,
            request.base_url,
            request.path,
            core.world,
            raw_query={k: v[-1] for k, v in query.items()},
            auth_token=token,
        )
        try:
            reply = core.handlers[op.id](ctx)
        except ApiError as exc:
            return Reply(*service.render_error(exc))
        if reply.body is not None and op.response_schema is not None and 200 <= reply.status < 300:
            reply.body = core.world.faker.fill(op.response_schema, json.loads(json.dumps(reply.body)))
        return reply
