"""Helpers for the document tests: read an issued PDF's text and fonts, find a document's fields in its HTML."""

import re
from html.parser import HTMLParser
from io import BytesIO

from pypdf import PdfReader

from portal.pdf import FONT_FAMILY


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All the PDF's text with whitespace removed (extraction may break lines anywhere)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in pdf_reader(data).pages))


def _fonts(resources, seen) -> set[str]:
    names = set()
    if resources is None:
        return names
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        names.add(str(font.get("/BaseFont")))
        for descendant in font.get("/DescendantFonts") or []:
            names.add(str(descendant.get_object().get("/BaseFont")))
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if id(xobject) in seen:
            continue
        seen.add(id(xobject))
        names |= _fonts(xobject.get("/Resources"), seen)
    return names


def pdf_font_names(data: bytes) -> set[str]:
    """The base font names of every font the PDF's pages (and their form XObjects) use."""
    names, seen = set(), set()
    for page in pdf_reader(data).pages:
        names |= _fonts(page.get("/Resources"), seen)
    return names


def normalised(name: str) -> str:
    """ "/ABCDEF+Noto-Serif-CJK-SC-Bold" → "notoserifcjkscbold" (subset tag and separators dropped)."""
    return re.sub(r"[^a-z0-9]", "", name.split("+", 1)[-1].lower())


FONT_KEY = normalised(FONT_FAMILY)  # "notoserifcjksc"


class _Fields(HTMLParser):
    """Text of each element marked data-field="…" (nested markers each get their own text too)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._open: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "col", "meta", "input"):
            return
        self._open.append((dict(attrs).get("data-field"), tag))

    def handle_endtag(self, tag):
        while self._open:
            _field, opened = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        for field, _tag in self._open:
            if field:
                self.fields[field] = self.fields.get(field, "") + data


def html_fields(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return {key: re.sub(r"\s+", "", value) for key, value in parser.fields.items()}
