"""Benchmark (not a test): printable documents.

- median ms to render a 2-page penalty decision of a demo case (HTML → PDF; target ≤ 250 ms), and to issue one
  end to end (number, render, store, hash, event, audit);
- the time to build one print batch of 1,000 prior notices through the task's code path.

Runs on its own SQLite database and media directory under a temporary folder (``BENCH_DATABASE_URL`` to use
another database), loads the demo data, prints the figures and writes them to bench/results.md.
Run with ``make bench`` (or ``.venv/bin/python bench/pdf_bench.py``).
"""

import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "21"))
BATCH = int(os.environ.get("BENCH_BATCH", "1000"))
HEADING = "## Printable documents (bench/pdf_bench.py)"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    from weasyprint import HTML

    from enforcement.cases.models import Case
    from enforcement.documents.content import TEMPLATES, build_context, format_number
    from enforcement.documents.models import Document, PrintBatch
    from enforcement.documents.services import document_issue, print_batch_build
    from portal import pdf
    from supervision.org.models import User

    problem = pdf.font_problem()
    if problem:
        sys.exit(f"cannot benchmark: {problem}")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)

    # --- One decision ------------------------------------------------------------------------------------------
    case = Case.objects.filter(state="executing", outcome="penalty").order_by("pk").first()
    unit = case.jurisdiction
    today = timezone.localdate()
    number = format_number(unit, "penalty_decision", today.year, 17)
    context = build_context("penalty_decision", case, unit=unit, number=number, issued_on=today)
    html = pdf.render_html(TEMPLATES["penalty_decision"], context)
    pages = len(HTML(string=html).render().pages)
    pdf.render_pdf(TEMPLATES["penalty_decision"], context)  # warm-up: fonts, fontconfig, template cache
    render_times, size = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        data = pdf.render_pdf(TEMPLATES["penalty_decision"], context)
        render_times.append(time.perf_counter() - started)
        size = len(data)
    render_median = statistics.median(render_times)

    chief = User.objects.get(username=f"{unit.code.lower()}_chief")
    issue_times = []
    for n in range(min(RUNS, 11)):
        started = time.perf_counter()
        document_issue(kind="penalty_decision", by=chief, case=case, reason=f"基准测试更正 {n}")
        issue_times.append(time.perf_counter() - started)
    issue_median = statistics.median(issue_times)

    # --- A batch of notices ---------------------------------------------------------------------------------
    notice_case = Case.objects.filter(state__in=["notifying", "notified"]).order_by("pk").first()
    notice_unit = notice_case.jurisdiction
    template = TEMPLATES["prior_notice"]
    base = build_context("prior_notice", notice_case, unit=notice_unit, number="", issued_on=today)
    rows = []
    for n in range(1, BATCH + 1):
        number = f"基准医保告〔{today.year}〕{n}号"
        rows.append(
            Document(
                case=notice_case,
                kind="prior_notice",
                issuing_unit=notice_unit,
                jurisdiction=notice_unit,
                number=number,
                year=today.year,
                sequence=n,
                file="bench/none.pdf",
                sha256="0" * 64,
                size=0,
                html=pdf.render_html(template, {**base, "number": number}),
                issued_by=chief,
            )
        )
    documents = Document.objects.bulk_create(rows, batch_size=200)
    notice_pages = len(HTML(string=rows[0].html).render().pages)
    batch = PrintBatch.objects.create(created_by=chief, total=len(documents))
    batch.documents.set(documents)
    started = time.perf_counter()
    batch = print_batch_build(batch=batch)
    batch_seconds = time.perf_counter() - started
    assert batch.state == PrintBatch.State.DONE, batch.error
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    lines = [
        HEADING,
        "",
        f"Measured {timezone.localtime():%Y-%m-%d %H:%M} on this machine ({os.cpu_count()} CPUs), WeasyPrint with "
        "HarfBuzz subsetting, Noto Serif CJK SC.",
        "",
        "| what | figure |",
        "|---|---|",
        f"| render one penalty decision ({pages} pages, template → PDF), median of {RUNS} | "
        f"**{ms(render_median)}** (min {ms(min(render_times))}, max {ms(max(render_times))}; target ≤ 250 ms) |",
        f"| size of that PDF | {size / 1024:.0f} KB |",
        f"| issue one decision end to end (number, render, store, SHA-256, event, audit), median of "
        f"{len(issue_times)} | {ms(issue_median)} |",
        f"| print batch of {BATCH} prior notices ({notice_pages} page(s) each) through the task's code | "
        f"**{batch_seconds:.1f} s** ({batch_seconds / BATCH * 1000:.0f} ms per notice) |",
        f"| that batch's PDF | {batch.pages} pages, {batch.size / 1024 / 1024:.1f} MB |",
        f"| peak memory of the benchmark process | {peak_mb:.0f} MB |",
    ]
    report = "\n".join(lines)
    print(report)
    write_results(report)


def write_results(report: str) -> None:
    """Replace this benchmark's section of bench/results.md (from its heading to the next one), keep the rest."""
    results = ROOT / "bench" / "results.md"
    text = results.read_text() if results.exists() else "# Benchmarks\n"
    text = text.replace("<!-- pdf_bench -->\n", "")
    pattern = re.compile(re.escape(HEADING) + r".*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _match: report + "\n\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + report + "\n"
    results.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)  # the benchmark's own database and media
