"""The case file (卷宗, 一案一卷): what it holds, in which order, whether it is complete, and its manifest.

The file is read from the case: its documents in force (not superseded) and its evidence in force, ordered as
a paper file is bound (``FILE_ORDER``). Every item is named by a stable file name; ``manifest.json`` maps those
names to the recorded SHA-256 of each item's bytes, and the SHA-256 of that JSON (``manifest_sha256``) is what
archiving records and what ``verify_case_file`` checks. Everything here only reads.

Public functions the rest of the portal calls:
- ``file_items(case)``: the items in file order (``FileItem``);
- ``missing_items(case)``: what the case's procedure path still lacks, in plain Chinese (缺少听证笔录, ...);
- ``manifest_bytes(items)`` / ``manifest_sha256(case)``: the manifest and its digest.
"""

import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.cases import gates
from enforcement.cases.models import Case, CaseState
from enforcement.documents.content import EVIDENCE_KINDS, TEMPLATES, TITLES
from enforcement.documents.models import Document, DocumentKind
from enforcement.evidence.models import Evidence

K = DocumentKind
EVIDENCE = "evidence"  # the place of the evidence in FILE_ORDER

# The order of a bound file (卷内文件排列顺序): filing, the investigation's records and evidence, the report,
# legal review, collective discussion, the decision's approval, the prior notice, the hearing, the decision, its
# service, execution, transfer and closing. Every DocumentKind of a case has its place.
FILE_ORDER: tuple[str, ...] = (
    K.FILING_FORM, K.NOT_FILING_FORM,
    K.INQUIRY_NOTICE, K.INQUIRY_RECORD, K.SITE_INSPECTION_RECORD, K.EVIDENCE_REQUEST, K.ASSISTANCE_LETTER,
    K.PRESERVATION_NOTICE, K.PRESERVATION_DECISION, K.SEALING_DECISION, K.UNSEALING_DECISION,
    EVIDENCE,
    K.ORDER_TO_CORRECT,
    K.INVESTIGATION_REPORT,
    K.LEGAL_REVIEW_OPINION,
    K.COLLECTIVE_DISCUSSION_RECORD,
    K.DECISION_APPROVAL_FORM,
    K.PRIOR_NOTICE,
    K.HEARING_NOTICE, K.HEARING_RECORD, K.HEARING_REPORT,
    K.PENALTY_DECISION, K.NO_PENALTY_DECISION,
    K.SERVICE_RECEIPT,
    K.PAYMENT_DEMAND, K.PAYMENT_PLAN_DECISION, K.AGREEMENT_NOTICE,
    K.CRIMINAL_TRANSFER,
    K.CLOSING_FORM,
)  # fmt: skip
RANK = {kind: index for index, kind in enumerate(FILE_ORDER)}

# The names the file's catalogue gives each document (the printed title where a template gives one).
NAMES = {
    K.FILING_FORM: "立案审批表",
    K.NOT_FILING_FORM: "不予立案审批表",
    K.INQUIRY_NOTICE: "询问通知书",
    K.INQUIRY_RECORD: "询问笔录",
    K.SITE_INSPECTION_RECORD: "现场检查笔录",
    K.EVIDENCE_REQUEST: "调取证据通知书",
    K.ASSISTANCE_LETTER: "协助调查函",
    K.PRESERVATION_NOTICE: "先行登记保存证据通知书",
    K.PRESERVATION_DECISION: "先行登记保存证据处理决定书",
    K.SEALING_DECISION: "封存决定书",
    K.UNSEALING_DECISION: "解除封存决定书",
    K.ORDER_TO_CORRECT: "责令改正通知书",
    K.INVESTIGATION_REPORT: "调查终结报告",
    K.LEGAL_REVIEW_OPINION: "法制审核意见书",
    K.COLLECTIVE_DISCUSSION_RECORD: "集体讨论记录",
    K.DECISION_APPROVAL_FORM: "行政处罚决定审批表",
    K.PRIOR_NOTICE: "行政处罚事先告知书",
    K.HEARING_NOTICE: "听证通知书",
    K.HEARING_RECORD: "听证笔录",
    K.HEARING_REPORT: "听证报告",
    K.PENALTY_DECISION: "行政处罚决定书",
    K.NO_PENALTY_DECISION: "不予行政处罚决定书",
    K.SERVICE_RECEIPT: "送达回证",
    K.PAYMENT_DEMAND: "催告书",
    K.PAYMENT_PLAN_DECISION: "延期（分期）缴纳罚款决定书",
    K.AGREEMENT_NOTICE: "协议处理通知书",
    K.CRIMINAL_TRANSFER: "涉嫌犯罪案件移送书",
    K.CLOSING_FORM: "结案审批表",
}


def document_name(kind: str) -> str:
    return TITLES.get(kind) or NAMES.get(kind) or str(kind)


# --- Items -----------------------------------------------------------------------------------------------------


@dataclass
class FileItem:
    """One item of the file: an issued document in force or a piece of evidence."""

    seq: int
    kind: str  # the catalogue's name of the kind (立案审批表, 书证, ...)
    title: str
    number: str
    date: date | None
    sha256: str
    url: str
    name: str  # the stable file name in file.zip, e.g. "01-立案审批表-东医保立〔2026〕3号.pdf"
    source: Document | Evidence
    _pages: int | None = None

    @property
    def is_document(self) -> bool:
        return isinstance(self.source, Document)

    @property
    def has_file(self) -> bool:
        return bool(self.source.file)

    @property
    def is_pdf(self) -> bool:
        return self.is_document or self.suffix == ".pdf"

    @property
    def is_image(self) -> bool:
        return self.suffix in (".png", ".jpg", ".jpeg", ".gif", ".webp")

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.source.file.name or "").suffix.lower() if self.has_file else ""

    def read(self) -> bytes:
        """The stored bytes, exactly as kept."""
        with self.source.file.open("rb") as handle:
            return handle.read()

    @property
    def pages(self) -> int:
        """Pages the item takes in the bound file: a PDF's page count, one page for anything else (and for a
        PDF that cannot be read, which the bound file shows as a page naming it)."""
        if self._pages is None:
            self.reader = pdf_reader(self.read()) if self.has_file and self.is_pdf else None
            count = len(self.reader.pages) if self.reader is not None else 0
            self.bound_as_pdf = count > 0
            self._pages = count or 1
        return self._pages

    bound_as_pdf: bool = False  # set by ``pages``: its own pages go into the bound file
    reader: object = None  # set by ``pages``: the parsed PDF (pypdf), reused when binding the file


def pdf_reader(data: bytes):
    """The parsed PDF with its pages read, or None when it cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        len(reader.pages)
        return reader
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return None


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def _safe(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("_.")[:80] or "_"


def _documents(case: Case) -> list[Document]:
    return list(
        Document.objects.filter(case=case, superseded_at__isnull=True)
        .select_related("issued_by")
        .defer("html")
        .order_by("issued_at", "pk")
    )


def _evidence(case: Case) -> list[Evidence]:
    return list(
        Evidence.objects.filter(case=case, superseded_by__isnull=True)
        .select_related("collected_by")
        .order_by("collected_on", "created_at", "pk")
    )


def file_items(case: Case) -> list[FileItem]:
    """The file's items in file order, numbered from 1; documents of one kind (and evidence) in date order."""
    entries = [(RANK.get(d.kind, len(FILE_ORDER)), d.issued_at, d.pk, d) for d in _documents(case)]
    entries += [(RANK[EVIDENCE], e.created_at, e.pk, e) for e in _evidence(case)]
    entries.sort(key=lambda entry: (entry[0], entry[1], entry[2]))
    items = []
    for seq, (_rank, _day, _pk, source) in enumerate(entries, start=1):
        if isinstance(source, Document):
            kind = document_name(source.kind)
            title, number, day = kind, source.number, timezone.localdate(source.issued_at)
            label, suffix = source.number, ".pdf"
            url = reverse("enforcement:case-document-download", args=[case.pk, source.pk])
            digest = source.sha256
        else:
            kind = EVIDENCE_KINDS.get(source.kind, source.kind)
            title, number, day = source.title, "", source.collected_on
            label = source.title
            suffix = PurePosixPath(source.file.name or "").suffix.lower() if source.file else ""
            url = reverse("enforcement:case-evidence-download", args=[case.pk, source.pk])  # the evidence feature's
            digest = source.sha256
        name = f"{seq:02d}-{_safe(kind)}-{_safe(label)}{suffix}"
        items.append(
            FileItem(seq=seq, kind=kind, title=title, number=number, date=day, sha256=digest, url=url, name=name,
                     source=source)
        )  # fmt: skip
    return items


# --- The manifest -------------------------------------------------------------------------------------------------


def manifest_bytes(items: list[FileItem]) -> bytes:
    """``manifest.json``: ``{"files": {name: sha256}}`` for every item with stored bytes, keys sorted (the names
    begin with the sequence number, so sorted is file order), UTF-8, two-space indent, one final newline: the
    same file always gives the same bytes."""
    files = {item.name: item.sha256 for item in items if item.has_file}
    return (json.dumps({"files": files}, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_sha256(case: Case, items: list[FileItem] | None = None) -> str:
    """The SHA-256 of the case file's ``manifest.json`` as the records stand now."""
    return digest(manifest_bytes(file_items(case) if items is None else items))


# --- Completeness ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """When ``condition`` holds for the case, its file must hold ``needs`` (a document kind, or evidence)."""

    condition: str
    needs: str


# One table: the procedure path's conditions and what each requires in the file (law-reference §1.2).
RULES: tuple[Rule, ...] = (
    Rule("filed", K.FILING_FORM),
    Rule("filed", EVIDENCE),
    Rule("penalty", K.INVESTIGATION_REPORT),
    Rule("penalty", K.PRIOR_NOTICE),
    Rule("penalty", K.PENALTY_DECISION),
    Rule("penalty", K.SERVICE_RECEIPT),
    Rule("hearing_held", K.HEARING_NOTICE),
    Rule("hearing_held", K.HEARING_RECORD),
    Rule("hearing_held", K.HEARING_REPORT),
    Rule("legal_review", K.LEGAL_REVIEW_OPINION),
    Rule("collective_discussion", K.COLLECTIVE_DISCUSSION_RECORD),
    Rule("decided", K.DECISION_APPROVAL_FORM),
    Rule("no_penalty", K.NO_PENALTY_DECISION),
    Rule("closed", K.CLOSING_FORM),
    Rule("police_transfer", K.CRIMINAL_TRANSFER),
)
POLICE_TRANSFERRED = ("approved", "handed_over", "accepted", "returned")


def conditions(case: Case, *, closing: bool = False) -> set[str]:
    """Which conditions of ``RULES`` hold for the case's path."""
    held = set()
    if case.filed_on:
        held.add("filed")
    if case.outcome == Case.Outcome.PENALTY:
        held.add("penalty")
    if case.outcome == Case.Outcome.NO_PENALTY:
        held.add("no_penalty")
    if case.hearing_held_on:
        held.add("hearing_held")
    if case.events.filter(action="pass_legal_review").exists() or (
        case.decided_on and gates.evaluate(case)["legal_review"].applies
    ):
        held.add("legal_review")
    if case.discussions.filter(purpose="decision").exists():
        held.add("collective_discussion")
    if case.decided_on:
        held.add("decided")
    # The closing approval form (结案审批表) is approved before the case is closed: asked when closing too.
    if closing or case.state in (CaseState.CLOSED, CaseState.ARCHIVED):
        held.add("closed")
    if case.police_transfers.filter(state__in=POLICE_TRANSFERRED).exists():
        held.add("police_transfer")
    return held


def producible_kinds() -> frozenset[str]:
    """The document kinds this installation can issue (each has its template): a rule never asks for a document
    the portal cannot produce, so a kind's rule takes effect when its template is added."""
    return frozenset(TEMPLATES)


def missing_kinds(case: Case, items: list[FileItem] | None = None, *, closing: bool = False) -> list[str]:
    """The document kinds (and ``EVIDENCE``) the file lacks for the case's procedure path, in rule order."""
    items = file_items(case) if items is None else items
    present = {item.source.kind for item in items if item.is_document}
    has_evidence = any(not item.is_document for item in items)
    producible = producible_kinds()
    held = conditions(case, closing=closing)
    missing = []
    for rule in RULES:
        if rule.condition not in held or rule.needs in missing:
            continue
        if rule.needs == EVIDENCE:
            if not has_evidence:
                missing.append(rule.needs)
        elif rule.needs in producible and rule.needs not in present:
            missing.append(rule.needs)
    return missing


def missing_items(case: Case, items: list[FileItem] | None = None, *, closing: bool = False) -> list[str]:
    """What the file lacks for the case's procedure path, in plain words (缺少听证笔录, 缺少证据材料); empty when
    complete. Asked before ``close`` and ``archive``, and shown on the file's page."""
    return [
        _("Missing: %(item)s") % {"item": _("evidence material") if need == EVIDENCE else document_name(need)}
        for need in missing_kinds(case, items, closing=closing)
    ]
