"""TP Streams' operation table: operationId -> handler (operations left out answer from the spec)."""

from __future__ import annotations

from .._engine.handler import Handler
from . import access_tokens, assets, auth, chapters, live_streams, subtitles, transcoding, webhooks

__all__ = ["HANDLERS"]

HANDLERS: dict[str, Handler] = {
    "tp_login": auth.login,
    "tp_logout": auth.logout,
    "tp_list_organizations": auth.list_organizations,
    "tp_list_assets": assets.list_assets,
    "tp_create_video": assets.create_video,
    "tp_bulk_create_videos": assets.bulk_create,
    "tp_create_upload_session": assets.create_upload_session,
    "tp_get_asset": assets.get_asset,
    "tp_delete_asset": assets.delete_asset,
    "tp_delete_asset_resolutions": assets.asset_default,
    "tp_move_asset": assets.move_asset,
    "tp_upload_thumbnail": assets.asset_default,
    "tp_trim_asset": assets.asset_default,
    "tp_get_trim_status": assets.asset_default,
    "tp_revert_trim": assets.asset_default,
    "tp_generate_subtitle": subtitles.generate_subtitle,
    "tp_upload_subtitle": subtitles.upload_subtitle,
    "tp_list_subtitles": subtitles.list_subtitles,
    "tp_delete_subtitle": subtitles.delete_subtitle,
    "tp_create_chapters": chapters.create_chapters,
    "tp_list_chapters": chapters.list_chapters,
    "tp_delete_chapter": chapters.delete_chapter,
    "tp_create_access_token": access_tokens.create_access_token,
    "tp_get_access_token": access_tokens.get_access_token,
    "tp_update_access_token": access_tokens.update_access_token,
    "tp_create_folder": assets.create_folder,
    "tp_list_folders": assets.list_folders,
    "tp_create_live_stream": live_streams.create_live_stream,
    "tp_list_live_streams": live_streams.list_live_streams,
    "tp_start_live_stream_server": live_streams.start_server,
    "tp_stop_live_stream": live_streams.stop_live_stream,
    "tp_create_webhook": webhooks.create_webhook,
    "tp_list_webhooks": webhooks.list_webhooks,
    "tp_replace_webhook": webhooks.replace_webhook,
    "tp_delete_webhook": webhooks.delete_webhook,
    "tp_create_transcoding_job": transcoding.create_job,
    "tp_list_transcoding_jobs": transcoding.list_jobs,
    "tp_get_transcoding_job": transcoding.get_job,
    "tp_cancel_transcoding_job": transcoding.cancel_job,
}
