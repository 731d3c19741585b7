"""Whistleblower rewards (举报奖励) and the public disclosure register (执法公示) (domain §3, §8)."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopedQuerySet
from supervision.org.models import ScopedModel


class Disclosure(ScopedModel):
    """One entry of the public disclosure pages: a decided penalty case or a terminated agreement.

    The public text is a snapshot written at publication with personal data masked; pages mask it again
    when they render. A withdrawn entry (e.g. the decision was revoked) disappears from the pages.
    """

    class Kind(models.TextChoices):
        PENALTY = "penalty", _("Administrative penalty decision")
        TERMINATION = "termination", _("Agreement terminated")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    case = models.OneToOneField(
        "enforcement.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="disclosure"
    )
    agreement = models.OneToOneField(
        "supervision.Agreement", null=True, blank=True, on_delete=models.PROTECT, related_name="disclosure"
    )
    agreement_action = models.ForeignKey(
        "enforcement.AgreementAction", null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    title = models.CharField(_("title"), max_length=200)
    party = models.CharField(_("party"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    violations = models.TextField(_("violations"), blank=True)
    facts = models.TextField(_("facts"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    decided_on = models.DateField(_("decided on"))
    publish_due = models.DateField(_("to be published by"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("public disclosure")
        verbose_name_plural = _("public disclosures")
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["kind", "-decided_on"], condition=models.Q(withdrawn_at__isnull=True),
                                name="disclosure_live_idx")]  # fmt: skip

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public:case-detail", args=[self.pk])
