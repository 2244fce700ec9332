"""``onstage.testing``: a stateful local sandbox of RealtimeKit, TP Streams and the Webinar API.

    from onstage.testing import Sandbox

    async with Sandbox() as sb:
        rtk = sb.realtimekit()
        meeting = await rtk.meetings.create(title="Standup")

    with Sandbox.start_in_thread() as sb:           # synchronous tests (onstage.sync clients)
        meeting = sb.realtimekit().meetings.create(title="Standup")

Routes and request validation come from ``openapi/onstage.yaml``. Needs the ``sandbox`` extra
(h11, jsonschema, pyyaml, cryptography). ``python -m onstage.testing serve`` runs it standalone,
under asyncio or trio.

Layout: ``_engine/`` serves any API (spec routing and validation, the ASGI pipeline, state, faker,
faults, webhooks, control, the HTTP server); ``realtimekit/``, ``tpstreams/`` and ``webinar/`` are
one fake API each (a ``Service``), listed in ``_services``; ``_control`` has the typed control
actions, ``_threaded`` the calls into a sandbox in another thread; ``sandbox`` puts them together.
"""

from ._engine.backoff import backoff_scale
from ._engine.faults import FaultRule, Faults
from ._engine.receiver import WebhookReceiver
from ._engine.routes import UnknownRouteError
from ._engine.webhooks import Delivery
from .sandbox import Control, Sandbox, ThreadedSandbox

__all__ = [
    "Control",
    "Delivery",
    "FaultRule",
    "Faults",
    "Sandbox",
    "ThreadedSandbox",
    "UnknownRouteError",
    "WebhookReceiver",
    "backoff_scale",
]
