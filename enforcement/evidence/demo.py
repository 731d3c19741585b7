"""Demo evidence: two plausible items with small generated files (a one-page PDF and a PNG), for seed_demo.

``add_demo_evidence(case, by)`` writes them whatever the case's state (demo cases are written in any state),
through the portal's one file path (``portal.evidence.store``) and with an audit row each. Idempotent: a case
that already has evidence gets nothing more."""

import struct
import zlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from enforcement.evidence.models import Evidence
from enforcement.evidence.services import EVIDENCE_AUDITED
from portal import audit
from portal import evidence as evidence_files


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (ASCII) in Helvetica, without any PDF library."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def tiny_png(width: int = 32, height: int = 24) -> bytes:
    """A valid grey-gradient PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes((x * 255 // width) for x in range(width)) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@transaction.atomic
def add_demo_evidence(case, by) -> list[Evidence]:
    """Two evidence items on ``case`` collected by ``by``: the settlement detail (书证) and a site photo (视听资料)."""
    if Evidence.objects.filter(case=case).exists():
        return list(Evidence.objects.filter(case=case))
    day = (case.filed_on or timezone.localdate()) + timedelta(days=3)
    day = min(day, timezone.localdate())
    party = case.party_name or case.title
    specs = [
        (Evidence.Kind.DOCUMENTARY, f"{party}医保结算明细（调取件）", "医保信息系统结算数据调取",
         "涉案期间的医保结算记录与违规金额", "settlement-detail.pdf", tiny_pdf(f"Settlement detail {case.number}")),
        (Evidence.Kind.AUDIOVISUAL, "现场检查照片（住院病区）", "执法人员现场拍摄",
         "检查时病区床位与在院患者情况", "site-photo.png", tiny_png()),
    ]  # fmt: skip
    items = []
    for kind, title, source, proves, filename, content in specs:
        evidence = Evidence(case=case, kind=kind, title=title, source=source, proves=proves, collected_on=day,
                            collected_by=by, added_by=by)  # fmt: skip
        evidence_files.store(evidence, evidence_files.as_upload(content, filename))
        evidence.save()
        audit.record(actor=by, verb="add_evidence", obj=evidence, after=audit.snapshot(evidence, EVIDENCE_AUDITED))
        items.append(evidence)
    return items
