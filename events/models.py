import datetime
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relations.models import Contact, Interaction, TimeStampedModel
from stakeholders.models import Goal, Network


class EventKind(models.TextChoices):
    OWN = "own", _("Own event")
    EXTERNAL = "external", _("External event")
    NETWORK_MEETING = "network_meeting", _("Network meeting")


class Event(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    location = models.CharField(_("location"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default="own")
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("For a network meeting: the network that meets."),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_events",
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How many guests fit; leave empty for no limit."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:event_detail", args=[self.pk])

    @property
    def has_begun(self) -> bool:
        """Outcomes, attended and no-show belong to an event that has begun."""
        return self.starts_at <= timezone.now()


class InvitationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")


class Invitation(TimeStampedModel):
    """A row of an event's guest list."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("event")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("guest")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_invitations",
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host among us"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_invitations",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["contact__last_name", "contact__first_name", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["event", "contact"], name="invitation_unique"),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return f"{self.contact} – {self.event}"


class Encounter(TimeStampedModel):
    """One row of the encounter plan: who of us · meets whom · when · goal."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="encounters", verbose_name=_("event")
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who of us"),
        on_delete=models.CASCADE,
        related_name="encounters",
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="encounters", verbose_name=_("meets whom")
    )
    starts_at = models.DateTimeField(_("when"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), default=15, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    goal = models.CharField(
        _("goal"),
        max_length=255,
        blank=True,
        help_text=_("What we want to achieve with them, and what we offer in return."),
    )
    stakeholder_goal = models.ForeignKey(
        Goal,
        verbose_name=_("stakeholder goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="encounters",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    # The meeting logged with the outcome: it links the timeline back to the event.
    interaction = models.OneToOneField(
        Interaction,
        verbose_name=_("logged meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="encounter",
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")
        indexes = [
            models.Index(fields=["event", "starts_at"]),
            models.Index(fields=["colleague", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.colleague} – {self.contact}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def has_goal(self) -> bool:
        return bool(self.goal.strip())

    @property
    def has_outcome(self) -> bool:
        return self.outcome_recorded_at is not None


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A colleague's personal iCalendar feed; the secret token in its URL is the key."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"

    def get_absolute_url(self) -> str:
        return reverse("events:feed", args=[self.token])
