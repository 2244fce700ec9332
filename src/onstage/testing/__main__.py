"""``python -m onstage.testing serve --port 8787``: run the sandbox standalone."""

from __future__ import annotations

import argparse
import signal
import sys

import anyio

from . import realtimekit, tpstreams, webinar
from ._engine.service import Service
from ._services import SERVICES
from .sandbox import Sandbox


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m onstage.testing", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve RealtimeKit, TP Streams and Webinar fakes over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8787)
    serve.add_argument("--realtimekit-token", help="default: the Sandbox's well-known token")
    serve.add_argument("--tpstreams-token", help="default: the Sandbox's well-known token")
    serve.add_argument(
        "--tpstreams-organization-id",
        default=None,
        help="scope the TP Streams token to this organization like the real service (others answer "
        "a plain-text 404); by default any organization id works and gets its own state",
    )
    serve.add_argument("--webinar-api-key", help="default: the Sandbox's well-known key")
    serve.add_argument(
        "--server-start-delay",
        type=float,
        default=0.0,
        help="seconds before a TP Streams live-stream server is up (real: 20-30)",
    )
    serve.add_argument("--seed", type=int, default=0)
    return parser


async def _serve(args: argparse.Namespace) -> None:
    credentials = {
        name: getattr(args, name)
        for name in ("realtimekit_token", "tpstreams_token", "webinar_api_key")
        if getattr(args, name) is not None
    }
    sandbox = Sandbox(
        **credentials,
        tpstreams_organization_id=args.tpstreams_organization_id,
        server_start_delay=args.server_start_delay,
        seed=args.seed,
        host=args.host,
        port=args.port,
    )
    async with sandbox as sb:
        print(f"onstage sandbox on {sb.url}", flush=True)
        width = len(sb.url) + max(len(s.api.path_prefix) for s in SERVICES)

        def base_url(service: Service) -> str:
            return (sb.url + service.api.path_prefix).ljust(width)

        print(f"  RealtimeKit  base_url={base_url(realtimekit.SERVICE)}  token={sb.realtimekit_token}")
        print(
            f"  TP Streams   base_url={base_url(tpstreams.SERVICE)}  token={sb.tpstreams_token}"
            f"  organization_id={args.tpstreams_organization_id or 'any'}"
        )
        print(f"  Webinar      base_url={base_url(webinar.SERVICE)}  api_key={sb.webinar_api_key}")
        print(f"               preset_id={' or '.join(sb.webinar_preset_ids)}  (the seeded presets)")
        print(f"  control      {sb.url}/_sandbox/  (GET it for the actions; Ctrl-C to stop)", flush=True)
        async with anyio.create_task_group() as tg:
            tg.start_soon(_stop_on_sigterm, tg.cancel_scope)
            await sb.serve_forever()


async def _stop_on_sigterm(scope: anyio.CancelScope) -> None:
    """``docker stop`` / ``kill``: shut down cleanly, like Ctrl-C."""
    try:
        with anyio.open_signal_receiver(signal.SIGTERM) as signals:
            async for _ in signals:
                scope.cancel()
                return
    except NotImplementedError:  # no signal receivers on Windows; the default action applies
        await anyio.sleep_forever()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        try:
            anyio.run(_serve, args)
        except KeyboardInterrupt:
            print("onstage sandbox stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
