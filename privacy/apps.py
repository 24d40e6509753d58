from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Trust: personal-data rights (export, erasure, retention) and the audit trail.

    It sits on top of the other apps (it reads and erases across all of them)."""

    name = "privacy"

    def ready(self) -> None:
        from privacy import audit

        audit.register_models()
