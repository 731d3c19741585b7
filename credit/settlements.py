"""Import of yearly fund settlement amounts (the 5‰ veto's base): CSV or XLSX with the header
``institution_code, year, amount``, under the lead import's rules (supervision.leads_import, whose readers
are reused): every row is checked first; any bad row ⇒ the full report ``[{row, field, message}]`` and
nothing is written. A row for an institution and year already on file replaces its amount (audited). The
file is small (one row per institution and year), so it is imported during the request.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import SettlementAmount
from portal import audit
from portal.files import (
    FORMULA_MESSAGE,
    XLSX_MAGIC,
    FileProblem,
    binary_file,
    cell_amount,
    cell_text,
    csv_rows,
    detect_encoding,
    xlsx_rows,
)
from supervision.org.models import User
from supervision.register.models import Institution

HEADER = ("institution_code", "year", "amount")
MAX_AMOUNT = Decimal("999999999999.99")
MAX_ROWS = 100_000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)
    pairs: list[tuple[int, int]] = field(default_factory=list)


def importable_institutions(by: User) -> dict[str, tuple[int, int]]:
    """code → (id, jurisdiction id) of the institutions the importer's import role covers."""
    queryset = Institution.objects.acting(by, "credit.import_settlement")
    return {code: (pk, unit) for code, pk, unit in queryset.values_list("code", "pk", "jurisdiction_id")}


def _rows(fileobj, encoding: str):
    raw = binary_file(fileobj)
    raw.seek(0)
    head = raw.read(4)
    raw.seek(0)
    if head == XLSX_MAGIC:
        return xlsx_rows(raw)
    return csv_rows(raw, detect_encoding(raw, encoding))


def _positions(values) -> dict[str, int]:
    names = [str(v if v is not None else "").strip().lstrip("\ufeff").lower() for v in values]
    positions = {name: names.index(name) for name in HEADER if name in names}
    missing = [name for name in HEADER if name not in positions]
    if missing:
        raise FileProblem(
            _("The header row lacks the column(s) %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(HEADER)},
            field=missing[0],
        )
    return positions


def check(*, by: User, fileobj, encoding: str = "auto") -> tuple[list[tuple], list[dict]]:
    """Every row checked: ([(institution id, jurisdiction id, year, amount, row), ...], errors)."""
    institutions = importable_institutions(by)
    this_year = timezone.localdate().year
    valid, errors, seen = [], [], {}
    try:
        rows = iter(_rows(fileobj, encoding))
        first = next(rows, None)
        if first is None:
            raise FileProblem(_("The file is empty."))
        positions = _positions(first[1])
        for number, values, formulas in rows:
            if not any(cell_text(v) for v in values):
                continue
            if number > MAX_ROWS + 1:
                errors.append({"row": number, "field": "file", "message": _("Too many rows.")})
                break
            values = list(values) + [None] * (max(positions.values()) + 1 - len(values))
            row_errors = []

            def error(name, message, number=number, row_errors=row_errors):
                row_errors.append({"row": number, "field": name, "message": str(message)})

            for name in HEADER:
                if formulas and positions[name] in formulas:
                    error(name, FORMULA_MESSAGE)
            code = cell_text(values[positions["institution_code"]]).upper()
            institution = institutions.get(code)
            if not code:
                error("institution_code", _("Required."))
            elif institution is None:
                error("institution_code", _("Unknown institution: %(code)s") % {"code": code[:40]})
            year_text = cell_text(values[positions["year"]])
            year = int(year_text) if year_text.isdigit() else None
            if year is None or not 2000 <= year <= this_year:
                error("year", _("Not a year up to %(year)s: %(value)s") % {"year": this_year, "value": year_text[:10]})
            raw_amount = values[positions["amount"]]
            amount = None
            if raw_amount is None or cell_text(raw_amount) == "":
                error("amount", _("Required."))
            else:
                try:
                    amount = cell_amount(raw_amount)
                except (ValueError, InvalidOperation, ArithmeticError):
                    error("amount", _("Not a number: %(value)s") % {"value": cell_text(raw_amount)[:40]})
                else:
                    if amount <= 0:
                        error("amount", _("The amount must be positive."))
                    elif amount > MAX_AMOUNT:
                        error("amount", _("The amount is too large."))
                    elif amount.as_tuple().exponent < -2:
                        error("amount", _("At most two decimal places."))
            if institution is not None and year is not None:
                key = (institution[0], year)
                if key in seen:
                    error("institution_code", _("The same institution and year as row %(row)s.") % {"row": seen[key]})
                seen.setdefault(key, number)
            if row_errors:
                errors += row_errors
            else:
                valid.append((institution[0], institution[1], year, amount.quantize(Decimal("0.01")), number))
    except FileProblem as problem:
        errors.append(problem.error)
    if not valid and not errors:
        errors.append({"row": 2, "field": "file", "message": _("The file has no rows.")})
    return valid, errors


def settlement_import(*, by: User, fileobj, file_name: str = "", encoding: str = "auto") -> ImportResult:
    """Check every row; write all of them, or none when any is bad. Ratings of the years are recomputed."""
    from credit.services import rating_recompute

    valid, errors = check(by=by, fileobj=fileobj, encoding=encoding)
    result = ImportResult(errors=errors)
    if errors:
        return result
    with transaction.atomic():
        existing = {
            (row.institution_id, row.year): row
            for row in SettlementAmount.objects.select_for_update().filter(
                institution_id__in={v[0] for v in valid}, year__in={v[2] for v in valid}
            )
        }
        for institution_id, jurisdiction_id, year, amount, _number in valid:
            row = existing.get((institution_id, year))
            before = audit.snapshot(row, ["amount"]) if row else None
            if row is None:
                row = SettlementAmount(institution_id=institution_id, year=year)
                result.created += 1
            elif row.amount == amount:
                continue
            else:
                result.updated += 1
            row.jurisdiction_id, row.amount, row.imported_by, row.imported_at = (
                jurisdiction_id,
                amount,
                by,
                timezone.now(),
            )
            row.save()
            audit.record(
                actor=by,
                verb="settlement_import",
                obj=row,
                before=before,
                after=audit.snapshot(row, ["amount"]),
                reason=file_name[:200],
            )
            result.pairs.append((institution_id, year))
        for institution_id, year in result.pairs:
            rating_recompute(institution_id=institution_id, year=year, by=by)
    return result
