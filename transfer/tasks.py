"""Celery tasks of the import: thin wrappers that take a job id and call a service.

Both are idempotent: the service claims the job with a conditional update, so a second
delivery of the same message finds nothing to do.
"""

from celery import shared_task

from transfer import services


@shared_task
def preview_import(job_id: int) -> str | None:
    job = services.import_preview(job_id=job_id)
    return job.status if job else None


@shared_task
def run_import(job_id: int) -> str | None:
    job = services.import_run(job_id=job_id, notify=True)
    return job.status if job else None
