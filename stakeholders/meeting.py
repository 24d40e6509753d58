"""Topics on the log-a-meeting form: what the people we met care about."""

from django import forms
from django.utils.translation import gettext_lazy as _

from relations.forms import IdMultipleChoiceField
from stakeholders import services
from stakeholders.models import Topic


class TopicsOnMeeting:
    def fields(self, user) -> dict[str, forms.Field]:
        return {
            "topics": IdMultipleChoiceField(
                label=_("Topics they care about"),
                queryset=Topic.objects.order_by("name"),
                required=False,
                help_text=_("Tagged on the people you met, for “who cares about this topic”."),
                widget=forms.CheckboxSelectMultiple,
            )
        }

    def apply(self, *, actor, interaction, cleaned_data) -> None:
        topics = list(cleaned_data.get("topics") or [])
        if topics:
            for contact in interaction.contacts.all():
                services.contact_set_topics(actor=actor, contact=contact, topics=topics)


topics = TopicsOnMeeting()
