"""Smart screening (智能监控): the knowledge base (catalogue versions and items), settlement import batches,
the rule library (rules and their versions), runs and their hits. Settlement lines themselves are Parquet
files under SCREENING_DATA_DIR, not rows here (architecture §Smart screening)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopedQuerySet
from supervision.leads.models import Lead
from supervision.org.models import ScopedModel
from supervision.register.models import Institution

__all__ = [
    "CatalogueItem",
    "CatalogueVersion",
    "Hit",
    "Rule",
    "RuleVersion",
    "ScreeningRun",
    "SettlementBatch",
]


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the background worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected: the file has errors")
    FAILED = "failed", _("Failed")


FINAL = frozenset({JobStatus.DONE, JobStatus.REJECTED, JobStatus.FAILED})


class RunStatus(models.TextChoices):
    """A screening run's states; its steps are ``transitions.TRANSITIONS``."""

    PENDING = "pending", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


RUN_FINAL = frozenset({RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED})


class CatalogueVersion(models.Model):
    """One import of the knowledge base (医保目录 with its limits); the newest version is the one rules use."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    created_count = models.PositiveIntegerField(_("items added"), default=0)
    updated_count = models.PositiveIntegerField(_("items updated"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    created_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        app_label = "supervision"
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["-number"]

    def __str__(self):
        return f"{_('Catalogue')} v{self.number}"


class CatalogueItem(models.Model):
    """An item of the catalogue as one version has it (a version holds every item, changed or not)."""

    class Category(models.TextChoices):
        DRUG = "drug", _("Drug")
        EXAM = "exam", _("Examination")
        TREATMENT = "treatment", _("Treatment")
        MATERIAL = "material", _("Medical material")
        BED = "bed", _("Bed")
        OTHER = "other", _("Other")

    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="items")
    hilist_code = models.CharField(_("item code"), max_length=50)
    hilist_name = models.CharField(_("item name"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    price_cap = models.DecimalField(_("price cap"), max_digits=14, decimal_places=2, null=True, blank=True)
    sex_limit = models.CharField(_("sex limit"), max_length=1, blank=True)
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    max_qty_per_day = models.DecimalField(_("daily quantity limit"), max_digits=12, decimal_places=3, null=True,
                                          blank=True)  # fmt: skip
    min_inst_level = models.PositiveSmallIntegerField(_("minimum institution level"), null=True, blank=True)
    exclusive_group = models.CharField(_("exclusive group"), max_length=40, blank=True)

    class Meta:
        app_label = "supervision"
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["hilist_code"]
        constraints = [models.UniqueConstraint(fields=["version", "hilist_code"], name="catalogue_item_uniq")]

    def __str__(self):
        return f"{self.hilist_code} {self.hilist_name}"


class SettlementBatch(ScopedModel):
    """One import of settlement lines: the file, who imported it, the counts, progress and the error report.
    The lines are kept as Parquet files under SCREENING_DATA_DIR (``settlements/month=YYYY-MM/``)."""

    Status = JobStatus

    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="screening/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("data rows"), default=0)
    line_count = models.PositiveIntegerField(_("lines kept"), default=0)
    skipped_count = models.PositiveIntegerField(_("lines skipped (already imported)"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("error report"), default=list, blank=True)
    months = models.JSONField(_("months"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        app_label = "supervision"
        verbose_name = _("settlement import")
        verbose_name_plural = _("settlement imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


class Rule(models.Model):
    """A rule of the library: an instance of a template (rules.TEMPLATES); what it checks lives in versions."""

    code = models.CharField(_("rule code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    template = models.CharField(_("template"), max_length=40)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "supervision"
        verbose_name = _("screening rule")
        verbose_name_plural = _("screening rules")
        ordering = ["code"]
        permissions = [("run_screening", "Can run screening"), ("import_settlements", "Can import settlements")]

    def __str__(self):
        return self.name

    @property
    def current(self) -> "RuleVersion | None":
        return self.versions.order_by("-number").first()


class RuleVersion(models.Model):
    """One version of a rule on the NHSA two-libraries model: parameters, basis, result type, scenario,
    the institution kinds and levels it applies to, time window and violation code. Never edited."""

    class ResultType(models.TextChoices):
        VIOLATION = "violation", _("Clear violation")
        SUSPECT = "suspect", _("Suspect")

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    basis = models.TextField(_("basis"), blank=True)
    result_type = models.CharField(_("result type"), max_length=10, choices=ResultType.choices)
    scenario = models.JSONField(_("scenario (med_type)"), default=list, blank=True)
    institution_kinds = models.JSONField(_("institution kinds"), default=list, blank=True)
    institution_levels = models.JSONField(_("institution levels"), default=list, blank=True)
    time_window = models.CharField(_("time window"), max_length=40, blank=True)
    violation_code = models.CharField(_("violation code"), max_length=40)
    note = models.TextField(_("change note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "supervision"
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["rule", "-number"]
        constraints = [models.UniqueConstraint(fields=["rule", "number"], name="rule_version_uniq")]

    def __str__(self):
        return f"{self.rule} v{self.number}"

    def params_display(self) -> list[tuple[str, object]]:
        """The parameters under their labels (the rule templates' keys are for the SQL)."""
        return [(str(PARAM_LABELS.get(key, key)), value) for key, value in (self.params or {}).items()]


# Labels of the rule templates' parameters (supervision/screening/rules.py).
PARAM_LABELS = {
    "days": _("days"),
    "pharmacies": _("pharmacies"),
    "sigmas": _("standard deviations above the peers' mean"),
    "peers": _("minimum number of peers"),
}


class ScreeningRun(models.Model):
    """One run of rules over settlement lines (or a dry run, which keeps only its counts)."""

    Status = RunStatus

    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.PENDING)
    # Monthly runs of the daily job: the month they screened ("YYYY-MM"), so the job runs each month once.
    period = models.CharField(_("scheduled month"), max_length=7, blank=True, db_index=True)
    engine = models.CharField(_("engine"), max_length=10, default="duckdb")
    dry_run = models.BooleanField(_("dry run"), default=False)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    rule_versions = models.ManyToManyField(RuleVersion, related_name="runs", verbose_name=_("rule versions"))
    catalogue_version = models.ForeignKey(
        CatalogueVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    hits_by_rule = models.JSONField(_("hits by rule"), default=dict, blank=True)
    # Dry runs: {rule code: {institution code: [hits, amount]}}.
    hits_by_institution = models.JSONField(_("hits by institution"), default=dict, blank=True)
    leads_created = models.PositiveIntegerField(_("leads created"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("started by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        app_label = "supervision"
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{_('Screening run')} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_final(self) -> bool:
        return self.status in RUN_FINAL

    @property
    def total_hits(self) -> int:
        return sum(self.hits_by_rule.values())


class HitQuerySet(ScopedQuerySet):
    """Hits are scoped like their institution's leads (jurisdiction = the institution's branch)."""


class Hit(ScopedModel):
    """One settlement line flagged by one rule in one run; the evidence of its lead. A line is never flagged
    twice by the same rule (unique rule + feedetl_sn)."""

    jurisdiction = models.ForeignKey("supervision.OrgUnit", on_delete=models.PROTECT, related_name="+", db_index=False)
    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="hits")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="hits", db_index=False)
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+", db_index=False)
    lead = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.PROTECT, related_name="screening_hits")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+", db_index=False)
    feedetl_sn = models.CharField(_("line id"), max_length=64)
    psn_no = models.CharField(_("insured person"), max_length=64)
    hilist_code = models.CharField(_("item code"), max_length=50)
    fee_ocur_time = models.DateTimeField(_("fee time"))
    fee_date = models.DateField(_("fee date"))
    cnt = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    pric = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    fund_pay = models.DecimalField(_("fund payment"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    objects = HitQuerySet.as_manager()

    class Meta:
        app_label = "supervision"
        verbose_name = _("screening hit")
        verbose_name_plural = _("screening hits")
        ordering = ["fee_ocur_time", "feedetl_sn"]
        constraints = [models.UniqueConstraint(fields=["rule", "feedetl_sn"], name="hit_rule_line_uniq")]

    def __str__(self):
        return f"{self.rule_id} · {self.feedetl_sn}"
