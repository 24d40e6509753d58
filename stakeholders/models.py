from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relations.models import Contact, Organisation, Team, TimeStampedModel

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Quadrant(models.TextChoices):
    """The power/interest grid; influence and interest of 3 or more count as high."""

    MANAGE_CLOSELY = "manage_closely", _("Manage closely")
    KEEP_SATISFIED = "keep_satisfied", _("Keep satisfied")
    KEEP_INFORMED = "keep_informed", _("Keep informed")
    MONITOR = "monitor", _("Monitor")


HIGH = 3


def quadrant_of(influence: int, interest: int) -> Quadrant:
    if influence >= HIGH:
        return Quadrant.MANAGE_CLOSELY if interest >= HIGH else Quadrant.KEEP_SATISFIED
    return Quadrant.KEEP_INFORMED if interest >= HIGH else Quadrant.MONITOR


class Priority(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    CRITIC = "critic", _("Critic")


class Topic(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), related_name="topics", blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_topics",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="topic_name_unique_ci")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:topic_detail", args=[self.pk])


class StakeholderGroup(TimeStampedModel):
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    influence = models.PositiveSmallIntegerField(_("influence"), validators=ONE_TO_FIVE)
    interest = models.PositiveSmallIntegerField(_("interest"), validators=ONE_TO_FIVE)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    owning_team = models.ForeignKey(
        Team,
        verbose_name=_("owning team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stakeholder_groups",
    )
    # The networker who tends the group for its team (assigned from network_manager).
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("steward"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stewarded_groups",
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="groups", blank=True
    )

    class Meta:
        ordering = ["priority", "name"]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), name="stakeholder_group_name_unique_ci"
            ),
            models.CheckConstraint(
                condition=models.Q(influence__gte=1, influence__lte=5), name="group_influence_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(interest__gte=1, interest__lte=5), name="group_interest_1_5"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:group_detail", args=[self.pk])

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(self.influence, self.interest)


class ContactMembership(TimeStampedModel):
    group = models.ForeignKey(
        StakeholderGroup, on_delete=models.CASCADE, related_name="contact_memberships"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="group_memberships")
    attitude = models.CharField(
        _("attitude"), max_length=12, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["contact__last_name", "contact__first_name"]
        verbose_name = _("member (person)")
        verbose_name_plural = _("members (people)")
        constraints = [
            models.UniqueConstraint(fields=["group", "contact"], name="contact_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact} – {self.group}"


class OrganisationMembership(TimeStampedModel):
    group = models.ForeignKey(
        StakeholderGroup, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="group_memberships"
    )
    attitude = models.CharField(
        _("attitude"), max_length=12, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("member (organisation)")
        verbose_name_plural = _("members (organisations)")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "organisation"], name="organisation_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.group}"


class GoalKind(models.TextChoices):
    """The reciprocity card: what moves them, what we want, what we do for them."""

    THEIR_GOAL = "their_goal", _("Their goal or concern")
    OUR_GOAL = "our_goal", _("Our goal with them")
    OUR_OFFER = "our_offer", _("What we offer them")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Goal(TimeStampedModel):
    group = models.ForeignKey(
        StakeholderGroup, on_delete=models.CASCADE, related_name="goals", verbose_name=_("group")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=GoalKind.choices)
    text = models.CharField(_("text"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )

    class Meta:
        ordering = ["kind", "created_at", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="goal_text_not_empty")
        ]

    def __str__(self) -> str:
        return self.text


class Network(TimeStampedModel):
    """An external, often closed network or club that some of us take part in."""

    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    membership_conditions = models.TextField(_("membership conditions"), blank=True)
    closed = models.BooleanField(_("closed (by invitation)"), default=True)
    our_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our members"),
        related_name="external_networks",
        blank=True,
    )
    contact_members = models.ManyToManyField(
        Contact, verbose_name=_("their members"), related_name="networks", blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_networks",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="network_name_unique_ci")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:network_detail", args=[self.pk])
