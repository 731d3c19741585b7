"""Benchmark (not a test): the case file (卷宗, issue 15) of a case with 30 items and 60 pages.

Twenty issued documents of two pages (a real WeasyPrint rendering of a CJK document, each copy with its own bytes)
and ten evidence PDFs of two pages. Median over ``BENCH_RUNS`` runs of:
- the catalogue (what ``GET cases/{id}/file/`` computes: items, page counts, completeness, manifest SHA-256);
- the bound PDF (cover, 卷内目录, the 60 item pages, 备考表);
- the ZIP with ``manifest.json``;
- verification (re-hash every stored item and the manifest);
and the total of building and hashing the file (catalogue + PDF + ZIP). Target ≤ 2 s.

Runs on its own SQLite database and media directory under a temporary folder (``BENCH_DATABASE_URL`` to use
another database). Run with ``make bench`` (or ``.venv/bin/python bench/casefile_bench.py``).
"""

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="casefile-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORK / "media")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "11"))
HEADING = "## Case file (bench/casefile_bench.py)"
DOCUMENTS, EVIDENCE, PAGES_EACH = 20, 10, 2


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def two_page_pdf() -> bytes:
    from portal import pdf

    paragraph = "经查，当事人在医疗保障基金使用过程中存在违规结算行为，涉及医保基金若干元，事实清楚，证据确凿。" * 6
    html = (
        '<html lang="zh-Hans"><head><meta charset="utf-8"><style>@page { size: A4; margin: 25mm } '
        f'body {{ font-family: "{pdf.FONT_FAMILY}"; font-size: 12pt; line-height: 1.7 }}</style></head><body>'
        + "".join(f"<p>{paragraph}</p>" for _ in range(20))
        + "</body></html>"
    )
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf.html_to_pdf(html))).pages[:PAGES_EACH]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def variant(data: bytes, label: str) -> bytes:
    """The same pages with their own bytes (a title in the metadata)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Title": label})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_case():
    from django.core.files.base import ContentFile

    from enforcement.documents.models import DocumentKind
    from tests.enforcement.casefile_helpers import add_evidence
    from tests.factories import CaseFactory, DocumentFactory, InstitutionFactory, OrgUnitFactory, UserFactory

    base = two_page_pdf()
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(base)).pages) == PAGES_EACH, "the sample document should take two pages"
    officer = UserFactory(username="bench_officer")
    from supervision.org.models import OrgUnit

    city = OrgUnit.objects.filter(parent__isnull=True).first() or OrgUnitFactory(code="CITY", kind="city")
    branch = OrgUnitFactory(code="BENCH", name="东湖分局", parent=city)
    case = CaseFactory(institution=InstitutionFactory(jurisdiction=branch))
    kinds = [k for k in DocumentKind.values if k != "agreement_notice"]
    import hashlib

    for i in range(DOCUMENTS):
        data = variant(base, f"document {i}")
        kind = kinds[i % len(kinds)]
        DocumentFactory(case=case, kind=kind, file=ContentFile(data, name=f"{kind}.pdf"), issued_by=officer,
                        sha256=hashlib.sha256(data).hexdigest(), size=len(data))  # fmt: skip
    for i in range(EVIDENCE):
        add_evidence(case, officer, data=variant(base, f"evidence {i}"), title=f"证据{i + 1}")
    return case


def timed(function, runs: int) -> tuple[float, object]:
    function()  # warm-up: fonts, fontconfig, templates
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    from enforcement.casefile import selectors, services
    from enforcement.cases.models import Case
    from portal import pdf

    problem = pdf.font_problem()
    if problem:
        sys.exit(f"cannot benchmark: {problem}")
    call_command("migrate", verbosity=0)
    case_id = build_case().pk

    def catalogue():
        case = Case.objects.get(pk=case_id)
        items = selectors.file_items(case)
        pages = sum(item.pages for item in items)
        selectors.missing_items(case, items)
        return len(items), pages, selectors.manifest_sha256(case, items)

    def bound():
        case = Case.objects.get(pk=case_id)
        return services.file_pdf(case)

    def archive_zip():
        return services.file_zip(Case.objects.get(pk=case_id))

    def whole():
        case = Case.objects.get(pk=case_id)
        items = selectors.file_items(case)
        selectors.missing_items(case, items)
        selectors.manifest_sha256(case, items)
        services.file_pdf(case, items)
        services.file_zip(case, items)

    Case.objects.filter(pk=case_id).update(manifest_sha256=catalogue()[2])

    catalogue_ms, (count, pages, _digest) = timed(catalogue, RUNS)
    pdf_ms, (data, bound_pages) = timed(bound, RUNS)
    zip_ms, zipped = timed(archive_zip, RUNS)
    verify_ms, result = timed(lambda: services.verify_file(Case.objects.get(pk=case_id)), RUNS)
    total_ms, _ = timed(whole, RUNS)
    assert result.ok, result.problems
    assert (count, pages) == (DOCUMENTS + EVIDENCE, (DOCUMENTS + EVIDENCE) * PAGES_EACH)

    verdict = "meets" if total_ms <= 2 else "misses"
    lines = [
        f"Case of {count} items, {pages} pages (20 documents and 10 evidence PDFs of 2 pages, CJK text); "
        f"median of {RUNS} runs on SQLite ({time.strftime('%Y-%m-%d')}, 1-minute load average "
        f"{os.getloadavg()[0]:.1f} at the end):",
        "",
        "| step | median |",
        "|---|---|",
        f"| catalogue (items, page counts, completeness, manifest SHA-256) | {ms(catalogue_ms)} |",
        f"| bound PDF ({bound_pages} pages, {len(data) / 1e6:.1f} MB) | {ms(pdf_ms)} |",
        f"| ZIP with manifest.json ({len(zipped) / 1e6:.1f} MB) | {ms(zip_ms)} |",
        f"| verification (re-hash every item and the manifest) | {ms(verify_ms)} |",
        f"| **building and hashing the whole file** (catalogue + PDF + ZIP) | **{ms(total_ms)}** |",
        "",
        f"Target ≤ 2 s: {verdict}.",
    ]
    body = "\n".join(lines)
    print(body)
    from bench._report import write_section

    write_section(HEADING, body)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
