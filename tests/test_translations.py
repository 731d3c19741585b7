"""The zh-hans catalogue is complete and its committed .mo matches the .po (refresh both with `make messages`)."""

from pathlib import Path

import polib
import pytest

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO_PATH))


def _live(catalogue):
    return [e for e in catalogue if not e.obsolete and e.msgid]


def _key(entry):
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _value(entry):
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return entry.msgstr


def test_plural_forms_header(po):
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


def test_every_entry_is_translated(po):
    untranslated = [e.msgid for e in _live(po) if not e.translated() and "fuzzy" not in e.flags]
    assert not untranslated, f"untranslated: {untranslated}"


def test_no_fuzzy_entries(po):
    fuzzy = [e.msgid for e in _live(po) if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"


def test_no_empty_plural_forms(po):
    empty = [e.msgid for e in _live(po) if e.msgid_plural and not all(e.msgstr_plural.values())]
    assert not empty, f"empty plural forms: {empty}"


def test_mo_is_in_sync_with_po(po):
    assert MO_PATH.exists(), "django.mo is missing: run `make messages`"
    mo = polib.mofile(str(MO_PATH))
    po_map = {_key(e): _value(e) for e in _live(po)}
    mo_map = {_key(e): _value(e) for e in _live(mo)}
    missing = sorted(k[1] for k in po_map.keys() - mo_map.keys())
    extra = sorted(k[1] for k in mo_map.keys() - po_map.keys())
    differ = sorted(k[1] for k in po_map.keys() & mo_map.keys() if po_map[k] != mo_map[k])
    assert not (missing or extra or differ), (
        f"django.mo is stale (run `make messages`): missing={missing} extra={extra} differ={differ}"
    )
