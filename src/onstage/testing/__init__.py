"""``onstage.testing``: a stateful local sandbox of RealtimeKit, TP Streams and the Webinar API.

    from onstage.testing import Sandbox

    async with Sandbox() as sb:
        rtk = sb.realtimekit()
        meeting = await rtk.meetings.create(title="Standup")

Routes and request validation come from ``openapi/onstage.yaml``. Needs the ``sandbox`` extra
(starlette, h11, jsonschema, pyyaml, cryptography). ``python -m onstage.testing serve`` runs it
standalone, under asyncio or trio.
"""

from ._backoff import backoff_scale
from ._control import Control
from ._faults import FaultRule, Faults
from ._receiver import WebhookReceiver
from ._server import Sandbox
from ._webhooks import Delivery

__all__ = ["Control", "Delivery", "FaultRule", "Faults", "Sandbox", "WebhookReceiver", "backoff_scale"]
