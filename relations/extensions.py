"""Extension point of the log-a-meeting form for higher apps (DESIGN §5: dependencies point
one way, so relations cannot import them).

settings.MEETING_FORM_EXTENSIONS lists dotted paths to objects with:
  fields(user) -> dict[str, forms.Field]     extra fields shown under the meeting form
  apply(*, actor, interaction, cleaned_data)  called in the same transaction as the log
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _load(paths: tuple[str, ...]) -> list:
    return [import_string(path) for path in paths]


def meeting_form_extensions() -> list:
    return _load(tuple(getattr(settings, "MEETING_FORM_EXTENSIONS", ())))
