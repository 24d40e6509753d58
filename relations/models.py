import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class WarmthDates(models.Model):
    """Cache of the dates from which a tie counts as cooling and cold.

    Kept by save() from last_interaction_on and the contact's cadence, so that lists
    can filter and count warmth in SQL (selectors.warmth_filter); selectors.warmth_of
    states the rule. Bulk writes call refresh_warmth_dates() themselves.
    """

    last_interaction_on = models.DateField(_("last interaction"), null=True, blank=True)
    cooling_on = models.DateField(null=True, blank=True, editable=False)
    cold_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_warmth_dates()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "cooling_on", "cold_on"}
        super().save(*args, **kwargs)

    def warmth_cadence_days(self) -> int:
        raise NotImplementedError

    def refresh_warmth_dates(self) -> None:
        self.cooling_on, self.cold_on = warmth_thresholds(
            self.last_interaction_on, self.warmth_cadence_days()
        )


class Role(models.TextChoices):
    """Django group names that carry the roles of DESIGN.md §4."""

    NETWORK_MANAGER = "network_manager", _("Network manager")
    NETWORKER = "networker", _("Networker")
    EVENT_PLANNER = "event_planner", _("Event planner")


class User(AbstractUser):
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Team(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    lead = models.ForeignKey(
        User,
        verbose_name=_("lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        User, verbose_name=_("members"), related_name="teams", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        User,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_organisations",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("relations:organisation_detail", args=[self.pk])


class LegalBasis(models.TextChoices):
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Contract")
    PUBLIC_TASK = "public_task", _("Public task")


class Contact(WarmthDates, TimeStampedModel):
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="contacts", blank=True)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        User,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_contacts",
        help_text=_("The networker responsible for this contact."),
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("stay-in-touch cadence (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=32,
        choices=LegalBasis.choices,
        default=LegalBasis.LEGITIMATE_INTEREST,
    )
    legal_basis_note = models.TextField(_("legal basis note"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="contact_email_unique_ci",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence_days__gte=1), name="contact_cadence_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["cooling_on"]),
            models.Index(fields=["cold_on"]),
            models.Index(Lower("last_name"), name="contact_last_name_ci"),
            # The contact list's order: page 1 of 50,000 without a sort.
            models.Index(fields=["last_name", "first_name", "id"], name="contact_list_order"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("relations:contact_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def warmth_cadence_days(self) -> int:
        return self.cadence_days


def warmth_thresholds(
    last_on: datetime.date | None, cadence_days: int
) -> tuple[datetime.date | None, datetime.date | None]:
    """The dates from which a tie counts as cooling (1× cadence) and cold (2× cadence)."""
    if last_on is None:
        return None, None
    cadence = datetime.timedelta(days=cadence_days)
    return last_on + cadence, last_on + 2 * cadence


class Affiliation(models.Model):
    """A further role of a contact beside the main organisation (a board seat, a council)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("contact")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=150)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "organisation", "role"], name="affiliation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}, {self.organisation}"


class Relationship(WarmthDates, TimeStampedModel):
    """One of us knows a contact."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="relationships", verbose_name=_("colleague")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="relationships", verbose_name=_("contact")
    )
    strength = models.PositiveSmallIntegerField(
        _("strength"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 = we have met, 5 = close and trusted."),
    )
    since = models.DateField(_("since"), null=True, blank=True)
    context = models.CharField(_("context"), max_length=255, blank=True)

    class Meta:
        ordering = ["-strength"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.UniqueConstraint(fields=["user", "contact"], name="relationship_unique"),
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=5),
                name="relationship_strength_1_5",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "cooling_on"], name="relationship_user_cooling"),
            models.Index(fields=["user", "cold_on"], name="relationship_user_cold"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.contact}"

    def warmth_cadence_days(self) -> int:
        # The contact's stay-in-touch cadence holds for each of our ties with them.
        return self.contact.cadence_days


class InteractionKind(models.TextChoices):
    COFFEE = "coffee", _("Coffee")
    LUNCH = "lunch", _("Lunch")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    EVENT_ENCOUNTER = "event_encounter", _("Event encounter")
    MESSAGE = "message", _("Message")
    OTHER = "other", _("Other")


class Interaction(TimeStampedModel):
    kind = models.CharField(
        _("kind"), max_length=20, choices=InteractionKind.choices, default=InteractionKind.COFFEE
    )
    occurred_on = models.DateField(_("date"))
    author = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="authored_interactions",
        verbose_name=_("author"),
    )
    our_participants = models.ManyToManyField(
        User, related_name="interactions", verbose_name=_("our participants")
    )
    contacts = models.ManyToManyField(
        Contact, related_name="interactions", verbose_name=_("their participants")
    )
    summary = models.TextField(_("what was discussed"), blank=True)
    given = models.TextField(_("what we gave"), blank=True)
    asked = models.TextField(_("what we asked or received"), blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the participants and network managers can read it."),
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [models.Index(fields=["-occurred_on", "-id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {date_format(self.occurred_on)}"

    def get_absolute_url(self) -> str:
        return reverse("relations:interaction_detail", args=[self.pk])


class FollowUp(TimeStampedModel):
    text = models.CharField(_("next step"), max_length=255)
    due_on = models.DateField(_("due date"))
    assignee = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="followups", verbose_name=_("assignee")
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="created_followups",
        verbose_name=_("created by"),
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="followups", verbose_name=_("contact")
    )
    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("source interaction"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.text

    def is_overdue_on(self, day: datetime.date) -> bool:
        """Open and due before `day`; a due date in the past is allowed, and shown overdue."""
        return self.done_at is None and self.due_on < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class ReminderLog(models.Model):
    """Sent-log of reminder e-mails: one row per (user, day, kind) makes sending idempotent."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="reminder_logs", verbose_name=_("user")
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=40, default="followups_due")
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "kind"], name="reminder_log_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} {self.day}"
