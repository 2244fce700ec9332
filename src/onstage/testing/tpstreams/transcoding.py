"""TP Streams transcoding jobs (page-numbered listing, unlike the other lists)."""

from __future__ import annotations

from typing import Any

from .._engine.handler import Ctx, Reply, find
from .state import drf_page, tp_org

__all__ = ["cancel_job", "create_job", "get_job", "list_jobs"]


def create_job(ctx: Ctx) -> Reply:
    job = ctx.world.faker.make(ctx.op.response_schema or {})
    job.update({k: v for k, v in dict(ctx.body).items()})
    job.update({"id": ctx.world.uuid(), "status": "queued"})
    tp_org(ctx).jobs[job["id"]] = job
    return Reply(201, job)


def list_jobs(ctx: Ctx) -> Reply:
    jobs = list(tp_org(ctx).jobs.values())
    wanted = ctx.q("status")
    if wanted:
        wanted = set(wanted) if isinstance(wanted, list) else {wanted}
        jobs = [j for j in jobs if j.get("status") in wanted]
    return Reply(200, drf_page(ctx, jobs, page_style=True))


def _job(ctx: Ctx) -> dict[str, Any]:
    return find(tp_org(ctx).jobs, ctx.p("job_id"), "Not found.")


def get_job(ctx: Ctx) -> Reply:
    return Reply(200, _job(ctx))


def cancel_job(ctx: Ctx) -> Reply:
    job = _job(ctx)
    job["status"] = "cancelled"
    body = ctx.world.faker.make(ctx.op.response_schema or {})
    if isinstance(body, dict):
        body.update({k: v for k, v in {"id": job["id"], "status": "cancelled"}.items() if k in body})
    return Reply(200, body)
