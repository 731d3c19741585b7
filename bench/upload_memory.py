"""Peak memory (RSS high-water mark) and time of the lead import on hostile uploads (issue 13).

Each case runs in a fresh process (``manage.py shell``) so its ``ru_maxrss`` is its own. Needs a database
with the demo data (DATABASE_URL) and writes only rejected import batches.

    DATABASE_URL=postgres://... .venv/bin/python bench/upload_memory.py [case ...]
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "institution_code,rule_code,description,amount,occurred_on,external_id\n"


def csv_long_field(path):  # a 20 MB field: the 500 of finding 2
    path.write_bytes(HEADER.encode() + b'NOPE,R1,"' + b"x" * (20 * 1024 * 1024) + b'",1,2026-01-01,E1\n')


def csv_many_bad_rows(path):  # 48 MB of rows that all fail (unknown institution): the full report
    row = "NOPE{n:07d},R001,疑似串换药品，描述文字描述文字描述文字,10.50,2026-01-01,EXT-{n:08d}\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        n = 0
        while out.tell() < 48 * 1024 * 1024:
            out.write(row.format(n=n))
            n += 1


def xlsx_shared_strings_bomb(path):  # ~300 KB whose shared strings expand to 300 MB (finding 3)
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADER.strip().split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        with target.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>"
            for _ in range(300 * 1024):
                part.write(chunk)
            part.write(b"</sst>")


def xlsx_many_rows(path):  # 1.2M rows (finding 3): refused at the row limit while streaming
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        from openpyxl import Workbook

        workbook = Workbook()
        buffer = io.BytesIO()
        workbook.save(buffer)
        source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
        with target.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            names = HEADER.strip().split(",")
            cells = "".join(f'<c t="inlineStr"><is><t>{n}</t></is></c>' for n in names)
            part.write(f'<row r="1">{cells}</row>'.encode())
            for r in range(2, 1_200_002):
                part.write(
                    f'<row r="{r}"><c t="inlineStr"><is><t>H1</t></is></c><c t="inlineStr"><is><t>R1</t></is>'
                    f'</c><c t="inlineStr"><is><t>d</t></is></c><c><v>1</v></c><c t="inlineStr"><is><t>2026-01-01'
                    f'</t></is></c><c t="inlineStr"><is><t>E{r}</t></is></c></row>'.encode()
                )
            part.write(b"</sheetData></worksheet>")


CASES = {
    "csv_long_field": (csv_long_field, "a.csv"),
    "csv_many_bad_rows": (csv_many_bad_rows, "b.csv"),
    "xlsx_shared_strings_bomb": (xlsx_shared_strings_bomb, "c.xlsx"),
    "xlsx_many_rows": (xlsx_many_rows, "d.xlsx"),
}

MEASURE = """
import json, resource, sys, time
from supervision.leads.imports import lead_import
from supervision.org.models import User
path, name = sys.argv[-2:]
start = time.monotonic()
with open(path, "rb") as handle:
    batch = lead_import(by=User.objects.get(username="analyst"), fileobj=handle, file_name=name)
print(json.dumps({"status": batch.status, "errors": len(batch.errors or []), "first": (batch.errors or [{}])[0],
                  "seconds": round(time.monotonic() - start, 1),
                  "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def main(names):
    for name in names or CASES:
        make, file_name = CASES[name]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / file_name
            make(path)
            size = path.stat().st_size
            result = subprocess.run(  # noqa: S603 - our own interpreter and script
                [sys.executable, "-c", "import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
                 " 'config.settings'); django.setup(); exec(sys.stdin.read())", str(path), file_name],
                input=MEASURE, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "DEBUG": "1"},
            )  # fmt: skip
            out = result.stdout.strip().splitlines()
            report = json.loads(out[-1]) if out else {"error": result.stderr[-500:]}
            report["first"] = str(report.get("first", ""))[:120]
            print(json.dumps({"case": name, "file_mb": round(size / 1048576, 2), **report}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
