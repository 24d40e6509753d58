"""Writes of the stakeholder map: one call, one transaction, permission checked."""

from django.db import transaction
from django.utils.translation import gettext as _

from relations.models import Contact, Organisation, User
from relations.services import ServiceError
from stakeholders import permissions
from stakeholders.models import (
    ContactMembership,
    Goal,
    Network,
    OrganisationMembership,
    StakeholderGroup,
    Topic,
)


def _check_one_to_five(**scores: int) -> None:
    for name, value in scores.items():
        if not 1 <= value <= 5:
            raise ServiceError(_("Choose a value from 1 to 5."), field=name)


def _check_unique_name(model, name: str, exclude_pk: int | None = None) -> None:
    clashes = model.objects.filter(name__iexact=name.strip())
    if exclude_pk:
        clashes = clashes.exclude(pk=exclude_pk)
    if clashes.exists():
        raise ServiceError(_("This name is already taken."), field="name")


@transaction.atomic
def group_create(*, actor: User, topics: list[Topic] | None = None, **fields) -> StakeholderGroup:
    permissions.ensure_can_own_group_as(actor, fields.get("owning_team"))
    fields["name"] = fields["name"].strip()
    _check_unique_name(StakeholderGroup, fields["name"])
    _check_one_to_five(influence=fields["influence"], interest=fields["interest"])
    group = StakeholderGroup.objects.create(**fields)
    if topics:
        group.topics.set(topics)
    return group


@transaction.atomic
def group_update(
    *, actor: User, group: StakeholderGroup, topics: list[Topic] | None = None, **fields
) -> StakeholderGroup:
    permissions.ensure_can_change_group(actor, group)
    if "owning_team" in fields and fields["owning_team"] != group.owning_team:
        permissions.ensure_can_own_group_as(actor, fields["owning_team"])
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        _check_unique_name(StakeholderGroup, fields["name"], exclude_pk=group.pk)
    _check_one_to_five(
        influence=fields.get("influence", group.influence),
        interest=fields.get("interest", group.interest),
    )
    for name, value in fields.items():
        setattr(group, name, value)
    group.save()
    if topics is not None:
        group.topics.set(topics)
    return group


@transaction.atomic
def group_delete(*, actor: User, group: StakeholderGroup) -> None:
    """Memberships and goals go with the group; contacts and interactions stay."""
    permissions.ensure_can_change_group(actor, group)
    group.delete()


@transaction.atomic
def contact_membership_add(
    *, actor: User, group: StakeholderGroup, contact: Contact, attitude: str, note: str = ""
) -> ContactMembership:
    permissions.ensure_can_change_group(actor, group)
    if ContactMembership.objects.filter(group=group, contact=contact).exists():
        raise ServiceError(_("%(name)s is already a member.") % {"name": contact}, field="contact")
    return ContactMembership.objects.create(
        group=group, contact=contact, attitude=attitude, note=note
    )


@transaction.atomic
def organisation_membership_add(
    *,
    actor: User,
    group: StakeholderGroup,
    organisation: Organisation,
    attitude: str,
    note: str = "",
) -> OrganisationMembership:
    permissions.ensure_can_change_group(actor, group)
    if OrganisationMembership.objects.filter(group=group, organisation=organisation).exists():
        raise ServiceError(
            _("%(name)s is already a member.") % {"name": organisation}, field="organisation"
        )
    return OrganisationMembership.objects.create(
        group=group, organisation=organisation, attitude=attitude, note=note
    )


@transaction.atomic
def membership_update(
    *, actor: User, membership: ContactMembership | OrganisationMembership, **fields
):
    permissions.ensure_can_change_group(actor, membership.group)
    for name in ("attitude", "note"):
        if name in fields:
            setattr(membership, name, fields[name])
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: ContactMembership | OrganisationMembership):
    permissions.ensure_can_change_group(actor, membership.group)
    membership.delete()


@transaction.atomic
def goal_add(
    *, actor: User, group: StakeholderGroup, kind: str, text: str, status: str = "active"
) -> Goal:
    permissions.ensure_can_change_group(actor, group)
    if not text.strip():
        raise ServiceError(_("Write the goal in a few words."), field="text")
    return Goal.objects.create(group=group, kind=kind, text=text.strip(), status=status)


@transaction.atomic
def goal_update(*, actor: User, goal: Goal, **fields) -> Goal:
    permissions.ensure_can_change_group(actor, goal.group)
    if "text" in fields:
        fields["text"] = fields["text"].strip()
        if not fields["text"]:
            raise ServiceError(_("Write the goal in a few words."), field="text")
    for name in ("kind", "text", "status"):
        if name in fields:
            setattr(goal, name, fields[name])
    goal.save()
    return goal


@transaction.atomic
def goal_remove(*, actor: User, goal: Goal) -> None:
    permissions.ensure_can_change_group(actor, goal.group)
    goal.delete()


@transaction.atomic
def topic_create(*, actor: User, name: str, description: str = "") -> Topic:
    _check_unique_name(Topic, name)
    return Topic.objects.create(name=name.strip(), description=description, owner=actor)


@transaction.atomic
def topic_update(*, actor: User, topic: Topic, **fields) -> Topic:
    permissions.ensure_can_change_topic(actor, topic)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        _check_unique_name(Topic, fields["name"], exclude_pk=topic.pk)
    for name in ("name", "description"):
        if name in fields:
            setattr(topic, name, fields[name])
    topic.save()
    return topic


@transaction.atomic
def contact_set_topics(*, actor: User, contact: Contact, topics: list[Topic]) -> None:
    """Tagging what a contact cares about: anyone who meets them may add to the map."""
    contact.topics.add(*topics)


@transaction.atomic
def network_save(
    *,
    actor: User,
    name: str,
    description: str = "",
    membership_conditions: str = "",
    closed: bool = True,
    our_members: list[User] | None = None,
    contact_members: list[Contact] | None = None,
    network: Network | None = None,
) -> Network:
    if network is not None:
        permissions.ensure_can_change_network(actor, network)
    _check_unique_name(Network, name, exclude_pk=network.pk if network else None)
    network = network or Network(owner=actor)
    network.name = name.strip()
    network.description = description
    network.membership_conditions = membership_conditions
    network.closed = closed
    network.save()
    if our_members is not None:
        network.our_members.set(our_members)
    if contact_members is not None:
        network.contact_members.set(contact_members)
    return network
