"""An Excel workbook laid out as a report: title, unit, period, units of money, the table and its totals row.

Used for the statistics table and the drill-down lists that carry money (issue 17). Imports no app.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula
    return value


def report_workbook(
    *,
    title: str,
    meta: Sequence[tuple[str, str]],
    headers: Sequence[str],
    rows: Iterable[Sequence],
    totals: Sequence | None = None,
    note: str = "",
) -> Workbook:
    """``meta``: (label, value) lines under the title (unit, period, unit of money, exported at)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    width = max(len(headers), 1)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for label, value in meta:
        sheet.append([f"{label}：{value}"])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    sheet.append([])
    sheet.append([str(h) for h in headers])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    body = list(rows)
    if totals is not None:
        body.append(totals)
    for values in body:
        sheet.append([_plain(v) for v in values])
        for cell in sheet[sheet.max_row]:
            cell.border = BOX
            if isinstance(cell.value, Decimal | float):
                cell.number_format = MONEY_FORMAT
            elif isinstance(cell.value, date | datetime):
                cell.number_format = "yyyy-mm-dd"
    if totals is not None:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    if note:
        sheet.append([])
        sheet.append([note])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(header)) * 2 + 4))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    return workbook


def report_response(filename: str, workbook: Workbook) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response
