"""The public surface is a contract: changing it must be deliberate (and named in CHANGELOG.md)."""

from __future__ import annotations

import onstage
from onstage import RealtimeKit, TPStreams, Webinar

EXPECTED_ALL = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ClientOptions",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "NotGiven",
    "OnstageError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RealtimeKit",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryEvent",
    "TPStreams",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "Webinar",
    "__version__",
]


def test_all_is_pinned_and_sorted() -> None:
    assert onstage.__all__ == EXPECTED_ALL
    # isort style, as ruff keeps it: CONSTANTS, then Classes, then the rest
    assert onstage.__all__ == sorted(
        onstage.__all__, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n)
    )
    for name in onstage.__all__:
        assert hasattr(onstage, name), name


def test_error_tree() -> None:
    for name in EXPECTED_ALL:
        obj = getattr(onstage, name)
        if isinstance(obj, type) and name.endswith("Error"):
            assert issubclass(obj, onstage.OnstageError), name
    assert issubclass(onstage.APITimeoutError, onstage.APIConnectionError)
    assert issubclass(onstage.RateLimitError, onstage.APIStatusError)


def _public(obj: object) -> list[str]:
    return sorted(n for n in dir(obj) if not n.startswith("_"))


RTK_RESOURCES = {
    "active_session": ["create_poll", "get", "kick", "kick_all", "mute", "mute_all", "with_raw_response"],
    "analytics": ["daywise", "with_raw_response"],
    "apps": ["create", "get", "list", "with_raw_response"],
    "livestreams": [
        "analytics",
        "create",
        "get",
        "get_active_for_meeting",
        "get_active_session",
        "get_session",
        "list",
        "list_for_meeting",
        "start",
        "stop",
        "with_raw_response",
    ],
    "meetings": ["create", "get", "list", "participants", "replace", "update", "with_raw_response"],
    "presets": ["create", "delete", "get", "list", "replace", "update", "with_raw_response"],
    "recordings": [
        "get",
        "get_active",
        "list",
        "pause",
        "resume",
        "set_state",
        "start",
        "start_track",
        "stop",
        "with_raw_response",
    ],
    "sessions": [
        "generate_summary",
        "get",
        "get_chat",
        "get_peer_report",
        "get_summary",
        "get_transcript",
        "list",
        "list_livestream_sessions",
        "participants",
        "with_raw_response",
    ],
    "webhooks": [
        "create",
        "delete",
        "get",
        "list",
        "list_event_types",
        "replace",
        "update",
        "with_raw_response",
    ],
}
TP_RESOURCES = {
    "assets": [
        "access_tokens",
        "chapters",
        "delete",
        "delete_resolutions",
        "generate_subtitle",
        "get",
        "get_trim_status",
        "list",
        "move",
        "revert_trim",
        "subtitles",
        "trim",
        "upload_sessions",
        "upload_subtitle",
        "upload_thumbnail",
        "videos",
        "with_raw_response",
    ],
    "auth": ["login", "logout", "with_raw_response"],
    "folders": ["create", "list", "with_raw_response"],
    "live_streams": [
        "create",
        "delete",
        "get",
        "list",
        "start_server",
        "stop",
        "wait_until_ready",
        "with_raw_response",
    ],
    "organizations": ["list", "with_raw_response"],
    "transcoding_jobs": ["cancel", "create", "get", "list", "with_raw_response"],
    "usage": ["list", "with_raw_response"],
    "webhooks": ["create", "delete", "list", "replace", "with_raw_response"],
}
WB_RESOURCES = {
    "rooms": ["create", "delete", "get", "list", "list_mine", "sessions", "update", "with_raw_response"],
    "sessions": [
        "delete",
        "end",
        "ensure_hls_egress",
        "get",
        "get_monitor_token",
        "get_stream_health",
        "go_live",
        "join",
        "list",
        "list_live",
        "reschedule",
        "set_host_audio_state",
        "set_host_video_state",
        "start",
        "start_webcam_hls",
        "stats",
        "update_settings",
        "with_raw_response",
    ],
}


def _client_resources(client: object, expected: dict[str, list[str]]) -> None:
    for resource, methods in expected.items():
        assert _public(getattr(client, resource)) == methods, resource


def test_resource_names() -> None:
    rtk = RealtimeKit(api_token="t", account_id="a", app_id="b")
    tp = TPStreams(token="t", organization_id="o")
    wb = Webinar(api_key="k")
    client_api = {"aclose", "base_url", "max_retries", "timeout", "with_options"}
    assert set(_public(rtk)) - client_api == set(RTK_RESOURCES) | {"account_id", "app_id"}
    assert set(_public(tp)) - client_api == set(TP_RESOURCES) | {"organization_id"}
    assert set(_public(wb)) - client_api == set(WB_RESOURCES)
    _client_resources(rtk, RTK_RESOURCES)
    _client_resources(tp, TP_RESOURCES)
    _client_resources(wb, WB_RESOURCES)
    assert _public(rtk.meetings.participants) == [
        "add",
        "delete",
        "get",
        "list",
        "refresh_token",
        "replace",
        "update",
        "with_raw_response",
    ]
    assert _public(rtk.livestreams.analytics) == ["daywise", "overall", "with_raw_response"]
