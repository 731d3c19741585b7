"""Seeding the demo data in a test without laying out ~430 notices.

The demo issues every document its cases reach (issue 15), each laid out by WeasyPrint (~0.3 s). The modules
that seed the demo test the data (accounts, counts, figures), not the print: inside ``quick_print()`` each
document is still issued, numbered, stored and hashed, but its PDF is a one-page stand-in. Printing itself is
tested by the document tests (tests/enforcement/test_documents.py, test_case_file_documents.py …) and the real
demo is laid out in full by `make run` and CI's seed_demo step."""

from contextlib import contextmanager
from unittest import mock

from enforcement.evidence.demo import tiny_pdf


@contextmanager
def quick_print():
    with mock.patch("portal.pdf.html_to_pdf", lambda source: tiny_pdf("demo document")):
        yield
