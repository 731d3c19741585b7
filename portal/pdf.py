"""PDFs from HTML templates with WeasyPrint (style rule 17: a PDF is an HTML template plus this helper).

Documents carry their print CSS inline and reference nothing outside themselves, so the fetcher refuses every
URL but ``data:``: a party's name or a finding can never make the server fetch anything. The CJK font comes
from the system (Debian's ``fonts-noto-cjk``); ``font_problem()`` says when it or HarfBuzz's subsetter is
missing; rendering refuses to start without them, and ``manage.py check --deploy`` reports it.
"""

import functools
import io
import threading
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation

FONT_FAMILY = "Noto Serif CJK SC"

_local = threading.local()


def _font_config():
    # One font configuration per thread: building it costs time, and WeasyPrint objects are not shared
    # between threads (runserver and the task worker may render in several).
    from weasyprint.text.fonts import FontConfiguration

    fonts = getattr(_local, "fonts", None)
    if fonts is None:
        fonts = _local.fonts = FontConfiguration()
    return fonts


def _html(source: str):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    _require_fonts()
    return HTML(string=source, url_fetcher=URLFetcher(allowed_protocols={"data"}))


@functools.cache
def _require_fonts() -> None:
    # Asked once per process (~0.7 s: fontconfig loads its font list). An official document printed in a
    # fallback font, or with missing glyphs, must never be issued.
    problem = font_problem()
    if problem:
        raise ImproperlyConfigured(problem)


def render_html(template: str, context: dict) -> str:
    """The document's HTML, always in the bureau's language whatever the reader's UI language."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, context)


def html_to_pdf(source: str) -> bytes:
    """One PDF from one document's HTML (fonts subset, never embedded whole)."""
    return _html(source).write_pdf(font_config=_font_config())


def render_pdf(template: str, context: dict) -> bytes:
    """``render_pdf("enforcement/pdf/penalty_decision.html", context)`` → the PDF's bytes."""
    return html_to_pdf(render_html(template, context))


def merge_html(
    sources: Iterable[str], progress: Callable[[int], None] | None = None, chunk: int = 200
) -> tuple[bytes, int]:
    """Lay out many documents and write them as one PDF; returns (bytes, page count).

    Each document keeps its own page numbering ("第 x 页 / 共 y 页" counts its own pages). Documents are written
    together ``chunk`` at a time, so a font is subset once per chunk rather than once per notice (1,000 notices
    make ~4 MB, where concatenating the stored PDFs would make ~300 MB), while the laid-out pages held in
    memory stay bounded (~0.4 MB a page); the chunks are then concatenated.
    """
    fonts = _font_config()
    parts: list[bytes] = []
    total_pages = 0
    first, pages, in_chunk = None, [], 0

    def flush():
        nonlocal first, pages, in_chunk, total_pages
        parts.append(first.copy(pages).write_pdf())
        total_pages += len(pages)
        first, pages, in_chunk = None, [], 0

    for count, source in enumerate(sources, start=1):
        document = _html(source).render(font_config=fonts)
        first = first or document
        pages.extend(document.pages)
        in_chunk += 1
        if progress is not None:
            progress(count)
        if in_chunk >= chunk:
            flush()
    if first is not None:
        flush()
    if not parts:
        raise ValueError("nothing to print")
    if len(parts) == 1:
        return parts[0], total_pages
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), total_pages


def font_problem() -> str | None:
    """Why documents cannot be printed as intended on this machine, or None when they can."""
    try:
        from weasyprint.text.ffi import ffi, fontconfig, harfbuzz_subset
    except (OSError, ImportError) as exc:  # Pango or HarfBuzz missing
        return f"WeasyPrint cannot load its libraries ({exc}); install libpango-1.0-0 libpangoft2-1.0-0."
    if harfbuzz_subset is None:
        return "libharfbuzz-subset0 is not installed: every notice would take ~10 s to print."
    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    families = []
    try:
        fontconfig.FcPatternAddString(pattern, b"family", FONT_FAMILY.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match != ffi.NULL:
            value = ffi.new("FcChar8 **")
            index = 0
            while fontconfig.FcPatternGetString(match, b"family", index, value) == fontconfig.FcResultMatch:
                families.append(ffi.string(value[0]).decode())
                index += 1
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)
    if FONT_FAMILY not in families:
        return f"The font “{FONT_FAMILY}” is not installed (found {families or 'nothing'}): install fonts-noto-cjk."
    return None


def check_fonts(app_configs=None, **kwargs):
    """System check (with --deploy): documents can be printed in the intended font, at the intended speed."""
    from django.core import checks

    problem = font_problem()
    if problem is None:
        return []
    return [checks.Warning(problem, hint="See README: printable documents.", id="enforcement.W001")]
