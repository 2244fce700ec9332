"""Error messages that say enough: where the request went (method and URL, secrets masked) for a
404 from every operation and for connection errors, and a field named once in a 422."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

import onstage
from onstage._apis import APIS

from .helpers import Flavour, opened
from .test_every_operation import CALLS, IDS, NOT_FOUND, SPEC, Wire, _arguments, _client, _invoke, _method

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("op_id", "resource", "name", "fixed"), CALLS, ids=IDS)
async def test_a_404_says_where_the_request_went(
    op_id: str, resource: str, name: str, fixed: dict[str, Any], flavour: Flavour
) -> None:
    op = SPEC.operations[op_id]
    wire = Wire(404, NOT_FOUND[op.api][0])
    async with _client(op.api, wire, flavour) as client:
        fn = _method(client, resource, name)
        args, kwargs = _arguments(op, fn, fixed)
        with pytest.raises(onstage.NotFoundError) as info:
            await _invoke(fn, args, kwargs)
    (request,) = wire.requests
    text = str(info.value)
    assert info.value.target is not None and f"from {info.value.target}" in text
    assert info.value.target.startswith(f"{op.method} {request.url.scheme}://{request.url.host}")
    # the path as sent (a static segment of the route shows; a secret segment would be masked)
    last_static = [s for s in op.path.split("/") if s and not s.startswith("{")][-1]
    assert last_static in info.value.target and "?" not in info.value.target


async def test_a_doubled_base_url_path_shows_in_the_404() -> None:
    """The newcomer's mistake: ``base_url`` given with the API's path already in it."""
    wire = Wire(404, NOT_FOUND["webinar"][0])
    async with onstage.Webinar(
        api_key="k",
        base_url="https://api.tenbyte.io/v1/webinar/v1/webinar",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
    ) as wb:
        with pytest.raises(onstage.NotFoundError) as info:
            await wb.rooms.get("r-1")
    assert "from GET https://api.tenbyte.io/v1/webinar/v1/webinar/rooms/r-1" in str(info.value)


async def test_a_422_does_not_repeat_the_field() -> None:
    body = {
        "success": False,
        "message": "Invalid Request",
        "errors": [{"field": "title", "code": "validation_invalid", "message": "title: 'Q3' is too short"}],
    }
    plain = {**body, "errors": [{"field": "title", "message": "is too short"}]}
    for answer, expected in (
        (body, "Invalid Request: title: 'Q3' is too short"),
        (plain, "title: is too short"),
    ):
        wire = Wire(422, answer)
        transport = httpx2.MockTransport(wire)
        async with onstage.Webinar(api_key="k", http_client=httpx2.AsyncClient(transport=transport)) as wb:
            with pytest.raises(onstage.UnprocessableEntityError) as info:
                await wb.rooms.create(title="Q3")
        assert expected in str(info.value) and "title: title:" not in str(info.value)
        assert "from POST" not in str(info.value)  # only route-like statuses say where


async def test_a_connection_error_says_where() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    async with onstage.RealtimeKit(
        api_token="t",
        account_id="acc",
        app_id="app",
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(refuse)),
    ) as rtk:
        with pytest.raises(onstage.APIConnectionError) as info:
            await rtk.meetings.get("m-1")
    assert "(GET https://api.cloudflare.com/client/v4/accounts/acc/realtime/kit/app/meetings/m-1)" in str(
        info.value
    )


def _bound_cases() -> list[tuple[str, str, str]]:
    """``(api, bound id, operation id)``: for each id an API binds, an operation whose path needs it."""
    out = []
    for api in APIS.values():
        for bound in api.bound:
            op = next(
                o for o in SPEC.operations.values() if o.api == api.name and f"{{{bound.name}}}" in o.path
            )
            out.append((api.name, bound.name, op.id))
    return out


@pytest.mark.parametrize(("api", "bound", "op_id"), _bound_cases())
async def test_a_missing_bound_id_names_its_environment_variables(
    api: str, bound: str, op_id: str, flavour: Flavour, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = next(b.env for b in APIS[api].bound if b.name == bound)
    for name in names:
        monkeypatch.delenv(name, raising=False)
    op = SPEC.operations[op_id]
    resource, method = op.meta["resource"], op.meta["method"]
    wire = Wire(op.success_status, None)
    async with opened(api, wire, flavour, **{bound: None}) as client:
        fn = _method(client, resource, method)
        args, kwargs = _arguments(op, fn, {})
        with pytest.raises(onstage.ConfigurationError) as info:
            await _invoke(fn, args, kwargs)
    assert wire.requests == []
    assert f"needs {bound}" in str(info.value) and all(name in str(info.value) for name in names)


async def test_the_target_masks_secret_path_segments() -> None:
    wire = Wire(404, NOT_FOUND["tpstreams"][0])
    async with onstage.TPStreams(
        token="tok",
        organization_id="org1",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(wire)),
    ) as tp:
        with pytest.raises(onstage.NotFoundError) as info:
            await tp.assets.access_tokens.get("asset-1", "S3cretCode")
    (request,) = wire.requests
    assert "S3cretCode" in str(request.url)  # it was sent...
    text = str(info.value)  # ...and is masked where the message says where the request went
    assert "S3cretCode" not in text
    assert "from GET https://app.tpstreams.com/api/v1/org1/assets/asset-1/access_tokens/[redacted]/" in text
