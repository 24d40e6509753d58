"""The shape of HTML input; the erasure's confirmation rule lives in services."""

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    confirm_name = forms.CharField(
        label=_("Type the contact's name to confirm"),
        max_length=250,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
