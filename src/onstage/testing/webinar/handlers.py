"""The Webinar API's operation table: operationId -> handler (operations left out answer from the spec)."""

from __future__ import annotations

from .._engine.handler import Handler
from . import live, rooms, sessions

__all__ = ["HANDLERS"]

HANDLERS: dict[str, Handler] = {
    "webinar_list_rooms": rooms.list_rooms,
    "webinar_create_room": rooms.create_room,
    "webinar_list_my_rooms": rooms.list_my_rooms,
    "webinar_get_room": rooms.get_room,
    "webinar_update_room": rooms.update_room,
    "webinar_delete_room": rooms.delete_room,
    "webinar_list_room_sessions": sessions.list_room_sessions,
    "webinar_create_room_session": sessions.create_session,
    "webinar_list_sessions": sessions.list_sessions,
    "webinar_list_live_sessions": sessions.list_live,
    "webinar_get_session_stats": sessions.stats,
    "webinar_get_session": sessions.get_session,
    "webinar_delete_session": sessions.delete_session,
    "webinar_join_session": live.join,
    "webinar_go_live_session": live.start,
    "webinar_start_session": live.start,
    "webinar_ensure_hls_egress": live.egress,
    "webinar_start_webcam_hls": live.egress,
    "webinar_end_session": live.end,
    "webinar_reschedule_session": live.reschedule,
    "webinar_update_session_settings": live.update_settings,
    "webinar_set_host_video_state": live.host_video,
    "webinar_set_host_audio_state": live.host_audio,
    "webinar_get_monitor_token": live.monitor,
    "webinar_get_stream_health": live.stream_health,
}
