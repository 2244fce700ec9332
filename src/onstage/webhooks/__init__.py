"""Verification of incoming webhooks, with typed events.

* RealtimeKit (``onstage.webhooks.realtimekit``): RSA-SHA256 signatures over the raw body; needs the
  ``cryptography`` package (``pip install 'onstage[webhooks]'``), imported only when used.
* TP Streams (``onstage.webhooks.tpstreams``): a shared secret in ``x-streams-token``.
* ``onstage.webhooks.asgi``: ``read_verified`` for Starlette/FastAPI and a ready ASGI endpoint.

Both verifiers are called ``WebhookVerifier`` in their modules and exported here as
``RealtimeKitWebhookVerifier`` and ``TPStreamsWebhookVerifier``. Every failure raises
``onstage.WebhookVerificationError``; passing a ``str`` or parsed JSON instead of the raw body
raises ``TypeError``.
"""

from __future__ import annotations

from .._errors import WebhookVerificationError
from ._body import PublicKeyUnavailableError
from ._events import (
    EVENT_CLASSES,
    ChatSynced,
    LivestreamingStatusUpdate,
    MeetingEnded,
    MeetingStarted,
    ParticipantJoined,
    ParticipantLeft,
    RealtimeKitEvent,
    RecordingStatusUpdate,
    SummaryReady,
    TranscriptReady,
    parse_event,
)
from ._models import WebhookMeeting, WebhookOrganizer, WebhookParticipant, WebhookRecording
from .asgi import read_verified, webhook_app
from .realtimekit import WebhookVerifier as RealtimeKitWebhookVerifier
from .tpstreams import TPStreamsEvent
from .tpstreams import WebhookVerifier as TPStreamsWebhookVerifier

__all__ = [
    "EVENT_CLASSES",
    "ChatSynced",
    "LivestreamingStatusUpdate",
    "MeetingEnded",
    "MeetingStarted",
    "ParticipantJoined",
    "ParticipantLeft",
    "PublicKeyUnavailableError",
    "RealtimeKitEvent",
    "RealtimeKitWebhookVerifier",
    "RecordingStatusUpdate",
    "SummaryReady",
    "TPStreamsEvent",
    "TPStreamsWebhookVerifier",
    "TranscriptReady",
    "WebhookMeeting",
    "WebhookOrganizer",
    "WebhookParticipant",
    "WebhookRecording",
    "WebhookVerificationError",
    "parse_event",
    "read_verified",
    "webhook_app",
]
