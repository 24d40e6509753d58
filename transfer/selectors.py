"""Reads of the import pages, the API and the tasks, scoped by what the user may see.

An import is visible to the person who uploaded it and to network managers; anybody
else gets a 404.
"""

from django.db.models import Case, Count, QuerySet, Value, When

from relations import permissions
from relations import selectors as relation_selectors
from relations.models import User
from stakeholders.models import StakeholderGroup
from transfer.models import ImportJob, ImportRow, RowOutcome


def import_job_list_for(*, user: User) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("created_by", "owner", "group")
    if not permissions.is_network_manager(user):
        jobs = jobs.filter(created_by=user)
    return jobs.order_by("-created_at", "-pk")


def import_job_get_for(*, user: User, pk) -> ImportJob:
    return relation_selectors.get_or_404(import_job_list_for(user=user), pk)


def import_rows_for(*, job: ImportJob, outcome: str = "", errors_first: bool = False):
    """The job's rows in file order; `outcome` keeps one kind, `errors_first` sorts the
    rows that need attention to the top."""
    rows = ImportRow.objects.filter(job=job).select_related("contact")
    if outcome:
        rows = rows.filter(outcome=outcome)
    if errors_first:
        return rows.order_by(
            Case(When(outcome=RowOutcome.ERROR, then=Value(0)), default=Value(1)), "number"
        )
    return rows.order_by("number")


def import_outcome_counts(*, job: ImportJob) -> dict[str, int]:
    counts = dict.fromkeys(RowOutcome.values, 0)
    counts.update(
        ImportRow.objects.filter(job=job)
        .exclude(outcome="")
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    return counts


def import_samples(*, job: ImportJob, per_column: int = 3, scan: int = 50) -> list[list[str]]:
    """A few filled values of each column from the first rows, for the mapping page."""
    samples: list[list[str]] = [[] for _header in job.headers]
    for values in job.rows.order_by("number").values_list("values", flat=True)[:scan]:
        for index, value in enumerate(values[: len(samples)]):
            if value and len(samples[index]) < per_column and value not in samples[index]:
                samples[index].append(value)
    return samples


def owners_importable_by(*, user: User) -> QuerySet[User]:
    """Networkers import contacts they will own; network managers import for everybody."""
    colleagues = relation_selectors.colleague_list()
    if permissions.is_network_manager(user):
        return colleagues
    return colleagues.filter(pk=user.pk)


def groups_importable_by(*, user: User) -> QuerySet[StakeholderGroup]:
    """Groups the user may add members to: the rule of stakeholders.permissions
    .can_change_group as a filter (the service checks the rule itself)."""
    groups = StakeholderGroup.objects.order_by("priority", "name")
    if permissions.is_network_manager(user):
        return groups
    return groups.filter(owning_team__lead=user)
