"""Imports of smart screening: settlement lines (to Parquet partitioned by month under SCREENING_DATA_DIR) and
the knowledge base (catalogue versions). One service each behind the page (a background task), the API and
the management command.

The file (CSV in UTF-8 with or without BOM or GB18030, XLSX, or Parquet) is loaded as text columns into an
embedded DuckDB database with each row's spreadsheet number (the header is row 1), and every check runs as SQL
over the whole table — no Python loop per line (XLSX cells are read by openpyxl, which has no other way).
Any bad row ⇒ the batch is rejected with the full report ``[{row, field, message}]`` and nothing is kept.
Settlement lines already imported (by ``feedetl_sn``) are skipped; a ``feedetl_sn`` repeated in the file is
an error. The Parquet files are written to a staging directory and moved into place only when the batch row
commits, under a file lock so that two imports cannot both keep one line.
"""

import codecs
import contextlib
import fcntl
import hashlib
import io
import shutil
import tempfile
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.files import FileProblem, detect_encoding
from portal.scoping import acting_units
from supervision.org.models import User
from supervision.register.models import Institution
from supervision.screening import engines
from supervision.screening.models import CatalogueItem, CatalogueVersion, SettlementBatch

LINE_HEADER = (
    "feedetl_sn,setl_id,mdtrt_id,psn_no,gend,brdy,fixmedins_code,med_type,begndate,enddate,dise_codg,"
    "hilist_code,cnt,pric,det_item_fee_sumamt,fund_pay,fee_ocur_time"
).split(",")
CATALOGUE_HEADER = (
    "hilist_code,hilist_name,category,price_cap,sex_limit,age_min,age_max,max_qty_per_day,min_inst_level,"
    "exclusive_group"
).split(",")
XLSX_MAGIC, PARQUET_MAGIC = b"PK\x03\x04", b"PAR1"
DEFAULT_UPLOAD_CAP = 2 * 1024 * 1024 * 1024
S = SettlementBatch.Status


class UploadTooLarge(Exception):
    """The upload exceeds its kind's cap; nothing was read."""


def upload_cap(kind: str) -> int:
    """The size cap of an upload kind (the shared upload policy's setting, else screening's own default)."""
    default = settings.SCREENING.get("max_upload_bytes", DEFAULT_UPLOAD_CAP)
    return int(getattr(settings, "UPLOAD_MAX_BYTES", {}).get(kind, default))


def check_upload_size(fileobj, kind: str = "settlement_import") -> None:
    """Refuse an upload over its cap before anything is parsed or kept."""
    size = getattr(fileobj, "size", None)
    if size is None:
        raw = binary_file(fileobj)
        position = raw.tell()
        raw.seek(0, io.SEEK_END)
        size = raw.tell()
        raw.seek(position)
    if size > upload_cap(kind):
        raise UploadTooLarge(_("The file is larger than the %(mb)s MB allowed.") % {"mb": upload_cap(kind) >> 20})


def binary_file(fileobj):
    seen = 0
    while isinstance(fileobj, File) and getattr(fileobj, "file", None) is not None and seen < 5:
        fileobj = fileobj.file
        seen += 1
    return fileobj


def _sha256(raw) -> str:
    sha = hashlib.sha256()
    raw.seek(0)
    while chunk := raw.read(1 << 20):
        sha.update(chunk)
    raw.seek(0)
    return sha.hexdigest()


# --- Reading any file into DuckDB as text -----------------------------------------------------------------


def _canonical(name) -> str:
    return str(name if name is not None else "").strip().lstrip("\ufeff").lower()


def _missing(names, header) -> None:
    missing = [c for c in header if c not in names]
    if missing:
        raise FileProblem(
            _("The header row lacks the column(s) %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(header)},
            field=missing[0],
        )


def load_raw(con, path: Path, header: list[str], workdir: Path) -> str:
    """Create table ``raw`` (``rn`` = spreadsheet row, then ``header`` as trimmed text) from the file at
    ``path``; return the format read."""

    with path.open("rb") as handle:
        magic = handle.read(4)
        handle.seek(0, io.SEEK_END)
        if handle.tell() == 0:
            raise FileProblem(_("The file is empty."))
    if magic == PARQUET_MAGIC:
        try:
            names = [c for c in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{_q(path)}')").fetchall()]
        except Exception as exc:
            raise FileProblem(_("The file is not a readable Parquet file.")) from exc
        actual = {_canonical(c[0]): c[0] for c in names}
        _missing(actual, header)
        columns = ", ".join(f'TRIM(CAST("{actual[c]}" AS VARCHAR)) AS {c}' for c in header)
        con.execute(
            f"CREATE TABLE raw AS SELECT CAST(file_row_number + 2 AS BIGINT) AS rn, {columns} "
            f"FROM read_parquet('{_q(path)}', file_row_number = true)"
        )
        return "parquet"
    if magic == XLSX_MAGIC:
        table = _xlsx_table(path, header)
        con.register("xlsx_rows", table)
        con.execute("CREATE TABLE raw AS SELECT * FROM xlsx_rows")
        con.unregister("xlsx_rows")
        return "xlsx"
    with path.open("rb") as handle:
        encoding = detect_encoding(handle, "auto")
    source, fmt = path, "csv (utf-8)"
    if encoding != "utf-8-sig":
        source, fmt = workdir / "utf8.csv", f"csv ({encoding})"
        with path.open("rb") as src, source.open("wb") as dst:
            decoder = codecs.getincrementaldecoder(encoding)()
            while chunk := src.read(1 << 22):
                dst.write(decoder.decode(chunk).encode())
            dst.write(decoder.decode(b"", final=True).encode())
    relation = csv_relation(source, header)
    # Rows keep the file's order, so a row's spreadsheet number is its rowid + 2 (the header is row 1).
    _csv_execute(con, f"CREATE TABLE raw_rows AS SELECT * FROM {relation}")
    con.execute(f"CREATE VIEW raw AS SELECT CAST(rowid + 2 AS BIGINT) AS rn, {', '.join(header)} FROM raw_rows")
    return fmt


def csv_relation(source: Path, header: list[str]) -> str:
    """A subquery over the UTF-8 CSV file at ``source`` read by DuckDB's own parallel reader: the ``header``
    columns as trimmed text ('' for an empty cell), whatever their order and extra columns in the file."""
    import csv

    with source.open(encoding="utf-8-sig", newline="") as handle:
        first = next(csv.reader(handle), [])
    names = [_canonical(n) for n in first]
    _missing(names, header)
    unique = [n if n in header and names.index(n) == i else f"_extra{i}" for i, n in enumerate(names)]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in unique) + "}"
    trimmed = ", ".join(f"TRIM({c}) AS {c}" for c in header)
    # nullstr: no text is NULL, so an empty cell reads as ''.
    return (
        f"(SELECT {trimmed} FROM read_csv('{_q(source)}', header = false, skip = 1, delim = ',', quote = '\"', "
        f"escape = '\"', columns = {columns}, auto_detect = false, nullstr = '\x01'))"
    )


def _csv_execute(con, sql: str) -> None:
    import duckdb

    try:
        con.execute(sql)
    except duckdb.Error as exc:
        message = str(exc).split("\n")[0][:200]
        raise FileProblem(_("The file is not a readable CSV file: %(error)s") % {"error": message}) from exc


def _xlsx_table(path: Path, header: list[str]):
    import datetime

    import pyarrow as pa
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FileProblem(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    columns: dict[str, list] = {c: [] for c in header}
    numbers: list[int] = []
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            raise FileProblem(_("The file is empty."))
        names = [_canonical(n) for n in first]
        _missing(names, header)
        positions = [(c, names.index(c)) for c in header]
        for number, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            numbers.append(number)
            for name, index in positions:
                value = values[index] if index < len(values) else None
                if isinstance(value, datetime.datetime):
                    value = value.strftime("%Y-%m-%d %H:%M:%S" if name == "fee_ocur_time" else "%Y-%m-%d")
                elif isinstance(value, datetime.date):
                    value = value.isoformat()
                elif isinstance(value, float) and value.is_integer():
                    value = int(value)
                columns[name].append("" if value is None else str(value).strip())
    finally:
        workbook.close()
    return pa.table({"rn": pa.array(numbers, pa.int64()), **{c: pa.array(v, pa.string()) for c, v in columns.items()}})


def _q(path) -> str:
    return str(path).replace("'", "''")


def _report(con, rules: list[tuple[str, str, str]], key: str) -> tuple[list[dict], int]:
    """Run the checks ``(field, code, condition)`` and the uniqueness of ``key``; return the per-row report.

    One pass over the table answers the common case (a clean file); only a file with problems pays for the
    detailed report, one scan per check."""
    any_problem = " OR ".join(f"({condition})" for _field, _code, condition in rules)
    bad = con.execute(f"SELECT COUNT(*) FROM raw WHERE {any_problem}").fetchone()[0]
    repeated = con.execute(f"SELECT COUNT({key}) - COUNT(DISTINCT {key}) FROM raw WHERE {key} <> ''").fetchone()[0]
    if not bad and not repeated:
        return [], 0
    duplicate = (
        f"SELECT rn, '{key}' AS field, 'duplicate' AS code, {key} AS value FROM ("
        f"SELECT rn, {key}, ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY rn) AS k FROM raw "
        f"WHERE {key} <> '') WHERE k > 1"
    )
    checks_sql = _checks(rules) + " UNION ALL " + duplicate
    max_errors = settings.SCREENING["max_errors"]
    con.execute(f"CREATE TEMP TABLE problems AS {checks_sql}")
    error_rows = con.execute("SELECT COUNT(DISTINCT rn) FROM problems").fetchone()[0]
    rows = con.execute(f"SELECT rn, field, code, value FROM problems ORDER BY rn, field LIMIT {max_errors}").fetchall()
    errors = [{"row": rn, "field": field, "message": _message(code, value)} for rn, field, code, value in rows]
    if error_rows and len(rows) == max_errors:
        errors.append({"row": None, "field": "", "message": _("More errors are not listed: correct these first.")})
    return errors, error_rows


def _message(code: str, value) -> str:
    value = (value or "")[:40]
    return {
        "required": _("Required."),
        "too_long": _("Too long."),
        "date": _("Not a date (YYYY-MM-DD): %(value)s"),
        "datetime": _("Not a date and time (YYYY-MM-DD[ HH:MM:SS]): %(value)s"),
        "money": _("Not an amount with at most 2 decimal places: %(value)s"),
        "quantity": _("Not a quantity: %(value)s"),
        "gend": _("Sex must be 1 (male) or 2 (female): %(value)s"),
        "med_type": _("Medical type must be 11, 21 or 41: %(value)s"),
        "sum": _("The line amount is not quantity × unit price (± 0.01): %(value)s"),
        "enddate": _("The last day lies before the first day."),
        "institution": _("Unknown institution: %(value)s"),
        "duplicate": _("This line id appears more than once in the file: %(value)s"),
        "category": _("Unknown category: %(value)s"),
        "sex_limit": _("The sex limit must be blank, 1 or 2: %(value)s"),
        "age": _("Not an age in whole years: %(value)s"),
        "age_range": _("The minimum age is above the maximum age."),
        "level": _("The minimum level must be blank, 1, 2 or 3: %(value)s"),
        "negative": _("Cannot be negative: %(value)s"),
    }[code] % {"value": value}


def _checks(rules: list[tuple[str, str, str]]) -> str:
    """``(field, code, condition)`` → one UNION ALL query of ``rn, field, code, value``."""
    return " UNION ALL ".join(
        f"SELECT rn, '{field}' AS field, '{code}' AS code, CAST({field} AS VARCHAR) AS value FROM raw WHERE {cond}"
        for field, code, cond in rules
    )


MONEY = r"'-?[0-9]{1,12}(\.[0-9]{1,2})?'"
QTY = r"'-?[0-9]{1,9}(\.[0-9]{1,3})?'"
DATE_FMT = "'%Y-%m-%d'"


def _ts(column: str) -> str:
    return f"COALESCE(TRY_STRPTIME({column}, '%Y-%m-%d %H:%M:%S'), TRY_STRPTIME({column}, '%Y-%m-%d'))"


def _settlement_checks() -> list[tuple[str, str, str]]:
    rules = []
    for column in LINE_HEADER:
        if column != "dise_codg":
            rules.append((column, "required", f"{column} = ''"))
    for column, size in (("feedetl_sn", 64), ("setl_id", 64), ("mdtrt_id", 64), ("psn_no", 64),
                         ("fixmedins_code", 20), ("dise_codg", 20), ("hilist_code", 50)):  # fmt: skip
        rules.append((column, "too_long", f"LENGTH({column}) > {size}"))
    rules += [
        ("gend", "gend", "gend <> '' AND gend NOT IN ('1', '2')"),
        ("med_type", "med_type", "med_type <> '' AND med_type NOT IN ('11', '21', '41')"),
        ("fee_ocur_time", "datetime", f"fee_ocur_time <> '' AND {_ts('fee_ocur_time')} IS NULL"),
        ("cnt", "quantity", f"cnt <> '' AND NOT regexp_full_match(cnt, {QTY})"),
    ]
    for column in ("brdy", "begndate", "enddate"):
        rules.append((column, "date", f"{column} <> '' AND TRY_STRPTIME({column}, {DATE_FMT}) IS NULL"))
    for column in ("pric", "det_item_fee_sumamt", "fund_pay"):
        rules.append((column, "money", f"{column} <> '' AND NOT regexp_full_match({column}, {MONEY})"))
    valid = " AND ".join(
        [f"regexp_full_match(cnt, {QTY})"]
        + [f"regexp_full_match({c}, {MONEY})" for c in ("pric", "det_item_fee_sumamt")]
    )
    rules += [
        ("det_item_fee_sumamt", "sum", f"{valid} AND ABS(CAST(det_item_fee_sumamt AS DECIMAL(18, 2)) - "
         "CAST(cnt AS DECIMAL(18, 3)) * CAST(pric AS DECIMAL(18, 2))) > 0.01"),
        ("enddate", "enddate", f"TRY_STRPTIME(enddate, {DATE_FMT}) < TRY_STRPTIME(begndate, {DATE_FMT})"),
        ("fixmedins_code", "institution",
         "fixmedins_code <> '' AND UPPER(fixmedins_code) NOT IN (SELECT code FROM known_institutions)"),
    ]  # fmt: skip
    return rules


def _typed_lines(batch_id: int) -> str:
    """The typed line columns (engines.LINE_SCHEMA) plus ``month`` from checked text columns and ``ts`` (the
    parsed fee time)."""
    cast, parse = "CAST", "STRPTIME"
    parts = []
    for column in LINE_HEADER:
        if column in ("brdy", "begndate", "enddate"):
            parts.append(f"CAST({parse}({column}, {DATE_FMT}) AS DATE) AS {column}")
        elif column == "cnt":
            parts.append(f"{cast}(cnt AS DECIMAL(12, 3)) AS cnt")
        elif column in ("pric", "det_item_fee_sumamt", "fund_pay"):
            parts.append(f"{cast}({column} AS DECIMAL(14, 2)) AS {column}")
        elif column == "fee_ocur_time":
            parts.append("ts AS fee_ocur_time")
        elif column == "fixmedins_code":
            parts.append("UPPER(fixmedins_code) AS fixmedins_code")
        else:
            parts.append(column)
    parts.append("CAST(ts AS DATE) AS fee_date")
    parts.append(f"CAST({int(batch_id)} AS BIGINT) AS batch_id")
    parts.append("strftime(ts, '%Y-%m') AS month")
    return ", ".join(parts)


def _with_ts(relation: str) -> str:
    return f"(SELECT *, {_ts('fee_ocur_time')} AS ts FROM {relation})"


# --- Settlement import: the service ---------------------------------------------------------------------


def may_screen(user, perm: str) -> bool:
    """Screening is the monitoring centre's and the city chiefs': the role must be held in a city-wide unit."""
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        return False
    return any(unit.parent_id is None for unit in acting_units(user, perm))


def _data_dir() -> Path:
    path = Path(settings.SCREENING_DATA_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def data_lock():
    """One writer at a time in SCREENING_DATA_DIR (imports check duplicates against what is there)."""
    with (_data_dir() / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@transaction.atomic
def settlement_import_start(*, by: User, fileobj, file_name: str) -> SettlementBatch:
    """Register an uploaded settlement file as a pending batch (the file is kept with its SHA-256)."""
    if not may_screen(by, "supervision.import_settlements"):
        raise PermissionDenied(_("Your role may not import settlement data."))
    check_upload_size(fileobj)
    raw = binary_file(fileobj)
    units = acting_units(by, "supervision.import_settlements")
    batch = SettlementBatch(
        jurisdiction=units[0], file_name=(file_name or "settlements")[-255:], created_by=by, sha256=_sha256(raw)
    )
    raw.seek(0)
    batch.file.save(batch.file_name.rsplit("/", 1)[-1], File(raw), save=False)
    batch.save()
    return batch


def settlement_import(*, by: User, fileobj, file_name: str) -> SettlementBatch:
    """Start and run an import in this process (the API and the ``import_settlements`` command)."""
    return settlement_import_run(batch=settlement_import_start(by=by, fileobj=fileobj, file_name=file_name))


def _update(obj, **fields) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    type(obj).objects.filter(pk=obj.pk).update(**fields)


def settlement_import_run(*, batch: SettlementBatch) -> SettlementBatch:
    """Check every row of the batch's file in DuckDB, then keep all of it (as Parquet) or nothing."""
    import duckdb

    _update(batch, status=S.RUNNING, progress=5)
    data_dir = _data_dir()
    workdir = Path(tempfile.mkdtemp(prefix="import-", dir=data_dir))
    con = duckdb.connect(config={"temp_directory": str(workdir), "memory_limit": "1500MB"})
    try:
        path = Path(batch.file.path) if _is_local(batch.file) else _spool(batch.file, workdir)
        codes = list(_importable_codes(batch.created_by))
        con.execute("CREATE TEMP TABLE known_institutions (code VARCHAR)")
        if codes:
            import pyarrow as pa

            con.register("codes", pa.table({"code": pa.array(codes, pa.string())}))
            con.execute("INSERT INTO known_institutions SELECT code FROM codes")
        try:
            clean = _load_checked_csv(con, path, batch.pk)
            if not clean:  # not a UTF-8 CSV, or a row has a problem: the detailed way, rows numbered
                load_raw(con, path, LINE_HEADER, workdir)
        except FileProblem as problem:
            _update(batch, status=S.REJECTED, errors=[problem.error], error_count=1, progress=100,
                    finished_at=timezone.now())  # fmt: skip
            return batch
        total = con.execute("SELECT COUNT(*) FROM lines_typed" if clean else "SELECT COUNT(*) FROM raw").fetchone()[0]
        _update(batch, total_rows=total, progress=30)
        if total == 0:
            problem = FileProblem(_("The file has a header row but no data rows."), row=2)
            _update(batch, status=S.REJECTED, errors=[problem.error], error_count=1, progress=100,
                    finished_at=timezone.now())  # fmt: skip
            return batch
        if not clean:
            errors, error_rows = _report(con, _settlement_checks(), "feedetl_sn")
            if errors:
                _update(batch, status=S.REJECTED, errors=errors, error_count=error_rows, progress=100,
                        finished_at=timezone.now())  # fmt: skip
                return batch
            con.execute(f"CREATE VIEW lines_typed AS SELECT {_typed_lines(batch.pk)} FROM {_with_ts('raw')}")
        _update(batch, progress=60)
        with data_lock():
            kept, skipped, months, files = _write_lines(con, batch, data_dir, workdir)
            try:
                with transaction.atomic():
                    _update(batch, status=S.DONE, line_count=kept, skipped_count=skipped, months=months,
                            progress=100, finished_at=timezone.now())  # fmt: skip
                    audit.record(actor=batch.created_by, verb="screening_lines_import", obj=batch,
                                 after={"lines": kept, "skipped": skipped, "months": months})  # fmt: skip
            except Exception:
                for file in files:
                    file.unlink(missing_ok=True)
                raise
    except Exception as exc:
        _update(batch, status=S.FAILED, message=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now())
        raise
    finally:
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return batch


def _load_checked_csv(con, path: Path, batch_id: int) -> bool:
    """A UTF-8 CSV read once: typed into ``checked`` with each row's verdict (every check of
    ``_settlement_checks`` at once), then one columnar pass for the verdicts and repeated line ids. True when
    the file is clean (``lines_typed`` holds it); False for another format or a file with any problem, which
    then takes the detailed way (``load_raw`` + ``_report``: every error with its row)."""
    import duckdb

    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head or head[:4] in (XLSX_MAGIC, PARQUET_MAGIC) or b"\x00" in head:
        return False
    try:
        relation = csv_relation(path, LINE_HEADER)
        # DuckDB refuses text that is not UTF-8 (a GB18030 file): the detailed way detects the encoding.
        con.execute(
            f"CREATE TABLE checked AS SELECT {_checked_columns(batch_id)}, ({_verdict()}) AS bad "
            f"FROM {_parsed(relation)}"
        )
    except (UnicodeDecodeError, duckdb.Error):
        con.execute("DROP TABLE IF EXISTS checked")
        return False
    problems, repeated = con.execute(
        "SELECT COUNT(*) FILTER (WHERE bad), COUNT(feedetl_sn) - COUNT(DISTINCT feedetl_sn) FROM checked"
    ).fetchone()
    if problems or repeated:
        con.execute("DROP TABLE checked")
        return False
    con.execute("CREATE VIEW lines_typed AS SELECT * EXCLUDE (bad) FROM checked")
    return True


PARSED = {"brdy": "date", "begndate": "date", "enddate": "date", "cnt": "DECIMAL(12, 3)",
          "pric": "DECIMAL(14, 2)", "det_item_fee_sumamt": "DECIMAL(14, 2)", "fund_pay": "DECIMAL(14, 2)"}  # fmt: skip


def _parsed(relation: str) -> str:
    """The text columns plus each value parsed once: ``ts`` (fee time) and ``t_<column>`` (NULL when bad)."""
    parsed = ", ".join(
        f"CAST(TRY_STRPTIME({c}, {DATE_FMT}) AS DATE) AS t_{c}" if kind == "date"
        else f"TRY_CAST({c} AS {kind}) AS t_{c}"
        for c, kind in PARSED.items()
    )  # fmt: skip
    return f"(SELECT *, {_ts('fee_ocur_time')} AS ts, {parsed} FROM {relation})"


def _checked_columns(batch_id: int) -> str:
    """``_typed_lines`` from the values ``_parsed`` already parsed."""
    columns = [
        f"t_{c} AS {c}" if c in PARSED else "ts AS fee_ocur_time" if c == "fee_ocur_time"
        else "UPPER(fixmedins_code) AS fixmedins_code" if c == "fixmedins_code" else c
        for c in LINE_HEADER
    ]  # fmt: skip
    columns += ["CAST(ts AS DATE) AS fee_date", f"CAST({int(batch_id)} AS BIGINT) AS batch_id",
                "strftime(ts, '%Y-%m') AS month"]  # fmt: skip
    return ", ".join(columns)


def _verdict() -> str:
    """Whether a row of ``_parsed`` fails any of ``_settlement_checks``: the same checks, where one parses a
    value asking the value parsed once (a sum is checked on the parsed amounts: when one of them is not a
    well-formed number, its own check fails the row already)."""
    conditions = []
    for field, code, condition in _settlement_checks():
        if code == "date":
            condition = f"{field} <> '' AND t_{field} IS NULL"
        elif code == "datetime":
            condition = "fee_ocur_time <> '' AND ts IS NULL"
        elif code == "sum":
            condition = "ABS(t_det_item_fee_sumamt - t_cnt * t_pric) > 0.01"
        elif code == "enddate":
            condition = "t_enddate < t_begndate"
        conditions.append(f"({condition})")
    return " OR ".join(conditions)


def _is_local(field) -> bool:
    try:
        field.path  # noqa: B018
    except NotImplementedError:
        return False
    return True


def _spool(field, workdir: Path) -> Path:
    target = workdir / "upload"
    with field.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return target


def _importable_codes(by: User) -> set[str]:
    queryset = Institution.objects.acting(by, "supervision.import_settlements")
    return {code.upper() for code in queryset.values_list("code", flat=True)}


def _write_lines(con, batch, data_dir: Path, workdir: Path):
    """Write the new lines as Parquet by month into the data directory; lines already kept are skipped."""
    existing = engines.line_files(data_dir)
    if existing:
        files = ", ".join(f"'{_q(p)}'" for p in existing)
        con.execute(f"CREATE TEMP TABLE kept AS SELECT feedetl_sn FROM read_parquet([{files}])")
        con.execute("CREATE TEMP VIEW fresh AS SELECT * FROM lines_typed ANTI JOIN kept USING (feedetl_sn)")
    else:
        con.execute("CREATE TEMP VIEW fresh AS SELECT * FROM lines_typed")
    total = con.execute("SELECT COUNT(*) FROM lines_typed").fetchone()[0]
    kept = con.execute("SELECT COUNT(*) FROM fresh").fetchone()[0] if existing else total
    if not kept:
        return 0, total, [], []
    staging = workdir / "out"
    tag = f"batch{batch.pk}-{uuid.uuid4().hex[:8]}"
    con.execute(
        f"COPY (SELECT * FROM fresh) "
        f"TO '{_q(staging)}' (FORMAT PARQUET, PARTITION_BY (month), FILENAME_PATTERN '{tag}-{{i}}')"
    )
    moved, months = [], []
    target_root = engines.lines_dir(data_dir)
    for file in sorted(staging.glob("month=*/*.parquet")):
        target = target_root / file.parent.name / file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(file), target)
        moved.append(target)
        months.append(file.parent.name.split("=", 1)[1])
    return kept, total - kept, sorted(set(months)), moved


# --- Catalogue import -------------------------------------------------------------------------------------

CATEGORIES = [c.value for c in CatalogueItem.Category]


def _catalogue_checks() -> list[tuple[str, str, str]]:
    cats = ", ".join(f"'{c}'" for c in CATEGORIES)
    integer = "'[0-9]{1,3}'"
    rules = [
        ("hilist_code", "required", "hilist_code = ''"),
        ("hilist_code", "too_long", "LENGTH(hilist_code) > 50"),
        ("hilist_name", "required", "hilist_name = ''"),
        ("hilist_name", "too_long", "LENGTH(hilist_name) > 200"),
        ("category", "category", f"category NOT IN ({cats})"),
        ("price_cap", "money", f"price_cap <> '' AND NOT regexp_full_match(price_cap, {MONEY})"),
        ("price_cap", "negative", "price_cap LIKE '-%'"),
        ("sex_limit", "sex_limit", "sex_limit NOT IN ('', '1', '2')"),
        ("age_min", "age", f"age_min <> '' AND NOT regexp_full_match(age_min, {integer})"),
        ("age_max", "age", f"age_max <> '' AND NOT regexp_full_match(age_max, {integer})"),
        ("age_max", "age_range", f"regexp_full_match(age_min, {integer}) AND regexp_full_match(age_max, {integer}) "
         "AND CAST(age_min AS INTEGER) > CAST(age_max AS INTEGER)"),
        ("max_qty_per_day", "quantity", f"max_qty_per_day <> '' AND (NOT regexp_full_match(max_qty_per_day, {QTY}) "
         "OR max_qty_per_day LIKE '-%')"),
        ("min_inst_level", "level", "min_inst_level NOT IN ('', '1', '2', '3')"),
        ("exclusive_group", "too_long", "LENGTH(exclusive_group) > 40"),
    ]  # fmt: skip
    return rules


class CatalogueRejected(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def catalogue_import(*, by: User, fileobj, file_name: str) -> CatalogueVersion:
    """Check the whole catalogue file, then save a new version: the previous items updated by
    ``hilist_code`` and the new ones added. Raises CatalogueRejected with the report."""
    import duckdb

    if not may_screen(by, "supervision.import_settlements"):
        raise PermissionDenied(_("Your role may not import the catalogue."))
    check_upload_size(fileobj, "catalogue_import")
    raw = binary_file(fileobj)
    sha = _sha256(raw)
    workdir = Path(tempfile.mkdtemp(prefix="catalogue-"))
    con = duckdb.connect()
    try:
        path = workdir / "upload"
        raw.seek(0)
        with path.open("wb") as dst:
            shutil.copyfileobj(raw, dst, 1 << 20)
        try:
            load_raw(con, path, CATALOGUE_HEADER, workdir)
        except FileProblem as problem:
            raise CatalogueRejected([problem.error]) from None
        errors, _rows = _report(con, _catalogue_checks(), "hilist_code")
        if errors:
            raise CatalogueRejected(errors)
        rows = con.execute(f"SELECT {', '.join(CATALOGUE_HEADER)} FROM raw ORDER BY rn").fetchall()
    finally:
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)
    if not rows:
        raise CatalogueRejected(
            [{"row": 2, "field": "file", "message": _("The file has a header row but no data rows.")}]
        )
    return _catalogue_save(by=by, rows=rows, file_name=file_name, sha=sha)


def _item(values: dict) -> dict:
    def number(value, kind):
        return None if value in ("", None) else kind(value)

    return {
        "hilist_code": values["hilist_code"],
        "hilist_name": values["hilist_name"],
        "category": values["category"],
        "price_cap": number(values["price_cap"], Decimal),
        "sex_limit": values["sex_limit"] or "",
        "age_min": number(values["age_min"], int),
        "age_max": number(values["age_max"], int),
        "max_qty_per_day": number(values["max_qty_per_day"], Decimal),
        "min_inst_level": number(values["min_inst_level"], int),
        "exclusive_group": values["exclusive_group"] or "",
    }


@transaction.atomic
def _catalogue_save(*, by: User, rows, file_name: str, sha: str) -> CatalogueVersion:
    previous = CatalogueVersion.objects.select_for_update().order_by("-number").first()
    items = {}
    if previous is not None:
        for item in previous.items.values(*CATALOGUE_HEADER):
            items[item["hilist_code"]] = item
    incoming = [_item(dict(zip(CATALOGUE_HEADER, row, strict=True))) for row in rows]
    updated = sum(1 for item in incoming if item["hilist_code"] in items)
    for item in incoming:
        items[item["hilist_code"]] = item
    version = CatalogueVersion.objects.create(
        number=(previous.number + 1) if previous else 1, file_name=file_name[-255:], sha256=sha,
        item_count=len(items), created_count=len(incoming) - updated, updated_count=updated, created_by=by,
    )  # fmt: skip
    CatalogueItem.objects.bulk_create(
        [CatalogueItem(version=version, **item) for item in items.values()], batch_size=2000
    )
    audit.record(actor=by, verb="catalogue_import", obj=version,
                 after={"created": version.created_count, "updated": updated, "items": len(items)})  # fmt: skip
    return version
