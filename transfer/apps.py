from django.apps import AppConfig


class TransferConfig(AppConfig):
    """Bringing the network in (imports with preview) and taking it out (exports, vCards)."""

    name = "transfer"
