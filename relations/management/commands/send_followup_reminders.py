"""Send today's follow-up reminders by hand: the same work as the daily beat task."""

import argparse
import datetime

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relations import selectors, services


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
        "E-mail each assignee their follow-ups due on the date and overdue, once per day "
        "(already-sent reminders are skipped)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date",
            type=_date,
            default=None,
            help=_("Day to send the reminders for (YYYY-MM-DD); default today."),
        )

    def handle(self, *args, date: datetime.date | None = None, **options) -> None:
        day = date or selectors.today()
        sent = services.reminders_send_all(day=day)
        self.stdout.write(
            ngettext(
                "Sent %(count)d follow-up reminder for %(day)s.",
                "Sent %(count)d follow-up reminders for %(day)s.",
                sent,
            )
            % {"count": sent, "day": day.isoformat()}
        )
