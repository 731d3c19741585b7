"""Bulk import of screening leads (contract ``leads/import/``): one service behind the API, the
``import_leads`` command and the upload page (a background task).

The file is CSV (UTF-8 with or without BOM, or GB18030 as Chinese Excel writes it: detected, or chosen by
the user) or XLSX, with the header ``institution_code, rule_code, description, amount, occurred_on,
external_id`` (more columns are ignored). Rows are numbered as the spreadsheet shows them: the header is
row 1.

1. Every row is checked (streamed, never the whole file in memory). Any bad row ⇒ the batch is *rejected*
   with the full report ``[{row, field, message}]`` and nothing is written. An ``external_id`` repeated
   inside the file is an error (the screening system gives each hit one id, so a repeat means a broken
   export); an ``external_id`` imported before is *skipped*, never duplicated.
2. The leads are written in one transaction — each in its institution's branch with source ``screening``,
   with one audit row for the batch. On PostgreSQL the rows go into one ``COPY ... FROM STDIN`` *while* they
   are checked (``CopyStream``: the server writes rows and indexes while this process checks the next ones,
   so an import costs about max(check, write), not their sum; bench/lead_import_bench.py); the first bad row
   abandons the COPY and the transaction, the check goes on to the end for the report. Ids imported before
   are looked up per chunk on a second, autocommit connection, which also carries the progress. Inside an
   outer transaction (tests, a caller's atomic block) that connection could not see the caller's rows, so
   there the valid rows are spooled to a temporary file first and written after the check (``COPY`` from
   the spool; ``bulk_create`` in chunks where COPY is not available, e.g. SQLite).
   Who imported a lead is recorded on its batch (``Lead.entered_by``), not repeated on every row.
   The batch row carries the progress while rows are checked; the write itself is one transaction, so the
   page shows it as one step.

The importer's scope must cover every institution: an unknown code and one outside the importer's scope
get the same row error ("unknown institution"), so the report does not reveal other branches' registers.
"""

import datetime
import hashlib
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import audit, uploads
from portal.files import (
    ENCODING_NAMES,
    FORMULA_MESSAGE,
    XLSX_MAGIC,
    FileProblem,
    binary_file,
    cell_amount,
    cell_date,
    cell_text,
    csv_rows,
    detect_encoding,
    file_size,
    xlsx_rows,
)
from portal.scoping import acting_units
from supervision.leads.models import ImportBatch, Lead
from supervision.org.models import PATH_STEP, OrgUnit, User
from supervision.register.models import Institution

HEADER = ("institution_code", "rule_code", "description", "amount", "occurred_on", "external_id")
MAX_TEXT = {"rule_code": 40, "external_id": 64, "description": 4000, "institution_code": 20}
MAX_AMOUNT = Decimal("999999999999.99")
ZERO, CENT = Decimal("0"), Decimal("0.01")
B = ImportBatch.Status


def _setting(name: str) -> int:
    return settings.LEAD_IMPORT[name]


CONCURRENT_IMPORT = gettext_lazy(
    "Another import wrote some of these leads at the same time; nothing was written. "
    "Run the import again: rows already imported will be skipped."
)


# --- Reading --------------------------------------------------------------------------------------------


def _header(values) -> dict[str, int]:
    names = [str(v if v is not None else "").strip().lstrip("\ufeff").lower() for v in values]
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in HEADER and name not in positions:
            positions[name] = index
    missing = [name for name in HEADER if name not in positions]
    if missing:
        raise FileProblem(
            _("The header row lacks the column(s) %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(HEADER)},
            field=missing[0],
        )
    return positions


# --- Checking one row -------------------------------------------------------------------------------------


class RowChecker:
    """Validates rows one by one; keeps only what cross-row checks need (external ids and their rows).

    ``check`` returns ``(row, errors)``: a valid row is the tuple ``(institution id, jurisdiction id,
    rule_code, description, amount, occurred_on, external_id)``.
    """

    def __init__(self, institutions: dict[str, tuple[int, int]], positions: dict[str, int], today: datetime.date):
        self.institutions = institutions
        self.positions = [positions[name] for name in HEADER]
        self.width = max(self.positions) + 1
        self.today = today
        self.seen: dict[str, int] = {}

    def check(self, number: int, values: list, formulas) -> tuple[tuple | None, list[dict]]:
        if len(values) < self.width:
            values = list(values) + [None] * (self.width - len(values))
        p0, p1, p2, p3, p4, p5 = p = self.positions
        if formulas:
            errors = [
                {"row": number, "field": name, "message": str(FORMULA_MESSAGE)}
                for name, index in zip(HEADER, p, strict=True)
                if index in formulas
            ]
            if errors:
                return None, errors
        code, rule_code, description = values[p0], values[p1], values[p2]
        amount, occurred, external_id = values[p3], values[p4], values[p5]
        if type(code) is str and type(rule_code) is str and type(description) is str and type(external_id) is str:
            code, rule_code, description, external_id = (
                code.strip(),
                rule_code.strip(),
                description.strip(),
                external_id.strip(),
            )
        else:  # spreadsheet cells may be numbers (ids typed into Excel) or empty
            code, rule_code, description, external_id = (
                cell_text(code),
                cell_text(rule_code),
                cell_text(description),
                cell_text(external_id),
            )
        code = code.upper()
        institution = self.institutions.get(code)
        if (
            institution is not None
            and rule_code
            and description
            and external_id
            and len(rule_code) <= 40
            and len(description) <= 4000
            and len(external_id) <= 64
            and external_id not in self.seen
        ):
            # The common case: only the amount and the date remain to be parsed.
            try:
                parsed_amount = cell_amount(amount)
                parsed_date = cell_date(occurred)
            except (ValueError, TypeError, InvalidOperation, ArithmeticError):
                pass
            else:
                if ZERO <= parsed_amount <= MAX_AMOUNT and parsed_amount.as_tuple().exponent >= -2:
                    if parsed_date <= self.today:
                        self.seen[external_id] = number
                        return (
                            institution[0],
                            institution[1],
                            rule_code,
                            description,
                            parsed_amount.quantize(CENT),
                            parsed_date,
                            external_id,
                        ), []
        return None, self._errors(number, code, institution, rule_code, description, amount, occurred, external_id)

    def _errors(self, number, code, institution, rule_code, description, amount, occurred, external_id) -> list[dict]:
        """Every problem of a row that failed the fast path (possibly none: then the row is fine after all)."""
        errors: list[dict] = []

        def error(field, message):
            errors.append({"row": number, "field": field, "message": str(message)})

        if not code:
            error("institution_code", _("Required."))
        elif institution is None:
            error("institution_code", _("Unknown institution: %(code)s") % {"code": code[:40]})
        for name, value in (("rule_code", rule_code), ("description", description), ("external_id", external_id)):
            if not value:
                error(name, _("Required."))
            elif len(value) > MAX_TEXT[name]:
                error(name, _("At most %(max)s characters.") % {"max": MAX_TEXT[name]})
        if amount is None or cell_text(amount) == "":
            error("amount", _("Required."))
        else:
            try:
                parsed_amount = cell_amount(amount)
            except (ValueError, InvalidOperation, ArithmeticError):
                error("amount", _("Not a number: %(value)s") % {"value": cell_text(amount)[:40]})
            else:
                if parsed_amount < 0:
                    error("amount", _("The amount cannot be negative."))
                elif parsed_amount > MAX_AMOUNT:
                    error("amount", _("The amount is too large."))
                elif parsed_amount.as_tuple().exponent < -2:
                    error("amount", _("At most two decimal places."))
        if occurred is None or cell_text(occurred) == "":
            error("occurred_on", _("Required."))
        else:
            try:
                parsed_date = cell_date(occurred)
            except (ValueError, TypeError):
                error("occurred_on", _("Not a date (YYYY-MM-DD): %(value)s") % {"value": cell_text(occurred)[:40]})
            else:
                if parsed_date > self.today:
                    error("occurred_on", _("The date lies in the future."))
        if external_id:
            first = self.seen.get(external_id)
            if first is not None:
                error("external_id", _("Repeats row %(row)s: each screening hit is listed once.") % {"row": first})
            else:
                self.seen[external_id] = number
        return errors


# --- The service ------------------------------------------------------------------------------------------


def _import_units(by: User) -> list[OrgUnit]:
    return acting_units(by, "supervision.import_lead")


def importable_institutions(by: User) -> dict[str, tuple[int, int]]:
    """code → (id, jurisdiction id) of every institution the importer's import role covers."""
    queryset = Institution.objects.acting(by, "supervision.import_lead")
    return {code: (pk, unit) for code, pk, unit in queryset.values_list("code", "pk", "jurisdiction_id")}


def _batch_unit(by: User) -> OrgUnit:
    """The narrowest unit covering the importer's import scope: the batch's jurisdiction."""
    units = _import_units(by)
    if not units:
        raise PermissionDenied(_("Your role may not import leads."))
    if len(units) == 1:
        return units[0]
    prefix = units[0].path
    for unit in units[1:]:
        while not unit.path.startswith(prefix):
            prefix = prefix[:-PATH_STEP]
    return OrgUnit.objects.get(path=prefix)


def _sha256(raw) -> str:
    sha = hashlib.sha256()
    raw.seek(0)
    while chunk := raw.read(1 << 20):
        sha.update(chunk)
    raw.seek(0)
    return sha.hexdigest()


@transaction.atomic
def lead_import_start(*, by: User, fileobj, file_name: str, encoding: str = "auto") -> ImportBatch:
    """Register an uploaded file as a pending import batch (the file is kept with its SHA-256)."""
    if not by.has_perm("supervision.import_lead"):
        raise PermissionDenied(_("Your role may not import leads."))
    if encoding not in ImportBatch.Encoding.values:
        encoding = ImportBatch.Encoding.AUTO
    raw = binary_file(fileobj)
    batch = ImportBatch(
        jurisdiction=_batch_unit(by),
        file_name=(file_name or "leads")[-255:],
        encoding=encoding,
        created_by=by,
        sha256=_sha256(raw),
    )
    raw.seek(0)
    batch.file.save(batch.file_name.rsplit("/", 1)[-1], File(raw), save=False)
    batch.save()
    return batch


def lead_import(*, by: User, fileobj, file_name: str, encoding: str = "auto") -> ImportBatch:
    """Start and run an import in this process (the API and the ``import_leads`` command)."""
    batch = lead_import_start(by=by, fileobj=fileobj, file_name=file_name, encoding=encoding)
    return lead_import_run(batch=batch)


def _update(batch: ImportBatch, **fields) -> None:
    for name, value in fields.items():
        setattr(batch, name, value)
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)


def lead_import_run(*, batch: ImportBatch) -> ImportBatch:
    """Check every row of the batch's file, then write all of it or nothing. Returns the batch, whose
    status is ``done``, ``rejected`` (with ``errors``) or ``failed`` (with ``message``). A rejected or failed
    batch keeps its report, not its file; nothing leaves the batch ``validating`` (an unexpected error
    marks it failed and is raised again)."""
    try:
        _run(batch)
    except BaseException:
        _update(
            batch,
            status=B.FAILED,
            message=str(_("The import stopped on an unexpected error; nothing was written.")),
            finished_at=timezone.now(),
        )
        uploads.discard(batch.file)
        raise
    if batch.status in (B.REJECTED, B.FAILED):
        uploads.discard(batch.file)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
    return batch


def _run(batch: ImportBatch) -> ImportBatch:
    by = batch.created_by
    if not by.is_active or not by.has_perm("supervision.import_lead"):
        _update(
            batch, status=B.FAILED, message=_("The importer may no longer import leads."), finished_at=timezone.now()
        )
        return batch
    _update(batch, status=B.VALIDATING, started_at=timezone.now(), progress=0)
    spool = Spool(batch, by)
    with batch.file.open("rb") as stored, spool:
        raw = binary_file(stored)
        if _streams(spool):
            return _run_streaming(batch, by, raw, spool)
        try:
            checked = _check_file(batch, raw, spool)
        except FileProblem as problem:
            checked = Checked(errors=[problem.error], error_rows=1)
        if checked.errors:
            _reject(batch, checked)
            return batch
        _update(batch, status=B.WRITING, total_rows=checked.total, processed_rows=checked.total, progress=90)
        try:
            with connection.wrap_database_errors:
                _write(batch, by, spool, checked)
        except IntegrityError:
            _update(batch, status=B.FAILED, finished_at=timezone.now(), message=str(CONCURRENT_IMPORT))
    return batch


def _reject(batch: ImportBatch, checked: "Checked") -> None:
    """The file had bad rows (or could not be read): the batch is rejected with its full report, nothing written."""
    _update(
        batch,
        status=B.REJECTED,
        errors=checked.errors,
        error_count=checked.error_rows,
        total_rows=checked.total,
        processed_rows=checked.total,
        progress=100,
        finished_at=timezone.now(),
    )


@dataclass
class Checked:
    errors: list
    error_rows: int = 0
    total: int = 0
    external_ids: list | None = None


def _check_file(batch: ImportBatch, raw, spool: "Spool | CopyStream", update=None) -> Checked:
    """Stream and check every row; hand the valid rows to ``spool`` in chunks while no row has failed (the
    first bad row abandons it). ``update`` records progress on the batch row (default: ``_update``)."""
    update = update or _update
    size = file_size(raw)
    if size == 0:
        raise FileProblem(_("The file is empty."))
    is_xlsx = raw.read(4) == XLSX_MAGIC
    raw.seek(0)
    if is_xlsx:
        rows, fmt = xlsx_rows(raw), "Excel"
    else:
        encoding = detect_encoding(raw, batch.encoding)
        rows, fmt = csv_rows(raw, encoding), f"CSV（{ENCODING_NAMES[encoding].upper()}）"
    update(batch, detected_format=fmt)
    max_rows, max_errors, every = _setting("max_rows"), _setting("max_errors"), _setting("progress_every")
    chunk_size = _setting("chunk_size")
    errors: list[dict] = []
    error_rows = 0
    truncated = False
    checker = None
    total = 0
    chunk: list[tuple] = []
    today = timezone.localdate()
    for number, values, formulas in rows:
        if not any(v.strip() if type(v) is str else cell_text(v) for v in values):
            continue  # blank lines (and the empty rows Excel leaves at the end) are ignored
        if checker is None:
            checker = RowChecker(importable_institutions(batch.created_by), _header(values), today)
            check = checker.check
            continue
        total += 1
        if total > max_rows:
            raise FileProblem(_("The file has more than %(max)s rows: split it.") % {"max": max_rows})
        row, row_errors = check(number, values, formulas)
        if row_errors:
            error_rows += 1
            if error_rows == 1:
                spool.abandon()  # nothing will be written: stop writing, keep checking for the report
            if len(errors) < max_errors:
                errors.extend(row_errors)
            else:
                truncated = True
        elif not error_rows:
            chunk.append(row)
            if len(chunk) >= chunk_size:
                spool.add(chunk)
                chunk = []
        if total % every == 0:
            position = raw.tell() if not is_xlsx else 0
            progress = min(89, int(position * 90 / size)) if position else batch.progress
            update(batch, processed_rows=total, progress=progress, error_count=error_rows)
    if checker is None:
        raise FileProblem(_("The file is empty."))
    if total == 0:
        raise FileProblem(_("The file has a header row but no data rows."), row=2)
    if truncated:
        errors.append({"row": None, "field": "", "message": _("More errors are not listed: correct these first.")})
    if chunk and not error_rows:
        spool.add(chunk)
    return Checked(errors=errors, error_rows=error_rows, total=total, external_ids=list(checker.seen))


# --- Writing ----------------------------------------------------------------------------------------------

# Fields written from each row, in the order of a checked row; every other column takes the batch-wide value
# of a template lead.
ROW_FIELDS = ("institution_id", "jurisdiction_id", "rule_code", "description", "amount", "occurred_on", "external_id")
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # dates and datetimes (ISO 8601, with the time zone)
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPE)


def _use_copy() -> bool:
    return connection.vendor == "postgresql" and settings.LEAD_IMPORT.get("use_copy", True)


class Spool:
    """The valid rows of a batch in a temporary file, between checking and writing.

    On PostgreSQL the rows are spooled as the lines ``COPY`` reads (the columns in ``columns``), so the write
    streams the file to the server in blocks; elsewhere as pickled chunks of tuples for ``bulk_create``.
    """

    def __init__(self, batch: ImportBatch, by: User):
        self.copy = _use_copy()
        self.template = Lead(
            source=Lead.Source.SCREENING,
            status=Lead.Status.NEW,
            received_on=timezone.localdate(),
            # The importer is recorded once, on the batch (Lead.entered_by): a per-row reference would add a
            # foreign-key check per row, about 0.9 s of a 200,000-row import (bench/lead_import_bench.py).
            created_by=None,
            created_at=timezone.now(),
            batch=batch,
            description="",
        )
        fields = [f for f in Lead._meta.concrete_fields if not f.primary_key]
        by_name = {f.attname: f for f in fields}
        row_fields = [by_name[name] for name in ROW_FIELDS]
        constants = [f for f in fields if f.attname not in ROW_FIELDS]
        # The external id comes last, so that a line's id is its last field (see _write).
        self.columns = [*row_fields[:-1], *constants, row_fields[-1]]
        self.middle = "\t".join(
            _copy_text(f.get_db_prep_save(getattr(self.template, f.attname), connection)) for f in constants
        )

    def __enter__(self):
        self.file = tempfile.TemporaryFile()
        return self

    def __exit__(self, *exc):
        self.file.close()
        return False

    def copy_lines(self, rows: list[tuple]) -> list[str]:
        """The rows as the lines ``COPY ... FROM STDIN`` reads (text format, columns in ``columns``)."""
        middle, escape = self.middle, _COPY_ESCAPE
        return [
            f"{i}\t{j}\t{rule.translate(escape)}\t{desc.translate(escape)}\t{amount}\t{day.isoformat()}\t"
            f"{middle}\t{ext.translate(escape)}\n"
            for i, j, rule, desc, amount, day, ext in rows
        ]

    def copy_sql(self) -> str:
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.columns)
        return f"COPY {connection.ops.quote_name(Lead._meta.db_table)} ({columns}) FROM STDIN"

    def add(self, rows: list[tuple]) -> None:
        if self.copy:
            self.file.write("".join(self.copy_lines(rows)).encode())
        else:
            pickle.dump(rows, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def abandon(self) -> None:
        """A row failed: the rows spooled so far will not be written."""
        self.file.truncate(0)

    def chunks(self) -> Iterator[list[tuple]]:
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # noqa: S301 - our own temporary file, written just before
            except EOFError:
                return

    def lines(self) -> Iterator[bytes]:
        self.file.seek(0)
        yield from self.file

    def blocks(self) -> Iterator[bytes]:
        self.file.seek(0)
        while block := self.file.read(1 << 20):
            yield block


def _already_imported(external_ids: list[str]) -> set[str]:
    """The ids among ``external_ids`` that some lead already has (whatever its jurisdiction)."""
    found: set[str] = set()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Lead._meta.db_table)
        with connection.cursor() as cursor:
            for start in range(0, len(external_ids), 50_000):
                cursor.execute(
                    f"SELECT external_id FROM {table} WHERE external_id = ANY(%s)",  # noqa: S608 - a fixed name
                    [external_ids[start : start + 50_000]],
                )
                found.update(row[0] for row in cursor.fetchall())
        return found
    for start in range(0, len(external_ids), 5000):
        part = external_ids[start : start + 5000]
        found.update(Lead.objects.filter(external_id__in=part).values_list("external_id", flat=True))
    return found


@transaction.atomic
def _write(batch: ImportBatch, by: User, spool: Spool, checked: Checked) -> None:
    existing = _already_imported(checked.external_ids)
    skipped = len(existing)
    created = checked.total - skipped
    if spool.copy:
        _write_copy(spool, existing)
    else:
        template, size = spool.template, _setting("bulk_batch_size")
        for rows in spool.chunks():
            Lead.objects.bulk_create(
                [_lead_from(template, row) for row in rows if row[-1] not in existing], batch_size=size
            )
    _complete(batch, by, created, skipped)


def _complete(batch: ImportBatch, by: User, created: int, skipped: int) -> None:
    """The batch is done: its counts, and the one audit row that records the bulk write (same transaction)."""
    batch.status, batch.created_count, batch.skipped_count = B.DONE, created, skipped
    batch.progress, batch.finished_at, batch.errors = 100, timezone.now(), []
    batch.save(update_fields=["status", "created_count", "skipped_count", "progress", "finished_at", "errors"])
    audit.record(
        actor=by,
        verb="import",
        obj=batch,
        after={
            "file_name": batch.file_name,
            "sha256": batch.sha256,
            "format": batch.detected_format,
            "rows": batch.total_rows,
            "created": created,
            "skipped": skipped,
        },
    )


def _write_copy(spool: Spool, existing: set[str]) -> None:
    """``COPY supervision_lead (...) FROM STDIN`` in the transaction, the spooled lines streamed in blocks."""
    sql = spool.copy_sql()
    with connection.cursor() as cursor:
        # Foreign keys are checked as rows arrive rather than all at commit: measured faster for a bulk write.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with cursor.cursor.copy(sql) as copy:
            if not existing:
                for block in spool.blocks():
                    copy.write(block)
                return
            skip = {_copy_text(e).encode() for e in existing}
            buffer: list[bytes] = []
            for line in spool.lines():
                if line.rsplit(b"\t", 1)[1][:-1] in skip:
                    continue
                buffer.append(line)
                if len(buffer) >= 5000:
                    copy.write(b"".join(buffer))
                    buffer = []
            if buffer:
                copy.write(b"".join(buffer))


def _streams(spool: Spool) -> bool:
    """Write while checking: on PostgreSQL with COPY, outside any caller's transaction (see the module doc)."""
    return spool.copy and not connection.in_atomic_block and settings.LEAD_IMPORT.get("stream", True)


class _Abandoned(Exception):
    """Sent to the server with the COPY's end when a row fails the check: the COPY is cancelled."""


class CopyStream:
    """The checked rows, chunk by chunk, straight into ``COPY supervision_lead (...) FROM STDIN`` on the
    import's connection (inside its transaction). A second connection, in autocommit, looks up the ids
    imported before (committed leads; the COPY's own rows are not yet visible, and a repeat inside the file
    is a row error) and records the progress on the batch row while the COPY holds the main connection."""

    def __init__(self, spool: Spool, cursor):
        self.spool, self.cursor = spool, cursor
        self.copy = self.writer = None
        self.skipped = 0
        self.abandoned = False
        self.side = connection.get_new_connection(connection.get_connection_params())
        self.side.autocommit = True
        table = connection.ops.quote_name(Lead._meta.db_table)
        self.lookup = f"SELECT external_id FROM {table} WHERE external_id = ANY(%s)"  # noqa: S608 - fixed name

    def add(self, rows: list[tuple]) -> None:
        if self.abandoned:
            return
        with self.side.cursor() as side:
            side.execute(self.lookup, [[row[-1] for row in rows]])
            existing = {found for (found,) in side.fetchall()}
        if existing:
            kept = [row for row in rows if row[-1] not in existing]
            self.skipped += len(rows) - len(kept)
            rows = kept
        if not rows:
            return
        if self.copy is None:  # opened at the first rows: the checker's own queries ran before
            self.copy = self.cursor.copy(self.spool.copy_sql())  # psycopg's context manager
            self.writer = self.copy.__enter__()
        self.writer.write("".join(self.spool.copy_lines(rows)).encode())

    def abandon(self) -> None:
        """Stop writing: the COPY is cancelled (the server discards its rows); the caller rolls back."""
        if self.abandoned:
            return
        self.abandoned = True
        if self.copy is not None:
            copy, self.copy = self.copy, None
            # psycopg ends the COPY with this error (the server cancels it; the expected QueryCanceled is not
            # raised) and hands the exception back unraised.
            cancelled = _Abandoned("a row failed the check")
            copy.__exit__(_Abandoned, cancelled, None)
        transaction.set_rollback(True)

    def finish(self) -> None:
        """All rows passed: end the COPY (the server reports here what it refused, e.g. a unique id)."""
        if self.copy is not None:
            copy, self.copy = self.copy, None
            copy.__exit__(None, None, None)

    def update(self, batch: ImportBatch, **fields) -> None:
        """``_update`` on the second connection (the main one is busy with the COPY, in a transaction)."""
        for name, value in fields.items():
            setattr(batch, name, value)
        columns = [ImportBatch._meta.get_field(name) for name in fields]
        assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in columns)
        values = [field.get_db_prep_save(fields[field.name], connection) for field in columns]
        table = connection.ops.quote_name(ImportBatch._meta.db_table)
        with self.side.cursor() as side:
            side.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*values, batch.pk])  # noqa: S608

    def close(self) -> None:
        if self.copy is not None:
            self.abandon()
        self.side.close()


def _run_streaming(batch: ImportBatch, by: User, raw, spool: Spool) -> ImportBatch:
    """Check and write overlapped, in one transaction; all or nothing (module doc, step 2)."""
    try:
        with connection.wrap_database_errors, transaction.atomic(), connection.cursor() as cursor:
            # Foreign keys are checked as rows arrive rather than all at commit: measured faster for a bulk write.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            stream = CopyStream(spool, cursor.cursor)
            try:
                try:
                    checked = _check_file(batch, raw, stream, update=stream.update)
                except FileProblem as problem:
                    stream.abandon()
                    checked = Checked(errors=[problem.error], error_rows=1)
                if checked.errors:
                    stream.abandon()
                else:
                    stream.update(batch, status=B.WRITING, total_rows=checked.total, processed_rows=checked.total)
                    stream.finish()
                    _complete(batch, by, checked.total - stream.skipped, stream.skipped)
            finally:
                stream.close()
    except IntegrityError:
        _update(batch, status=B.FAILED, finished_at=timezone.now(), message=str(CONCURRENT_IMPORT))
        return batch
    if checked.errors:
        _reject(batch, checked)
    return batch


def _lead_from(template: Lead, row: tuple) -> Lead:
    lead = Lead(
        source=template.source,
        status=template.status,
        received_on=template.received_on,
        created_at=template.created_at,
        batch_id=template.batch_id,
    )
    for name, value in zip(ROW_FIELDS, row, strict=True):
        setattr(lead, name, value)
    return lead


def progress_of(batch: ImportBatch) -> dict:
    """What the upload page polls."""
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "progress": batch.progress,
        "processed_rows": batch.processed_rows,
        "total_rows": batch.total_rows,
        "created": batch.created_count,
        "skipped": batch.skipped_count,
        "error_count": batch.error_count,
        "done": batch.is_final,
    }
