"""Evidence (证据) on cases: the APL's evidence types, each file kept with its SHA-256."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Evidence(models.Model):
    """A piece of evidence with its SHA-256; immutable once the case is decided (corrections are versions)."""

    class Kind(models.TextChoices):
        DOCUMENTARY = "documentary", _("Documentary evidence")
        PHYSICAL = "physical", _("Physical evidence")
        AUDIOVISUAL = "audiovisual", _("Audio-visual material")
        ELECTRONIC = "electronic", _("Electronic data")
        WITNESS = "witness", _("Witness testimony")
        STATEMENT = "statement", _("Party's statement")
        EXPERT_OPINION = "expert_opinion", _("Expert opinion")
        INSPECTION_RECORD = "inspection_record", _("Inspection or on-site record")

    case = models.ForeignKey("enforcement.Case", on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    collected_on = models.DateField(_("collected on"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("collected by")
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.title

    @staticmethod
    def digest(fileobj) -> str:
        sha = hashlib.sha256()
        for chunk in fileobj.chunks():
            sha.update(chunk)
        fileobj.seek(0)
        return sha.hexdigest()
