"""Send the weekly digest by hand: the same work as the Monday beat task."""

import argparse
import datetime

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network_manager import digest
from relations.selectors import today


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
        "E-mail each network manager and team lead the digest of the week before the Monday "
        "of the date's week, once (already-sent digests are skipped)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date",
            type=_date,
            default=None,
            help=_(
                "A day in the week the digest goes out (YYYY-MM-DD); it is sent for that "
                "week's Monday and covers the seven days before. Default today."
            ),
        )

    def handle(self, *args, date: datetime.date | None = None, **options) -> None:
        monday = digest.digest_day(date or today())
        sent = digest.digests_send_all(day=monday)
        week_ending = monday - datetime.timedelta(days=1)
        self.stdout.write(
            ngettext(
                "Sent %(count)d weekly digest for the week ending %(day)s.",
                "Sent %(count)d weekly digests for the week ending %(day)s.",
                sent,
            )
            % {"count": sent, "day": week_ending.isoformat()}
        )
