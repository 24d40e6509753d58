"""The strategic layer: the strategy and its goals, the roadmap, key contacts.

The dashboard itself is read-only aggregation over the other apps (selectors.py);
WarmthSnapshot keeps the monthly warmth counts its trend line needs, since the
warmth of a tie on a past date cannot be read from today's caches.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relations.models import Contact, Team, TimeStampedModel
from stakeholders.models import StakeholderGroup


class Strategy(TimeStampedModel):
    """The one network strategy of the organisation (a single row, pk 1)."""

    definition = models.TextField(
        _("what relationship management means to us"),
        blank=True,
        help_text=_("The organisation's own definition of relationship management."),
    )
    value_to_sales_and_marketing = models.TextField(
        _("what it adds to sales and marketing"), blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategy")

    def __str__(self) -> str:
        return str(_("Network strategy"))

    def get_absolute_url(self) -> str:
        return reverse("network_manager:strategy")


class StrategyGoal(TimeStampedModel):
    """A goal of the strategy and the stakeholder groups it depends on."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    groups = models.ManyToManyField(
        StakeholderGroup,
        verbose_name=_("stakeholder groups it depends on"),
        related_name="strategy_goals",
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("strategy goal")
        verbose_name_plural = _("strategy goals")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network_manager:strategy") + f"#goal-{self.pk}"


class StepStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class RoadmapStep(TimeStampedModel):
    """A step of the implementation plan (about two years, step by step)."""

    title = models.CharField(_("step"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_steps",
    )
    target_on = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["target_on", "pk"]
        verbose_name = _("roadmap step")
        verbose_name_plural = _("roadmap steps")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network_manager:roadmap") + f"#step-{self.pk}"


class KeyContact(TimeStampedModel):
    """A contact the network manager wants tended, assigned to a team and/or a networker."""

    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="key_contact"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_contacts",
    )
    networker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("networker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_contacts",
    )
    reason = models.CharField(_("why this contact matters"), max_length=255, blank=True)

    class Meta:
        ordering = ["contact__last_name", "contact__first_name", "pk"]
        verbose_name = _("key contact")
        verbose_name_plural = _("key contacts")

    def __str__(self) -> str:
        return str(self.contact)

    def get_absolute_url(self) -> str:
        return self.contact.get_absolute_url()


class WarmthSnapshot(models.Model):
    """Relationships by warmth on one day, for one team or (team empty) the organisation:
    the 1st of each month for the trend, and today's for the dashboard's current figure."""

    taken_on = models.DateField(_("date"))
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="warmth_snapshots",
    )
    warm = models.PositiveIntegerField(_("warm"), default=0)
    cooling = models.PositiveIntegerField(_("cooling"), default=0)
    cold = models.PositiveIntegerField(_("cold"), default=0)
    # Today's row is recounted every 15 minutes (services.activity_refresh); those of the
    # 1st of each month stay as the trend.
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["taken_on", "team"]
        verbose_name = _("warmth snapshot")
        verbose_name_plural = _("warmth snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["taken_on", "team"],
                condition=models.Q(team__isnull=False),
                name="warmth_snapshot_one_per_team_and_day",
            ),
            models.UniqueConstraint(
                fields=["taken_on"],
                condition=models.Q(team__isnull=True),
                name="warmth_snapshot_one_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} {self.team or '-'}"


class TeamMonthActivity(models.Model):
    """Meetings a team's members took part in during one month (each meeting once).

    Kept by services.activity_refresh (beat: every 15 minutes) so that the dashboard reads
    twelve small rows per team instead of counting half a million meetings per request.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    meetings = models.PositiveIntegerField(_("meetings"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("team activity per month")
        verbose_name_plural = _("team activity per month")
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="team_month_activity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.month:%Y-%m}: {self.meetings}"


class GroupMonthActivity(models.Model):
    """Meetings with a stakeholder group's members during one month, and in how many of
    them we gave or asked something (the give/ask balance). Kept like TeamMonthActivity."""

    group = models.ForeignKey(StakeholderGroup, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    meetings = models.PositiveIntegerField(_("meetings"), default=0)
    given = models.PositiveIntegerField(_("given"), default=0)
    asked = models.PositiveIntegerField(_("asked"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("group activity per month")
        verbose_name_plural = _("group activity per month")
        constraints = [
            models.UniqueConstraint(fields=["group", "month"], name="group_month_activity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.month:%Y-%m}: {self.meetings}"


class GroupTies(models.Model):
    """Warm relationships into a stakeholder group now and the last meeting with any
    member (the coverage figures), kept like TeamMonthActivity: the members of 50 groups
    span tens of thousands of people."""

    group = models.OneToOneField(
        StakeholderGroup, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    warm_ties = models.PositiveIntegerField(_("warm relationships"), default=0)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("warm relationships into a group")
        verbose_name_plural = _("warm relationships into groups")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.warm_ties}"
