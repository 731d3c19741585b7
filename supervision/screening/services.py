"""Screening services: the rule library (seeded from the templates, edited into new versions with audit),
runs (dry or real) and turning hits into leads exactly as screening.md §Leads from hits says.

A run records the exact rule versions and catalogue version it used. Its engine returns the new hits (lines
flagged by a rule in an earlier run are left out by the rule SQL itself, and the database's unique
(rule, feedetl_sn) constraint guards the rest); the hits and their leads are written in one transaction with
one audit row for the run.
"""

import datetime
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from supervision.leads.models import Lead
from supervision.org.models import User
from supervision.register.models import Institution
from supervision.screening import engines, rules
from supervision.screening.imports import may_screen
from supervision.screening.models import CatalogueItem, CatalogueVersion, Hit, Rule, RuleVersion, ScreeningRun
from supervision.screening.transitions import TRANSITIONS

R = ScreeningRun.Status  # its steps: transitions.TRANSITIONS
TIME_WINDOWS = {
    "QTY_LIMIT": "单日",
    "EXCLUSIVE_ITEMS": "当次就诊",
    "READMISSION": "住院间隔",
    "MULTI_PHARMACY": "单日",
    "PHANTOM_BED": "当次住院",
    "COST_OUTLIER": "自然月",
}
BASIS = (
    "《医疗保障基金使用监督管理条例》第十五条、第三十八条；医疗保障基金智能审核和监控知识库、规则库框架体系（1.0版）"
)


# --- The rule library --------------------------------------------------------------------------------------


@transaction.atomic
def rules_seed(*, by: User | None = None) -> int:
    """One rule per template (code = template name) with its defaults, for every template without one."""
    created = 0
    for template in rules.TEMPLATES.values():
        rule, made = Rule.objects.get_or_create(
            code=template.code, defaults={"name": template.name, "template": template.code}
        )
        if made:
            RuleVersion.objects.create(
                rule=rule, number=1, params=dict(template.params), basis=BASIS, result_type=template.result_type,
                scenario=list(template.scenario), time_window=TIME_WINDOWS.get(template.code, "当次就诊"),
                violation_code=template.violation_code, created_by=by, note="初始版本",
            )  # fmt: skip
            if by is not None:
                audit.record(actor=by, verb="rule_create", obj=rule, after={"code": rule.code})
            created += 1
    return created


VERSION_FIELDS = (
    "params",
    "basis",
    "result_type",
    "scenario",
    "institution_kinds",
    "institution_levels",
    "time_window",
    "violation_code",
)


@transaction.atomic
def rule_update(*, rule: Rule, by: User, data: dict, note: str = "") -> RuleVersion:
    """Save the rule's new settings as its next version (versions are never edited); ``is_active`` and
    ``name`` change on the rule. Audited with before and after."""
    if not may_screen(by, "supervision.change_rule"):
        raise PermissionDenied(_("Your role may not change screening rules."))
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    current = rule.current
    template = rules.TEMPLATES[rule.template]
    try:
        params = rules.clean_params(template, data.get("params", current.params if current else {}))
    except ValueError as exc:
        raise ValidationError({"params": [str(exc)]}) from None
    values = {name: data.get(name, getattr(current, name) if current else None) for name in VERSION_FIELDS}
    values["params"] = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in params.items()}
    for name in ("scenario", "institution_kinds", "institution_levels"):
        values[name] = list(values[name] or [])
    if any(m not in rules.MED_TYPES for m in values["scenario"]):
        raise ValidationError({"scenario": [_("Unknown medical type.")]})
    before = {"name": rule.name, "is_active": rule.is_active, **({n: getattr(current, n) for n in VERSION_FIELDS}
                                                                 if current else {})}  # fmt: skip
    rule.name = data.get("name", rule.name)
    rule.is_active = data.get("is_active", rule.is_active)
    rule.save(update_fields=["name", "is_active"])
    version = current
    if current is None or any(values[n] != getattr(current, n) for n in VERSION_FIELDS):
        version = RuleVersion.objects.create(
            rule=rule, number=(current.number + 1) if current else 1, created_by=by, note=note, **values
        )
    audit.record(actor=by, verb="rule_update", obj=rule, before=before,
                 after={"name": rule.name, "is_active": rule.is_active, **values, "version": version.number},
                 reason=note)  # fmt: skip
    return version


def spec_of(version: RuleVersion) -> rules.RuleSpec:
    return rules.RuleSpec(
        code=version.rule.code,
        template=version.rule.template,
        params=version.params,
        med_types=tuple(version.scenario or rules.MED_TYPES),
        kinds=tuple(version.institution_kinds or ()),
        levels=tuple(int(v) for v in version.institution_levels or ()),
    )


# --- Runs ----------------------------------------------------------------------------------------------------


@transaction.atomic
def run_start(
    *,
    by: User | None,
    rule_codes: list[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    dry_run: bool = False,
    engine: str = "duckdb",
) -> ScreeningRun:
    """Record a pending run with the current version of each chosen rule (all active rules by default)."""
    if by is not None and not may_screen(by, "supervision.run_screening"):
        raise PermissionDenied(_("Your role may not run screening."))
    if engine not in engines.ENGINES:
        raise ValidationError({"engine": [_("Unknown engine.")]})
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"date_to": [_("The end lies before the start.")]})
    if not Rule.objects.exists():
        rules_seed(by=by)
    chosen = Rule.objects.all() if rule_codes else Rule.objects.filter(is_active=True)
    if rule_codes:
        chosen = chosen.filter(code__in=rule_codes)
        unknown = sorted(set(rule_codes) - set(chosen.values_list("code", flat=True)))
        if unknown:
            raise ValidationError({"rules": [_("Unknown rule: %(codes)s") % {"codes": ", ".join(unknown)}]})
    versions = [rule.current for rule in chosen.order_by("code")]
    run = ScreeningRun.objects.create(
        created_by=by, date_from=date_from, date_to=date_to, dry_run=dry_run, engine=engine,
        catalogue_version=CatalogueVersion.objects.order_by("-number").first(),
    )  # fmt: skip
    run.rule_versions.set([v for v in versions if v is not None])
    return run


def run_screening(**kwargs) -> ScreeningRun:
    """Start and run in this process (the command, the API in tests, the monthly job)."""
    return run_execute(run=run_start(**kwargs))


def _update(run: ScreeningRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    ScreeningRun.objects.filter(pk=run.pk).update(**fields)


class RunCancelled(Exception):
    """The run was cancelled while it ran: stop at the next rule, keep nothing."""


def _step(run: ScreeningRun, name: str, **fields) -> bool:
    """Take the worker's step ``name`` of the transition table if the run's state (read under lock) allows it;
    False when it does not (the run was cancelled meanwhile, or a retried task found it final)."""
    with transaction.atomic():
        current = ScreeningRun.objects.select_for_update().get(pk=run.pk)
        step = TRANSITIONS.get(name)
        if current.status not in step.sources:
            run.status = current.status
            return False
        _update(run, status=step.target, **fields)
    return True


@transaction.atomic
def run_cancel(*, run: ScreeningRun, by: User, reason: str = "") -> ScreeningRun:
    """Cancel a queued or running run (a running one stops at its next rule and keeps nothing). Audited."""
    run = ScreeningRun.objects.select_for_update().get(pk=run.pk)
    step = TRANSITIONS.check(run, "cancel", by)
    before = run.status
    _update(run, status=step.target, finished_at=timezone.now(), message=reason[:2000])
    audit.record(actor=by, verb="screening_run_cancel", obj=run, before={"status": before},
                 after={"status": run.status}, reason=reason)  # fmt: skip
    return run


def catalogue_table(version: CatalogueVersion | None):
    """The catalogue version's items as the engines' Arrow table (blank limits as NULL)."""
    import pyarrow as pa

    rows = (
        list(CatalogueItem.objects.filter(version=version).values(*engines.CATALOGUE_SCHEMA.names)) if version else []
    )
    for row in rows:
        row["sex_limit"] = row["sex_limit"] or None
        row["exclusive_group"] = row["exclusive_group"] or None
    return pa.Table.from_pylist(rows, schema=engines.CATALOGUE_SCHEMA)


def institutions_table():
    """Every institution as the engines' Arrow table (level 0 when none), and code → (id, jurisdiction id)."""
    import pyarrow as pa

    rows = list(Institution.objects.values_list("pk", "code", "kind", "level", "jurisdiction_id"))
    table = pa.table(
        {
            "code": pa.array([r[1].upper() for r in rows], pa.string()),
            "kind": pa.array([r[2] for r in rows], pa.string()),
            "level": pa.array([int(r[3]) if r[3] else 0 for r in rows], pa.int32()),
        }
    )
    return table, {r[1].upper(): (r[0], r[4]) for r in rows}


def _flagged(codes: list[str]):
    import pyarrow as pa

    rows = Hit.objects.filter(rule__code__in=codes).values_list("rule__code", "feedetl_sn")
    pairs = list(rows.iterator(chunk_size=50_000))
    return pa.table(
        {
            "rule_code": pa.array([p[0] for p in pairs], pa.string()),
            "feedetl_sn": pa.array([p[1] for p in pairs], pa.string()),
        }
    )


def run_execute(*, run: ScreeningRun) -> ScreeningRun:
    """Run the run's rule versions over the lines; keep hits and leads, or for a dry run only the counts.

    Each change of state is a step of ``TRANSITIONS`` taken under a row lock: a run that is no longer queued
    is left alone; a run cancelled while it ran stops at its next rule; the hits are kept only if the run is
    still running when they are written (in the same transaction as ``finish``)."""
    if not _step(run, "start", progress=1):
        return run
    versions = list(run.rule_versions.select_related("rule").order_by("rule__code"))
    workdir = Path(tempfile.mkdtemp(prefix="run-", dir=_data_dir()))
    try:
        if run.catalogue_version is None:
            raise ValidationError(_("Import the catalogue (knowledge base) before running the rules."))
        institutions, by_code = institutions_table()
        inputs = engines.Inputs(
            workdir, settings.SCREENING_DATA_DIR, catalogue_table(run.catalogue_version), institutions,
            _flagged([v.rule.code for v in versions]),
        )  # fmt: skip

        def progress(done, total):
            updated = ScreeningRun.objects.filter(pk=run.pk, status=R.RUNNING).update(
                progress=min(80, 5 + int(75 * done / max(total, 1)))
            )
            if not updated:
                raise RunCancelled

        engine = engines.get_engine(run.engine)
        hits = engine.run(inputs, [spec_of(v) for v in versions], run.date_from, run.date_to, progress)
        counts = {v.rule.code: 0 for v in versions}
        for code, n in _count(hits, ["rule_code"]):
            counts[code[0]] = n
        if run.dry_run:
            by_inst: dict = {}
            for (code, inst), n, amount in _count(hits, ["rule_code", "fixmedins_code"], amounts=True):
                by_inst.setdefault(code, {})[inst] = [n, str(amount)]
            _step(run, "finish", hits_by_rule=counts, hits_by_institution=by_inst, progress=100,
                  finished_at=timezone.now())  # fmt: skip
            return run
        with transaction.atomic():
            if not _step(run, "finish", hits_by_rule=counts, progress=100, finished_at=timezone.now()):
                raise RunCancelled
            _update(run, leads_created=_keep(run, versions, hits, by_code, workdir))
    except RunCancelled:
        run.refresh_from_db()
    except Exception as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else f"{type(exc).__name__}: {exc}"
        _step(run, "fail", message=message[:2000], finished_at=timezone.now())
        if not isinstance(exc, ValidationError):
            raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return run


# --- The monthly schedule ------------------------------------------------------------------------------------


def screening_monthly(*, today: datetime.date | None = None) -> int:
    """The daily job's hook (``refresh_agreements``): once a month, run the active rules over the previous
    month's lines. Idempotent: nothing when a run of that month is queued, running or done (a failed or
    cancelled one is tried again the next day), when there is no catalogue, or no lines of that month. A line
    is never flagged twice by the same rule (the rule SQL leaves out what earlier runs flagged). Returns the
    number of runs started (0 or 1)."""
    first, last = last_month(today)
    period = first.strftime("%Y-%m")
    if ScreeningRun.objects.filter(period=period).exclude(status__in=[R.FAILED, R.CANCELLED]).exists():
        return 0
    if not CatalogueVersion.objects.exists() or not engines.Inputs.months_in(settings.SCREENING_DATA_DIR, first, last):
        return 0
    from supervision.screening.tasks import screening_run_task

    run = run_start(by=None, date_from=first, date_to=last)
    _update(run, period=period)
    screening_run_task.enqueue(run.pk, "")
    return 1


def _data_dir() -> Path:
    path = Path(settings.SCREENING_DATA_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _count(hits, keys: list[str], amounts: bool = False):
    """(key tuple, hits[, amount]) per group of the Arrow table ``hits``."""
    if hits.num_rows == 0:
        return []
    aggregations = [("feedetl_sn", "count")] + ([("amount", "sum")] if amounts else [])
    grouped = hits.group_by(keys).aggregate(aggregations).to_pylist()
    result = []
    for row in grouped:
        key = tuple(row[k] for k in keys)
        result.append((key, row["feedetl_sn_count"], row["amount_sum"]) if amounts else (key, row["feedetl_sn_count"]))
    return result


def _description(rule: Rule, hits: int, amount: Decimal, first: datetime.date, last: datetime.date) -> str:
    period = first.isoformat() if first == last else f"{first.isoformat()}至{last.isoformat()}"
    return (
        f"智能监控规则“{rule.name}”命中{hits}条结算明细，涉及金额{amount:,.2f}元，费用发生期间{period}。"
        "请核查相关明细（见命中明细）。"
    )


@transaction.atomic
def _keep(run: ScreeningRun, versions: list[RuleVersion], hits, by_code: dict, workdir: Path) -> int:
    """Write the leads (one per institution and rule) and their hits; one audit row for the run."""
    import duckdb
    import pyarrow as pa

    if hits.num_rows == 0:
        audit.record(actor=run.created_by, verb="screening_run", obj=run, after={"hits": 0, "leads": 0})
        return 0
    by_rule = {v.rule.code: v for v in versions}
    con = duckdb.connect()
    try:
        con.register("hits", hits)
        groups = con.execute(
            "SELECT rule_code, fixmedins_code, COUNT(*), SUM(amount), MIN(fee_date), MAX(fee_date) FROM hits "
            "GROUP BY rule_code, fixmedins_code ORDER BY rule_code, fixmedins_code"
        ).fetchall()
        today = timezone.localdate()
        leads = []
        for code, inst, n, amount, first, last in groups:
            institution_id, jurisdiction_id = by_code[inst]
            rule = by_rule[code].rule
            leads.append(
                Lead(
                    source=Lead.Source.SCREENING,
                    status=Lead.Status.NEW,
                    institution_id=institution_id,
                    jurisdiction_id=jurisdiction_id,
                    rule_code=code,
                    amount=amount,
                    occurred_on=first,
                    hits=n,
                    received_on=today,
                    description=_description(rule, n, amount, first, last),
                )
            )
        Lead.objects.bulk_create(leads, batch_size=1000)
        if any(lead.pk is None for lead in leads):  # backends that do not return ids
            raise RuntimeError("bulk_create returned no ids")
        keys = pa.table(
            {
                "rule_code": pa.array([lead.rule_code for lead in leads], pa.string()),
                "fixmedins_code": pa.array([g[1] for g in groups], pa.string()),
                "lead_id": pa.array([lead.pk for lead in leads], pa.int64()),
                "institution_id": pa.array([lead.institution_id for lead in leads], pa.int64()),
                "jurisdiction_id": pa.array([lead.jurisdiction_id for lead in leads], pa.int64()),
                "rule_id": pa.array([by_rule[lead.rule_code].rule_id for lead in leads], pa.int64()),
                "rule_version_id": pa.array([by_rule[lead.rule_code].pk for lead in leads], pa.int64()),
            }
        )
        con.register("keys", keys)
        select = (
            f"SELECT k.jurisdiction_id, {int(run.pk)} AS run_id, k.rule_id, k.rule_version_id, k.lead_id, "
            "k.institution_id, h.feedetl_sn, h.psn_no, h.hilist_code, h.fee_ocur_time, h.fee_date, h.cnt, h.pric, "
            "h.fund_pay, h.amount FROM hits h JOIN keys k USING (rule_code, fixmedins_code)"
        )
        columns = [c.split(".")[-1].split(" AS ")[-1] for c in select[7 : select.index(" FROM ")].split(", ")]
        if connection.vendor == "postgresql":
            path = workdir / "hits.csv"
            # Fee times are the bureau's local time (screening.md gives no zone).
            offset = timezone.get_default_timezone().utcoffset(datetime.datetime(2026, 1, 1))
            zone = f"{'+' if offset >= datetime.timedelta(0) else '-'}{abs(offset) // datetime.timedelta(hours=1):02d}"
            con.execute(f"COPY ({select}) TO '{str(path).replace(chr(39), chr(39) * 2)}' (FORMAT CSV, HEADER false, "
                        f"TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S{zone}')")  # fmt: skip
            table = Hit._meta.db_table
            with connection.cursor() as cursor, path.open("rb") as handle:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
        else:
            rows = con.execute(select).fetchall()
            objects = []
            for row in rows:
                values = dict(zip(columns, row, strict=True))
                values["fee_ocur_time"] = timezone.make_aware(values["fee_ocur_time"])
                objects.append(Hit(**values))
            Hit.objects.bulk_create(objects, batch_size=2000)
    finally:
        con.close()
    audit.record(actor=run.created_by, verb="screening_run", obj=run,
                 after={"hits": hits.num_rows, "leads": len(leads), "rules": sorted(by_rule)})  # fmt: skip
    return len(leads)


# --- Reads -----------------------------------------------------------------------------------------------------


def rule_funnel() -> dict[str, dict]:
    """Per rule code: hits → leads → confirmed / dismissed → precision (confirmed ÷ decided)."""
    funnel: dict[str, dict] = {}
    for code, n in Hit.objects.values_list("rule__code").annotate(n=Count("pk")).order_by():
        funnel.setdefault(code, {})["hits"] = n
    leads = (
        Lead.objects.filter(source=Lead.Source.SCREENING)
        .values("rule_code")
        .annotate(
            leads=Count("pk"),
            confirmed=Count("pk", filter=Q(status__in=[Lead.Status.CONFIRMED, Lead.Status.CONVERTED])),
            dismissed=Count("pk", filter=Q(status=Lead.Status.DISMISSED)),
            amount=Sum("amount"),
        )
        .order_by()
    )
    for row in leads:
        entry = funnel.setdefault(row.pop("rule_code"), {})
        entry.update(row)
    for entry in funnel.values():
        entry.setdefault("hits", 0)
        for key in ("leads", "confirmed", "dismissed"):
            entry.setdefault(key, 0)
        decided = entry["confirmed"] + entry["dismissed"]
        entry["precision"] = round(entry["confirmed"] / decided, 3) if decided else None
    return funnel


def last_month(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end
