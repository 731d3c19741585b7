"""Inspections (检查), their teams and findings; random draws (双随机) and declared conflicts (回避)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.evidence import EvidenceFile
from portal.extensions import violation_code_choices
from supervision.inspections.querysets import InspectionQuerySet, RandomDrawQuerySet
from supervision.leads.models import Lead
from supervision.org.models import ScopedModel
from supervision.register.models import Institution


class InspectionKind(models.TextChoices):
    """Kinds of inspection (domain §3)."""

    ROUTINE = "routine", _("Routine patrol (日常巡查)")
    SPECIAL = "special", _("Special inspection (专项检查)")
    RANDOM = "random", _("Random draw (双随机)")
    FLYING = "flying", _("Flying inspection (飞行检查)")
    CROSS = "cross", _("Cross inspection (交叉检查)")
    KEY = "key", _("Key inspection (重点检查)")
    EXPERT = "expert", _("Expert review (专家审查)")
    SELF = "self", _("Self-inspection (自查自纠)")


# Kinds carried out on site, by a team of at least two certified officers (domain §3). Expert review works
# on documents and a self-inspection is done by the institution; one responsible officer suffices.
ON_SITE_KINDS = frozenset(
    {
        InspectionKind.ROUTINE,
        InspectionKind.SPECIAL,
        InspectionKind.RANDOM,
        InspectionKind.FLYING,
        InspectionKind.CROSS,
        InspectionKind.KEY,
    }
)


class RandomDraw(ScopedModel):
    """One 双随机 draw: its parameters, the recorded pools and seed, the result, and its publication.

    Everything ``supervision.draws.run_draw`` needs is stored here, so anyone can re-run the draw from
    this record alone and get the same targets and teams. The jurisdiction is the drawer's scope unit.
    """

    class Kind(models.TextChoices):
        RANDOM = InspectionKind.RANDOM.value, InspectionKind.RANDOM.label
        CROSS = InspectionKind.CROSS.value, InspectionKind.CROSS.label

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.RANDOM)
    planned_on = models.DateField(_("planned for"))
    ratio = models.DecimalField(_("sampling ratio"), max_digits=5, decimal_places=4, null=True, blank=True)
    requested_count = models.PositiveIntegerField(_("number of targets requested"), null=True, blank=True)
    team_size = models.PositiveSmallIntegerField(_("inspectors per team"), default=2)
    seed = models.CharField(_("seed"), max_length=40)
    algorithm = models.CharField(_("algorithm"), max_length=10, default="v1")
    criteria = models.JSONField(_("pool criteria"), default=dict, blank=True)
    # [[institution id, weight (decimal string), branch id], ...] sorted by id
    institution_pool = models.JSONField(_("institution pool"), default=list)
    # [[user id, [branch ids of the officer's units; empty for city-wide officers]], ...] sorted by id
    officer_pool = models.JSONField(_("officer pool"), default=list)
    # [[user id, institution id], ...]: declared conflicts (回避) within the pools
    conflicts = models.JSONField(_("declared conflicts"), default=list, blank=True)
    weights = models.JSONField(_("credit-grade weights"), default=dict)
    # [{"institution": id, "team": [user ids, the team leader first]}, ...] in draw order
    result = models.JSONField(_("result"), default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RandomDrawQuerySet.as_manager()

    class Meta:
        app_label = "supervision"
        verbose_name = _("random draw")
        verbose_name_plural = _("random draws")
        ordering = ["-drawn_at", "-pk"]
        permissions = [("publish_randomdraw", "Can publish random draw results")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("supervision:randomdraw-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Inspection(ScopedModel):
    """One inspection of one institution (a campaign over many institutions is one record each).

    One record per institution keeps scoping simple: the record lies in the institution's branch, and a
    cross-inspection team is granted exactly the records of the institutions it inspects.
    """

    Kind = InspectionKind

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished (result recorded)")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("institution")
    )
    draw = models.ForeignKey(
        RandomDraw,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("random draw"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    planned_on = models.DateField(_("planned for"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    close_note = models.TextField(_("closing note"), blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="InspectionMember", related_name="inspections", verbose_name=_("team")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        app_label = "supervision"
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-planned_on", "-pk"]
        indexes = [
            models.Index(fields=["jurisdiction", "-planned_on"], name="inspection_jur_planned_idx"),
            models.Index(fields=["status", "-planned_on"], name="inspection_status_idx"),
            # The list's own order, for city-wide users: without it PostgreSQL joined and sorted all 50,000 bench
            # inspections to show 50 (city inspection list SQL ~150 ms, issue 19).
            models.Index(fields=["-planned_on", "-id"], name="inspection_list_order_idx"),
        ]
        permissions = [("close_inspection", "Can close or cancel inspections")]

    def __str__(self):
        return f"{self.title} · {self.institution.name}"

    def audit_display(self, key, value):
        """A finding's violation code in the history, by its name (None: the history's usual rendering)."""
        if key == "violation_code" and isinstance(value, str):
            return violation_label(value)
        return None

    def get_absolute_url(self):
        return reverse("supervision:inspection-detail", args=[self.pk])

    @property
    def is_on_site(self) -> bool:
        return self.kind in ON_SITE_KINDS

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS, self.Status.FINISHED)


class InspectionMember(models.Model):
    """A member of an inspection team; ``granted`` when the member holds a grant for the inspection's duration."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    is_leader = models.BooleanField(_("team leader"), default=False)
    granted = models.BooleanField(_("access granted for the inspection"), default=False)

    class Meta:
        app_label = "supervision"
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["-is_leader", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "user"], name="uniq_inspection_member")]

    def __str__(self):
        return f"{self.inspection_id} · {self.user}"


class Finding(models.Model):
    """A finding of an inspection: violation code, amount, evidence (with its SHA-256) and description."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    # A code of the enforcement app's violation list, checked through supervision.extensions (this app
    # does not import enforcement).
    violation_code = models.CharField(_("violation code"), max_length=40)
    description = models.TextField(_("description"))
    amount = models.DecimalField(_("amount involved"), max_digits=14, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The confirmed lead a follow-up (case or agreement action) goes through; see enforcement.services.leads.
    lead = models.OneToOneField(
        Lead, null=True, blank=True, on_delete=models.PROTECT, related_name="finding", verbose_name=_("follow-up")
    )

    class Meta:
        app_label = "supervision"
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"{violation_label(self.violation_code)} · {self.inspection}"

    @property
    def evidence(self) -> "InspectionEvidence | None":
        """The finding's latest evidence file (kept the portal's one way, ``portal.evidence``)."""
        items = list(self.evidence_items.all())
        return items[-1] if items else None

    @property
    def sha256(self) -> str:
        evidence = self.evidence
        return evidence.sha256 if evidence else ""

    @property
    def evidence_name(self) -> str:
        evidence = self.evidence
        return evidence.original_name if evidence else ""


class InspectionEvidence(EvidenceFile):
    """An evidence file of an inspection finding: the same file record as a case's evidence."""

    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="evidence_items", verbose_name=_("finding")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "supervision"
        verbose_name = _("inspection evidence")
        verbose_name_plural = _("inspection evidence")
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return self.original_name or self.file.name


class ConflictDeclaration(models.Model):
    """An officer's declared conflict of interest (回避) with an institution: excluded from its draws."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("officer")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("institution")
    )
    reason = models.CharField(_("reason"), max_length=300)
    declared_on = models.DateField(_("declared on"), default=timezone.localdate)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        app_label = "supervision"
        verbose_name = _("declared conflict (回避)")
        verbose_name_plural = _("declared conflicts (回避)")
        ordering = ["officer", "institution"]
        constraints = [models.UniqueConstraint(fields=["officer", "institution"], name="uniq_conflict")]

    def __str__(self):
        return f"{self.officer} ⟂ {self.institution}"


class InspectionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="user_grants")


class InspectionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="group_grants")


def violation_label(code: str) -> str:
    """The name of a violation code (the enforcement app's list), the code itself if it is not listed."""
    return dict(violation_code_choices()).get(code, code)
