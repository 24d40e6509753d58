"""Send the day's event briefings and outcome nudges by hand: the beat sweep's work."""

import argparse
import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events import reminders


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("Give the date as YYYY-MM-DD, not %(value)r.") % {"value": value}
        ) from None


class Command(BaseCommand):
    # argparse needs a plain string; commands are imported once the apps are ready.
    help = _(
        "E-mail each colleague their briefing for events that start two days after the date "
        "and ask for the outcomes of events that ended the day before it, once each (already-sent "
        "reminders are skipped)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date",
            type=_date,
            default=None,
            help=_("Day to send the reminders for (YYYY-MM-DD); default today."),
        )

    def handle(self, *args, date: datetime.date | None = None, **options) -> None:
        day = date or timezone.localdate()
        sent = reminders.event_reminders_send_all(day=day)
        briefings = ngettext(
            "%(count)d event briefing", "%(count)d event briefings", sent.briefings
        ) % {"count": sent.briefings}
        nudges = ngettext("%(count)d outcome nudge", "%(count)d outcome nudges", sent.nudges) % {
            "count": sent.nudges
        }
        self.stdout.write(
            _("Sent %(briefings)s and %(nudges)s for %(day)s.")
            % {"briefings": briefings, "nudges": nudges, "day": day.isoformat()}
        )
