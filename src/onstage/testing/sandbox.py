"""``Sandbox``: the fake APIs on a loopback port (``_engine.raw_http_server``) or in process
(``httpx2.ASGITransport``), the client factories, the control shortcuts (``_control``), and
``ThreadedSandbox``: the same from a background thread for synchronous tests (``_threaded``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

import anyio
import anyio.abc
import httpx2
from anyio.from_thread import BlockingPortal, start_blocking_portal

from .. import sync
from .._apis import APIS
from .._asgi import ASGIApp
from .._client_base import BaseClient
from ..realtimekit import RealtimeKit
from ..tpstreams import TPStreams
from ..webinar import Webinar
from . import _spec, realtimekit, tpstreams, webinar
from ._control import Control, ControlShortcuts
from ._engine.app import SandboxApp
from ._engine.core import Core
from ._engine.faults import Faults
from ._engine.raw_http_server import HttpServer
from ._engine.routes import RouteIndex
from ._engine.webhooks import Delivery, Dispatcher
from ._engine.world import World
from ._services import SERVICES
from ._threaded import ThreadedControl, copied

__all__ = ["Control", "Sandbox", "ThreadedSandbox"]

T = TypeVar("T")
C = TypeVar("C", sync.RealtimeKit, sync.TPStreams, sync.Webinar)

_TICK = 0.02
_ASGI_URL = "http://sandbox.local"


class Sandbox(ControlShortcuts):
    """A stateful local fake of RealtimeKit, TP Streams and the Webinar API::

        async with Sandbox() as sb:
            rtk = sb.realtimekit()
            meeting = await rtk.meetings.create(title="Standup")
            sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1")

    ``transport="http"`` (default) serves on ``127.0.0.1`` (a small anyio + h11 server);
    ``transport="asgi"`` runs in-process through ``httpx2.ASGITransport``. Both work under asyncio and trio.
    ``client_options`` are defaults for every client it makes, e.g. ``{"http_backend": "aiohttp"}``
    to run your tests over the aiohttp transport (``transport="http"`` only).
    ``apps`` maps origins (``"https://app.example"``) to ASGI apps (your FastAPI or Starlette app
    under test): webhook deliveries to a URL with one of these origins are sent to that app in
    process instead of over the network (see ``add_app``).

    Every control action is a method (``sb.join``, ``sb.leave``, ``sb.finish_recording``, ...; the
    same as ``sb.control.<action>``); ``GET /_sandbox/`` lists them over HTTP.
    """

    def __init__(
        self,
        *,
        realtimekit_token: str = "rtk-sandbox-token",  # noqa: S107 - a fake service's well-known token
        tpstreams_token: str = "tp-sandbox-token",  # noqa: S107
        tpstreams_organization_id: str | None = None,
        webinar_api_key: str = "wb-sandbox-key",
        server_start_delay: float = 0.0,
        seed: int = 0,
        transport: Literal["http", "asgi"] = "http",
        host: str = "127.0.0.1",
        port: int = 0,
        client_options: Mapping[str, Any] | None = None,
        apps: Mapping[str, ASGIApp] | None = None,
    ) -> None:
        if transport not in ("http", "asgi"):
            raise ValueError("transport must be 'http' or 'asgi'")
        # Defaults for every client this sandbox makes (e.g. {"http_backend": "aiohttp"}).
        self.client_options: dict[str, Any] = dict(client_options or {})
        self.realtimekit_token = realtimekit_token
        self.tpstreams_token = tpstreams_token
        self.tpstreams_organization_id = tpstreams_organization_id
        self.webinar_api_key = webinar_api_key
        self.transport = transport
        self.spec = _spec.load()
        self.dispatcher = Dispatcher(apps=apps)
        settings = {
            realtimekit.SERVICE.name: realtimekit.Settings(token=realtimekit_token),
            tpstreams.SERVICE.name: tpstreams.Settings(
                token=tpstreams_token,
                organization_id=tpstreams_organization_id,
                server_start_delay=server_start_delay,
            ),
            webinar.SERVICE.name: webinar.Settings(api_key=webinar_api_key),
        }
        self.world = World(self.spec, seed=seed, dispatcher=self.dispatcher, settings=settings)
        self.faults = Faults(seed, routes=RouteIndex(self.spec))
        self.core = Core(self.spec, self.world, self.faults, SERVICES)
        self.control = Control(self.core)
        self.core.control = self.control.http
        self.app = SandboxApp(self.core)
        self._host = host
        self._port = port
        self._url: str | None = None
        self._stack: contextlib.AsyncExitStack | None = None
        self._server_done: anyio.Event | None = None
        self._clients: list[BaseClient] = []
        self._http_clients: list[httpx2.AsyncClient] = []

    # -- lifecycle ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the sandbox is not running: use `async with Sandbox() as sb`")
        return self._url

    async def __aenter__(self) -> Self:
        stack = contextlib.AsyncExitStack()
        await stack.__aenter__()
        try:
            tg = await stack.enter_async_context(anyio.create_task_group())
            stack.callback(tg.cancel_scope.cancel)
            tg.start_soon(self.dispatcher.run)
            tg.start_soon(self._ticker)
            if self.transport == "http":
                await self._start_http(tg)
            else:
                self._url = _ASGI_URL
        except BaseException:
            await stack.__aexit__(None, None, None)
            raise
        self._stack = stack
        return self

    async def _start_http(self, tg: anyio.abc.TaskGroup) -> None:
        server = HttpServer(self.app, host=self._host, port=self._port)
        done = anyio.Event()
        self._server_done = done

        async def serve(*, task_status: anyio.abc.TaskStatus[int] = anyio.TASK_STATUS_IGNORED) -> None:
            try:
                await server.serve(task_status=task_status)
            finally:
                done.set()

        with anyio.fail_after(10):
            port = await tg.start(serve)
        self._url = f"http://{self._host}:{port}"

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for client in self._clients:
            await client.aclose()
        for http in self._http_clients:
            await http.aclose()
        self._clients.clear()
        self._http_clients.clear()
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.__aexit__(None, None, None)
        self._url = None

    async def serve_forever(self) -> None:
        """Wait until the server stops (Ctrl-C)."""
        if self._server_done is None:
            await anyio.sleep_forever()
        else:
            await self._server_done.wait()

    async def _ticker(self) -> None:
        ticks = [s.tick for s in self.core.services if s.tick is not None]
        while True:
            for tick in ticks:
                tick(self.world)
            await anyio.sleep(_TICK)

    @classmethod
    def start_in_thread(cls, **kwargs: Any) -> ThreadedSandbox:
        """For synchronous tests (a Django view, a Celery task): ``with Sandbox.start_in_thread() as
        sb:`` serves on loopback from a background thread; ``sb.realtimekit()`` and the others give
        ``onstage.sync`` clients, and every control call and inspection runs in the sandbox's
        thread. Takes the same arguments as ``Sandbox()`` (``transport`` must stay ``"http"``)."""
        return ThreadedSandbox(cls(**kwargs))

    # -- clients -----------------------------------------------------------------------------------
    def client_kwargs(self, api: str, kw: dict[str, Any], *, sync: bool = False) -> dict[str, Any]:
        """``kw`` completed for a client of ``api`` on this sandbox: the sandbox's credential (unless
        ``kw`` names one of the API's), its base URL, and ``client_options`` (for a ``sync`` client,
        those it takes; an async one under ``transport="asgi"`` also gets the in-process pool)."""
        description = APIS[api]
        if not any(c.arg in kw for c in description.credentials):
            arg = description.credentials[0].arg
            kw[arg] = {
                "realtimekit": self.realtimekit_token,
                "tpstreams": self.tpstreams_token,
                "webinar": self.webinar_api_key,
            }[api]
        kw.setdefault("base_url", self.url + description.path_prefix)
        for key, value in self.client_options.items():
            if not (sync and key == "http_backend"):
                kw.setdefault(key, value)
        if not sync and self.transport == "asgi" and "http_client" not in kw and "http_backend" not in kw:
            http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=self.app))
            self._http_clients.append(http)
            kw["http_client"] = http
        return kw

    def organization_for(self, organization_id: str | None) -> str:
        """The TP Streams organization a client is for (see ``tpstreams``)."""
        return organization_id or self.tpstreams_organization_id or tpstreams.DEFAULT_ORGANIZATION

    def realtimekit(self, account_id: str = "acc-1", app_id: str = "app-1", **kw: Any) -> RealtimeKit:
        """A ``RealtimeKit`` client for this sandbox (closed with the sandbox)."""
        client = RealtimeKit(account_id=account_id, app_id=app_id, **self.client_kwargs("realtimekit", kw))
        self._clients.append(client)
        return client

    def tpstreams(self, organization_id: str | None = None, **kw: Any) -> TPStreams:
        """A ``TPStreams`` client for this sandbox (closed with the sandbox), for ``organization_id``
        (default: ``tpstreams_organization_id``, else ``"org1"``). Any organization works with the
        sandbox token unless the sandbox was given ``tpstreams_organization_id``: then, like the real
        service, other organizations answer the plain-text 404 (tokens from ``auth.login`` are always
        scoped to the organization they logged into)."""
        organization = self.organization_for(organization_id)
        client = TPStreams(organization_id=organization, **self.client_kwargs("tpstreams", kw))
        self._clients.append(client)
        return client

    def webinar(self, **kw: Any) -> Webinar:
        """A ``Webinar`` client for this sandbox (closed with the sandbox)."""
        client = Webinar(**self.client_kwargs("webinar", kw))
        self._clients.append(client)
        return client

    # -- webhooks ----------------------------------------------------------------------------------
    @property
    def webhook_private_key(self) -> Any:
        """The RSA private key signing RealtimeKit deliveries (``cryptography`` object)."""
        return self.dispatcher.private_key

    @property
    def webhook_public_key_pem(self) -> str:
        return self.dispatcher.public_key_pem

    @property
    def deliveries(self) -> list[Delivery]:
        """The webhook deliveries so far (each after its retries), in the order they were queued."""
        return self.dispatcher.deliveries

    async def flush_webhooks(self, timeout: float = 10.0) -> None:
        """Wait until every queued webhook delivery is done."""
        await self.dispatcher.flush(timeout)

    def add_app(self, origin: str, app: ASGIApp) -> None:
        """Deliver webhooks addressed to ``origin`` to ``app``, an ASGI app in this process (your
        FastAPI or Starlette app under test), through ``httpx2.ASGITransport`` instead of over the
        network: same method, path, query, body and signing headers, ``Host`` the origin's.

        ``origin`` is ``scheme://host[:port]`` (http or https, nothing after the host:
        ``"https://app.example"``; case and a default port do not matter), else ``ValueError``.
        Register the webhook itself as usual (``rtk.webhooks.create(url="https://app.example/hooks",
        ...)``). The app's lifespan is not run; an exception in it is recorded as a 500 delivery.
        Adding an app for an origin again replaces the first."""
        self.dispatcher.add_app(origin, app)

    # -- presets -----------------------------------------------------------------------------------
    @property
    def webinar_preset_ids(self) -> tuple[str, ...]:
        """The ids of the Webinar presets every sandbox has, for ``wb.rooms.sessions.create(...,
        preset_id=...)`` (any other id is refused with 422, as the real API refuses a preset the
        account does not have). The real presets are made in the Tenbyte dashboard or through
        ``/presets``, which the spec does not have, so the sandbox seeds two, one per preset type:
        ``[0]`` ``whip`` (Vidinfra Studio, the default), ``[1]`` ``rtmp``. Fixed ids, the same in
        every sandbox and after ``reset()``. (RealtimeKit presets are listed by the API itself:
        ``rtk.presets.list()``; each app starts with six defaults such as ``group_call_host``.)"""
        return webinar.SEEDED_PRESET_IDS

    # -- control shortcuts (``ControlShortcuts``: the actions, ``requests``, ``count``, ``reset``) --
    def _actions(self) -> Control:
        return self.control


# -- the sandbox for synchronous tests ---------------------------------------------------------------
class ThreadedSandbox(ControlShortcuts):
    """A running ``Sandbox`` in a background thread (see ``Sandbox.start_in_thread``).

    Every control action is a method (``sb.join(...)``, as ``sb.control.join(...)``), run in the
    sandbox's thread like the inspection (``requests``, ``count``, ``deliveries``) and ``add_app``;
    lists and dicts they return are copies taken there."""

    def __init__(self, sandbox: Sandbox) -> None:
        if sandbox.transport != "http":
            raise ValueError("start_in_thread serves over loopback HTTP: use transport='http'")
        self._sandbox = sandbox
        self._portal_cm: AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None
        self._control: ThreadedControl | None = None
        self._running: AbstractContextManager[Sandbox] | None = None
        self._clients: list[sync.RealtimeKit | sync.TPStreams | sync.Webinar] = []

    # -- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        cm = start_blocking_portal()
        portal = cm.__enter__()
        try:
            # one task of the portal holds the sandbox open (its task group lives in that task)
            running = portal.wrap_async_context_manager(self._sandbox)
            running.__enter__()
        except BaseException:
            cm.__exit__(None, None, None)
            raise
        self._portal_cm, self._portal, self._running = cm, portal, running
        self._control = ThreadedControl(self._sandbox.core, portal)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()
        cm, running = self._portal_cm, self._running
        self._portal_cm = self._portal = self._running = self._control = None
        if cm is None or running is None:
            return
        try:
            running.__exit__(None, None, None)
        finally:
            cm.__exit__(None, None, None)

    @property
    def portal(self) -> BlockingPortal:
        if self._portal is None:
            raise RuntimeError("the sandbox is not running: use `with Sandbox.start_in_thread() as sb`")
        return self._portal

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in the sandbox's thread (a coroutine function is awaited there)."""
        return self.portal.call(fn, *args)

    # -- what it serves ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self._sandbox.url

    @property
    def webhook_public_key_pem(self) -> str:
        """The PEM public key that verifies the sandbox's RealtimeKit deliveries (made in its thread)."""
        return self.call(_public_key_pem, self._sandbox)

    @property
    def webinar_preset_ids(self) -> tuple[str, ...]:
        """The seeded Webinar presets' ids (see ``Sandbox.webinar_preset_ids``)."""
        return self._sandbox.webinar_preset_ids

    @property
    def sandbox(self) -> Sandbox:
        """The ``Sandbox`` itself (touch its state only through ``call``)."""
        return self._sandbox

    # -- clients -----------------------------------------------------------------------------------
    def realtimekit(self, account_id: str = "acc-1", app_id: str = "app-1", **kw: Any) -> sync.RealtimeKit:
        """An ``onstage.sync.RealtimeKit`` for this sandbox (closed with it)."""
        kwargs = self._sandbox.client_kwargs("realtimekit", kw, sync=True)
        return self._keep(sync.RealtimeKit(account_id=account_id, app_id=app_id, **kwargs))

    def tpstreams(self, organization_id: str | None = None, **kw: Any) -> sync.TPStreams:
        """An ``onstage.sync.TPStreams`` for this sandbox (closed with it); ``organization_id`` as
        ``Sandbox.tpstreams``."""
        organization = self._sandbox.organization_for(organization_id)
        kwargs = self._sandbox.client_kwargs("tpstreams", kw, sync=True)
        return self._keep(sync.TPStreams(organization_id=organization, **kwargs))

    def webinar(self, **kw: Any) -> sync.Webinar:
        """An ``onstage.sync.Webinar`` for this sandbox (closed with it)."""
        return self._keep(sync.Webinar(**self._sandbox.client_kwargs("webinar", kw, sync=True)))

    def _keep(self, client: C) -> C:
        self._clients.append(client)
        return client

    # -- control and inspection, in the sandbox's thread -------------------------------------------
    @property
    def control(self) -> Control:
        """The typed control actions (``sb.control.join(...)``), each run in the sandbox's thread."""
        if self._control is None:
            raise RuntimeError("the sandbox is not running: use `with Sandbox.start_in_thread() as sb`")
        return self._control

    def _actions(self) -> Control:
        return self.control

    @property
    def faults(self) -> Faults:
        """Fault injection (``sb.faults.add(...)``, ``.clear()``, ``.rules``): the sandbox's own
        ``Faults``, safe to use from any thread (its rules are behind a lock)."""
        return self._sandbox.faults

    @property
    def deliveries(self) -> list[Delivery]:
        """A copy of the webhook deliveries so far."""
        return self.call(_deliveries, self._sandbox)

    def flush_webhooks(self, timeout: float = 10.0) -> None:
        """Wait until every queued webhook delivery is done."""
        self.portal.call(self._sandbox.flush_webhooks, timeout)

    def add_app(self, origin: str, app: ASGIApp) -> None:
        """``Sandbox.add_app``: webhooks addressed to ``origin`` go to ``app`` in process (it runs
        in the sandbox's thread and event loop)."""
        if self._portal is None:
            self._sandbox.add_app(origin, app)
        else:
            self.call(self._sandbox.add_app, origin, app)


def _public_key_pem(sandbox: Sandbox) -> str:
    return sandbox.webhook_public_key_pem


def _deliveries(sandbox: Sandbox) -> list[Delivery]:
    return copied(sandbox.deliveries)
