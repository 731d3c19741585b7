"""Organisation, people, institutions, agreements, the audit trail and per-object grants."""

import datetime
from datetime import date

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.scoping import (
    ScopedQuerySet,
    grant_fact_name,
    grants_generation,
    scope_facts,
    units_generation,
    units_written,
)
from supervision.org.querysets import OrgUnitQuerySet

PATH_STEP = 4  # digits per level of the materialized path: up to 9,999 children per unit


BUREAU_WORD = "医疗保障局"


def default_doc_prefix(name: str) -> str:
    """The first character of what follows the bureau's name (江川市医疗保障局东湖分局 → 东), else of the name."""
    rest = name.split(BUREAU_WORD, 1)[1] if BUREAU_WORD in name else ""
    return (rest or name)[:1]


class OrgUnit(models.Model):
    """A unit of the bureau's vertical hierarchy, stored with a materialized path."""

    class Kind(models.TextChoices):
        CITY = "city", _("City bureau")
        DIVISION = "division", _("City-wide division")
        BRANCH = "branch", _("County branch")
        SUBCENTRE = "subcentre", _("Fund sub-centre")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Digits only, so range comparisons order the same under every collation (see architecture.md).
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=1)
    is_active = models.BooleanField(_("active"), default=True)
    # The short mark that opens the numbers of the documents the unit issues: 东 in 东医保罚〔2026〕17号.
    doc_prefix = models.CharField(
        _("document number prefix"),
        max_length=8,
        blank=True,
        help_text=_(
            "Starts the unit's document numbers (东 in 东医保罚〔2026〕17号); derived from the name when empty."
        ),
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.doc_prefix:
            self.doc_prefix = default_doc_prefix(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        if self.kind == self.Kind.CITY and self.parent_id:
            raise ValidationError({"parent": _("The city bureau is the root and has no parent.")})
        if self.kind != self.Kind.CITY and not self.parent_id:
            raise ValidationError({"parent": _("Only the city bureau may be without a parent.")})
        if self.pk and self.parent_id:
            parent = OrgUnit.objects.get(pk=self.parent_id)
            if parent.path.startswith(self.path):
                raise ValidationError({"parent": _("A unit cannot be moved under itself.")})

    @property
    def scope_unit(self) -> "OrgUnit":
        """The unit whose subtree this unit's staff may see.

        City-wide divisions see the whole city; a county's fund sub-centre sees its branch's county.
        """
        unit = self
        while unit.kind in (self.Kind.DIVISION, self.Kind.SUBCENTRE) and unit.parent_id:
            unit = unit.parent
        return unit

    def is_within(self, other: "OrgUnit") -> bool:
        """True when this unit lies in the subtree of ``other`` (inclusive)."""
        return self.path.startswith(other.path)

    @property
    def is_city_wide(self) -> bool:
        return self.scope_unit.kind == self.Kind.CITY

    @property
    def branch(self) -> "OrgUnit | None":
        """The county branch this unit belongs to, if any."""
        unit = self
        while unit is not None and unit.kind != self.Kind.BRANCH:
            unit = unit.parent
        return unit


# A unit written or deleted: subtree ids read with users' roles in this process are not used any more.
post_save.connect(units_written, sender=OrgUnit, dispatch_uid="supervision.org.units_written")
post_delete.connect(units_written, sender=OrgUnit, dispatch_uid="supervision.org.units_deleted")


class Role(models.TextChoices):
    """Roles a user can hold in a unit (domain §1)."""

    OFFICER = "officer", _("Enforcement officer")
    CHIEF = "chief", _("Chief")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    DIRECTOR = "director", _("Director")
    ANALYST = "analyst", _("Monitoring analyst")
    FUND_OFFICER = "fund_officer", _("Fund audit officer")
    VIEWER = "viewer", _("Viewer")
    SUPERVISOR = "supervisor", _("Social supervisor")
    ADMIN = "admin", _("System administrator")


STAFF_ROLES = frozenset(r.value for r in Role if r != Role.SUPERVISOR)


# Roles that open records of their unit's subtree. A system administrator manages units and users but
# reads no case data through the role (domain §1).
SCOPE_ROLES = STAFF_ROLES - {Role.ADMIN}


class User(AbstractUser):
    """A portal user: staff with roles in units, an external supervisor, or an administrator."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    certificate_number = models.CharField(_("enforcement certificate number"), max_length=40, blank=True)
    certificate_expires = models.DateField(_("certificate valid until"), null=True, blank=True)
    # APL Art 58 ¶2: whoever first does legal review of penalty decisions holds the legal-profession qualification.
    legal_qualification_number = models.CharField(
        _("legal-profession qualification certificate number"), max_length=40, blank=True
    )
    legal_reviewer_since = models.DateField(_("doing legal review since"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    def has_valid_certificate(self, on: date | None = None) -> bool:
        """An officer may investigate only with a certificate valid on the day."""
        on = on or timezone.localdate()
        return bool(self.certificate_number and self.certificate_expires and self.certificate_expires >= on)

    def may_do_legal_review(self) -> bool:
        """APL Art 58 ¶2 (in force 2021-07-15): a first-time legal reviewer holds the legal-profession
        qualification; reviewers already doing the work before that day are not first-time."""
        if self.legal_qualification_number:
            return True
        return bool(self.legal_reviewer_since and self.legal_reviewer_since < date(2021, 7, 15))

    def has_perm(self, perm, obj=None):
        # Domain actions come from roles held in units (and explicit guardian grants), never from the
        # superuser flag or Django's global model permissions: an administrator manages the system but
        # is not an approver (domain §1).
        from portal.permissions import domain_has_perm, is_domain_permission

        if is_domain_permission(perm):
            return domain_has_perm(self, perm, obj)
        return super().has_perm(perm, obj)

    # Cached per user object (i.e. per request); invalidated on role changes by the services.
    @property
    def role_assignments(self) -> list["RoleAssignment"]:
        cache = getattr(self, "_role_cache", None)
        if cache is None:
            if not self.pk:
                return []
            self._grants_seen = grants_generation()
            self._units_seen = units_generation()
            cache = list(
                RoleAssignment.objects.filter(user_id=self.pk, is_active=True)
                .select_related("unit", "unit__parent", "unit__parent__parent")
                .annotate(**scope_facts(self.pk))
            )
            self._role_cache = cache
        return cache

    def subtree_ids(self, units) -> list[int] | None:
        """Literal ids of every unit in the subtrees of ``units`` (units from ``scope_units``), read with the
        role assignments (no further query); None when they are not known (e.g. a unit from elsewhere)."""
        known: dict[int, list[int]] = {}
        assignments = self.role_assignments
        if getattr(self, "_units_seen", None) != units_generation():
            return None  # a unit was written since they were read (moved?): the subquery
        for assignment in assignments:
            if assignment.unit_id is None:
                continue
            ancestors = (assignment.unit, assignment.unit.parent, getattr(assignment.unit.parent, "parent", None))
            for level, ancestor in enumerate(ancestors):
                ids = getattr(assignment, f"subtree_{level}", None)
                if ancestor is not None and ids:
                    known[ancestor.pk] = [int(pk) for pk in ids.split(",")]
        result: set[int] = set()
        for unit in units:
            if unit.pk not in known:
                return None
            result.update(known[unit.pk])
        return sorted(result)

    def may_hold_grants(self, model) -> bool:
        """False only when it is known (read with the role assignments) that neither the user nor any of
        their groups holds a guardian grant on ``model``; then scoping needs no grants branch."""
        assignments = self.role_assignments
        if not assignments or self._grants_seen != grants_generation():
            return True  # not known (no roles; or grants written since they were read): keep the subquery
        label = grant_fact_name(model)
        return any(getattr(a, label, True) for a in assignments)

    def forget_roles(self):
        """Drop the cached role assignments and what was read with them (subtrees, which grants exist)."""
        self.__dict__.pop("_role_cache", None)

    @property
    def role_names(self) -> set[str]:
        return {a.role for a in self.role_assignments}

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))

    @property
    def is_staff_member(self) -> bool:
        """Holds at least one staff role (anything but supervisor)."""
        return bool(self.role_names & STAFF_ROLES)

    @property
    def primary_unit(self) -> "OrgUnit | None":
        assignments = [a for a in self.role_assignments if a.unit_id]
        return assignments[0].unit if assignments else None

    def scope_units(self, roles=None) -> list[OrgUnit]:
        """Units whose subtrees this user sees, optionally only through the given roles."""
        units = {}
        for assignment in self.role_assignments:
            if assignment.unit_id is None or assignment.role not in SCOPE_ROLES:
                continue
            if roles is not None and assignment.role not in roles:
                continue
            scope = assignment.unit.scope_unit
            units[scope.pk] = scope
        # Drop units already covered by an ancestor in the list.
        ordered = sorted(units.values(), key=lambda u: u.path)
        result = []
        for unit in ordered:
            if not any(unit.path.startswith(kept.path) for kept in result):
                result.append(unit)
        return result


class RoleAssignment(models.Model):
    """A role held by a user in a unit (supervisors hold theirs without a unit)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="uniq_role_per_unit"),
            models.CheckConstraint(
                condition=models.Q(role="supervisor") | models.Q(unit__isnull=False),
                name="staff_role_needs_unit",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit or '—'}"

    def clean(self):
        if self.role != Role.SUPERVISOR and not self.unit_id:
            raise ValidationError({"unit": _("A staff role must be held in a unit.")})


class ScopedModel(models.Model):
    """A record that belongs to one jurisdiction unit; the base of every scoped table."""

    jurisdiction = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jurisdiction"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet):
    """Append-only: bulk update and delete are refused."""

    def update(self, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")

    def delete(self):
        raise PermissionDenied("The audit trail is append-only.")

    def for_object(self, obj):
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk))

    def history_of(self, obj, limit: int = 100) -> list["AuditEvent"]:
        """The newest rows about ``obj``, with what a history table shows: no query per row, and the records
        a row refers to by id (institution, officer, unit...) fetched once per model to show their names."""
        events = list(self.for_object(obj).select_related("actor", "actor_unit", "content_type")[:limit])
        wanted: dict[type, set] = {}
        for event in events:
            for field, value in event.references():
                wanted.setdefault(field.related_model, set()).add(value)
        for event in events:
            for model, value in event.named_references():
                wanted.setdefault(model, set()).add(value)
        names = {}
        for model, ids in wanted.items():
            for pk, row in model._base_manager.in_bulk(list(ids)).items():
                names[(model, pk)] = str(row)
        for event in events:
            event.reference_names = names
            event.subject = obj
        return events


class AuditEvent(models.Model):
    """Append-only audit row written by services in the same transaction as the change."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    verb = models.CharField(_("action"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit trail is append-only.")

    @property
    def verb_label(self) -> str:
        if self.verb.startswith("status:"):
            status = self.verb.split(":", 1)[1]
            agreement = apps.get_model("supervision", "Agreement")  # the register builds on this module
            label = dict(agreement.Status.choices).get(status, status)
            return _("status → %(status)s") % {"status": label}
        return str(AUDIT_VERBS.get(self.verb, self.verb))

    reference_names: dict = {}  # {(model, pk): name}, filled by history_of

    def _fields(self) -> dict:
        model = self.content_type.model_class()
        fields = {}
        if model is not None:
            for f in model._meta.concrete_fields:
                fields[f.attname] = f
                fields[f.name] = f
        return fields

    def references(self):
        """(foreign-key field, id) for every recorded value that names another record by its id."""
        fields = self._fields()
        for values in (self.before or {}, self.after or {}):
            for key, value in values.items():
                field = fields.get(key)
                if field is not None and field.is_relation and isinstance(value, int) and not isinstance(value, bool):
                    yield field, value

    def named_references(self):
        """(model, id) for values that name people or groups outside a foreign key: a grant's ``to``
        ("user:14"), a team's list of user ids, a record named by id under a key of ``AUDIT_REFERENCES``."""
        fields = self._fields()
        for values in (self.before or {}, self.after or {}):
            for key, value in values.items():
                if key in AUDIT_REFERENCES and key not in fields and _is_id(value):
                    yield apps.get_model(AUDIT_REFERENCES[key]), value
                elif key == "to" and isinstance(value, str) and ":" in value:
                    kind, _sep, pk = value.partition(":")
                    if pk.isdigit() and kind in ("user", "group"):
                        yield _grantee_model(kind), int(pk)
                elif key in USER_LIST_KEYS and isinstance(value, list):
                    yield from ((User, v) for v in value if isinstance(v, int) and not isinstance(v, bool))

    def _name(self, field, value, key=None):
        if field is not None and field.is_relation and isinstance(value, int) and not isinstance(value, bool):
            return self.reference_names.get((field.related_model, value), value)
        if key == "to" and isinstance(value, str) and ":" in value:
            kind, _sep, pk = value.partition(":")
            if pk.isdigit() and kind in ("user", "group"):
                return self.reference_names.get((_grantee_model(kind), int(pk)), _("a user no longer on file"))
        if key in USER_LIST_KEYS and isinstance(value, list):
            return [self.reference_names.get((User, v), v) for v in value]
        if key == "actions" and isinstance(value, list):
            return [str(GRANT_ACTIONS.get(v, v)) for v in value]
        if key in AUDIT_REFERENCES and field is None and _is_id(value):
            return self.reference_names.get((apps.get_model(AUDIT_REFERENCES[key]), value), value)
        if key in AUDIT_VALUES and isinstance(value, str | list):
            labels = AUDIT_VALUES[key]
            return [str(labels.get(v, v)) for v in value] if isinstance(value, list) else str(labels.get(value, value))
        return value

    @property
    def is_creation(self) -> bool:
        """A new record: the history shows one line, its recorded values folded away."""
        return self.before is None and bool(self.after) and len(self.after) > 2 and self.verb not in GRANT_VERBS

    @property
    def summary(self) -> str:
        """One sentence for events that read better as one: grants and their withdrawal."""
        if self.verb in GRANT_VERBS:
            values = self.after if self.verb == "grant_access" else self.before
            values = values or {}
            whom = self._name(None, values.get("to"), "to")
            actions = "、".join(self._name(None, values.get("actions") or ["view"], "actions"))
            template = (
                _("Granted %(whom)s the right to %(actions)s this record")
                if self.verb == "grant_access"
                else _("Withdrew %(whom)s's right to %(actions)s this record")
            )
            return template % {"whom": whom, "actions": actions}
        return ""

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """Field-by-field differences between before and after, with field names, choice labels and the
        names of referenced records (when the rows came from ``history_of``)."""
        before, after = self.before or {}, self.after or {}
        fields = self._fields()
        rows = []
        for key in dict.fromkeys([*before.keys(), *after.keys()]):
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            field = fields.get(key)
            if key == "id" or key in AUDIT_HIDDEN or (field is not None and field.primary_key):
                continue  # the record's own id and the tree's internals say nothing a reader needs
            if field is not None and field.choices:
                labels = dict(field.flatchoices)
                old, new = labels.get(old, old), labels.get(new, new)
            display = getattr(getattr(self, "subject", None), "audit_display", None)  # the record's own labels
            shown = []
            for value in (old, new):
                value = self._name(field, value, key)
                custom = display(key, value) if display else None
                shown.append(custom if custom is not None else _readable(value, field))
            old, new = shown
            rows.append((str(self.key_label(key, field)), old, new))
        return rows

    @staticmethod
    def key_label(key, field):
        """A field's verbose name when it was given one; else the label of AUDIT_KEYS; else the automatic
        verbose name ("created by"), translated when the catalogue knows it."""
        if field is not None and str(field.verbose_name) != field.name.replace("_", " "):
            return field.verbose_name
        label = AUDIT_KEYS.get(key) or (AUDIT_KEYS.get(field.name) if field is not None else None)
        if label is None:
            label = gettext(str(field.verbose_name)) if field is not None else key
        return label


def _readable(value, field=None):
    """A recorded value as a reader wants it: yes/no, local time, a count for a list of records."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        if all(isinstance(item, str | int | float) for item in value):
            return "、".join(str(item) for item in value)
        return ngettext("%(count)d entry", "%(count)d entries", len(value)) % {"count": len(value)}
    if isinstance(value, dict):
        # A recorded set of answers (a reward's eligibility checks…): each under its label, as a list.
        return "；".join(f"{AUDIT_KEYS.get(k, k)}：{_readable(v)}" for k, v in value.items())
    return value


def _grantee_model(kind: str):
    from django.contrib.auth.models import Group

    return User if kind == "user" else Group


GRANT_VERBS = ("grant_access", "revoke_access")
GRANT_ACTIONS = {"view": _("view"), "change": _("change"), "act": _("act on")}
# Recorded keys whose value is a list of user ids (shown as names).
USER_LIST_KEYS = ("team",)


# Labels of recorded keys that are not fields of the record (e.g. the sizes of a draw's pools).
AUDIT_KEYS = {
    "pool": _("institutions in the pool"),
    "officers": _("officers in the pool"),
    "count": _("number drawn"),
    "team": _("team"),
    "finding": _("finding (no.)"),
    "violation_code": _("violation code"),
    "amount": _("amount (CNY)"),
    "sha256": _("SHA-256 of the evidence"),
    "created_by": _("entered by"),  # used for fields without a verbose name of their own
    # counts of an import or a run
    "rows": _("rows read"),
    "created": _("records created"),
    "updated": _("records updated"),
    "skipped": _("rows skipped"),
    "items": _("number of items"),
    "format": _("file format"),
    "hits": _("hits found"),
    "leads": _("leads created"),
    "rules": _("rules run"),
    "lines": _("settlement lines"),
    "answers": _("answers"),
    "actions": _("rights"),
    "role": _("role"),
    # records named by id outside a foreign key (AUDIT_REFERENCES)
    "case": _("case"),
    "document": _("document"),
    "evidence": _("evidence"),
}
# Recorded keys that name another record by its id without being a foreign key of the audited record: shown
# by the record's name (apps add theirs, e.g. enforcement's "case").
AUDIT_REFERENCES: dict[str, str] = {}
# Recorded keys whose values are codes of a fixed list: shown by their labels (apps add theirs).
AUDIT_VALUES: dict[str, dict] = {"role": dict(Role.choices)}
# Recorded keys a reader has no use for: internals of the unit tree, a conversion's technical target (the
# record shows what the lead became).
AUDIT_HIDDEN = {"path", "depth", "target", "converted_id"}


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


AUDIT_VERBS = {
    "create": _("created"),
    "update": _("changed"),
    "move": _("moved in the tree"),
    "transfer": _("transferred"),
    "grant_role": _("role granted"),
    "revoke_role": _("role revoked"),
    "grant_access": _("access granted"),
    "revoke_access": _("access revoked"),
    "admin_create": _("created in the admin site"),
    "admin_update": _("changed in the admin site"),
    "admin_role": _("role changed in the admin site"),
    # Leads, imports, inspections and random draws
    "dispatch": _("dispatched"),
    "start_verification": _("verification started"),
    "dismiss": _("dismissed"),
    "confirm": _("confirmed"),
    "convert": _("converted"),
    "import": _("imported"),
    "start_inspection": _("inspection started"),
    "add_finding": _("finding recorded"),
    "finish_inspection": _("inspection finished"),
    "close_inspection": _("inspection closed"),
    "cancel_inspection": _("inspection cancelled"),
    "draw": _("drawn"),
    "publish": _("published"),
    "add_evidence": _("evidence added"),
    "attach_evidence": _("evidence attached"),
    "issue": _("issued"),
}
