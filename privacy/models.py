from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relations.models import Contact


class Erasure(models.Model):
    """A contact's personal data was erased (GDPR art. 17): by whom and when.

    The contact row stays, anonymised and archived, so that the meetings and counts
    it took part in keep adding up. `contact_ref` keeps the id even if the row goes
    later (an import undo), and makes a second erasure of the same contact impossible.
    """

    contact = models.OneToOneField(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure",
    )
    contact_ref = models.PositiveBigIntegerField(_("contact id"), unique=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"contact #{self.contact_ref}"
