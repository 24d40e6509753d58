"""HTML pages of the import: upload → mapping → preview → confirm → progress → result.

Each page parses its input (a form), calls a service or selector, and renders; the
progress piece answers htmx's polling with a partial, and the next page's address once
the worker is done.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relations.services import ServiceError
from relations.views import _page
from transfer import forms, selectors, services
from transfer.models import ImportStatus, RowOutcome

# Preview and result rows: a long file reads better in larger pages.
PAGE_SIZE = 50


def _next_page(job) -> str:
    """Where a job's owner goes from here, by its status."""
    if job.is_busy:
        return reverse("transfer:import_progress", args=[job.pk])
    if job.status == ImportStatus.UPLOADED:
        return reverse("transfer:import_mapping", args=[job.pk])
    if job.status == ImportStatus.PREVIEWED:
        return reverse("transfer:import_preview", args=[job.pk])
    return job.get_absolute_url()


@login_required
def import_start(request):
    """Upload a file; below, the recent imports."""
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_upload(actor=request.user, file_name=upload.name, upload=upload)
        except ServiceError as error:
            form.add_error("file", error.message)
        else:
            return redirect("transfer:import_mapping", job.pk)
    jobs = selectors.import_job_list_for(user=request.user)[:20]
    return render(request, "transfer/import_start.html", {"form": form, "jobs": jobs})


@login_required
def import_mapping(request, pk):
    job = selectors.import_job_get_for(user=request.user, pk=pk)
    if job.status not in (
        ImportStatus.UPLOADED,
        ImportStatus.PREVIEWED,
        ImportStatus.FAILED,
    ):
        return redirect(_next_page(job))
    samples = selectors.import_samples(job=job)
    form = forms.MappingForm(request.POST or None, job=job, samples=samples)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_set_mapping(
                actor=request.user, job=job, mapping=form.chosen_mapping(), **form.options()
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect(_next_page(job))
    return render(request, "transfer/import_mapping.html", {"job": job, "form": form})


def _outcome_tabs(counts: dict[str, int], total: int, labels: dict[str, str]) -> list[tuple]:
    """(value, label, count) for the row filters: all, then each outcome."""
    return [("", _("All rows"), total)] + [
        (outcome, labels[outcome], counts[outcome]) for outcome in RowOutcome.values
    ]


def _rows_page(request, job, labels: dict[str, str]) -> dict:
    show = request.GET.get("show", "")
    if show not in RowOutcome.values:
        show = ""
    errors_first = request.GET.get("errors_first") == "1"
    rows = selectors.import_rows_for(job=job, outcome=show, errors_first=errors_first)
    page = _page(request, rows, per_page=PAGE_SIZE)
    counts = selectors.import_outcome_counts(job=job)
    return {
        "job": job,
        "page": page,
        "show": show,
        "errors_first": errors_first,
        "counts": counts,
        "tabs": _outcome_tabs(counts, sum(counts.values()), labels),
    }


@login_required
def import_preview(request, pk):
    job = selectors.import_job_get_for(user=request.user, pk=pk)
    if job.status != ImportStatus.PREVIEWED:
        return redirect(_next_page(job))
    labels = {
        RowOutcome.NEW: _("New"),
        RowOutcome.UPDATE: _("Update"),
        RowOutcome.ERROR: _("Error"),
    }
    context = _rows_page(request, job, labels)
    context["is_owner"] = job.created_by_id == request.user.pk
    return render(request, "transfer/import_preview.html", context)


@login_required
@require_POST
def import_confirm(request, pk):
    job = selectors.import_job_get_for(user=request.user, pk=pk)
    try:
        job = services.import_confirm(actor=request.user, job=job)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(_next_page(job))


@login_required
def import_progress(request, pk):
    """The progress bar; htmx polls the partial every second until the job is done."""
    job = selectors.import_job_get_for(user=request.user, pk=pk)
    if not job.is_busy:
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = _next_page(job)
            return response
        return redirect(_next_page(job))
    context = {
        "job": job,
        "processed": services.progress_of(job),
        "stuck": services.import_is_stuck(job) and job.created_by_id == request.user.pk,
    }
    template = "transfer/_import_progress.html" if request.htmx else "transfer/import_progress.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def import_requeue(request, pk):
    job = selectors.import_job_get_for(user=request.user, pk=pk)
    try:
        services.import_requeue(actor=request.user, job=job)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("transfer:import_progress", job.pk)


@login_required
def import_detail(request, pk):
    """The result: what was created, updated and skipped, and the undo."""
    job = selectors.import_job_get_for(user=request.user, pk=pk)
    if job.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED) or job.is_busy:
        return redirect(_next_page(job))
    labels = {
        RowOutcome.NEW: _("Created"),
        RowOutcome.UPDATE: _("Updated"),
        RowOutcome.ERROR: _("Skipped"),
    }
    context = _rows_page(request, job, labels)
    context.update(
        {
            "can_undo": services.can_undo(job),
            "undo_until": services.undo_deadline(job),
            "is_owner": job.created_by_id == request.user.pk,
        }
    )
    return render(request, "transfer/import_detail.html", context)


@login_required
@require_POST
def import_undo(request, pk):
    job = selectors.import_job_get_for(user=request.user, pk=pk)
    try:
        services.import_undo(actor=request.user, job=job)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The import is undone."))
    return redirect(job)
