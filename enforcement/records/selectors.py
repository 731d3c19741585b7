"""Reads of investigation records shared by the case page, the record pages and printing: what each record's
document says (official Chinese text, whatever the reader's UI language) and the case page's section."""

from django.urls import reverse
from django.utils import timezone

from enforcement.documents.content import conduct, party
from enforcement.records.models import InvestigationRecord, Relation
from enforcement.records.transitions import TRANSITIONS, WRITING_STATES, case_allows
from portal.numerals import cn_date

RELATIONS = {
    Relation.PARTY: "当事人本人",
    Relation.LEGAL_REPRESENTATIVE: "当事人的法定代表人",
    Relation.REPRESENTATIVE: "当事人的委托代理人",
    Relation.EMPLOYEE: "当事人的工作人员",
    Relation.WITNESS: "证人",
    Relation.OTHER: "其他",
}
# The statement read to the person before the first question (APL Art 42, 43, 55; Regulation Art 29).
OPENING = (
    "我们是{authority}的执法人员{names}，执法证件号码分别为{certificates}，这是我们的执法证件（出示证件）。"
    "现依法就{subject}向你进行询问调查。你有如实回答询问、协助调查的义务，不得拒绝、阻碍调查或者隐瞒、提供虚假情况。"
    "你有陈述、申辩的权利；如认为执法人员与本案有直接利害关系或者其他关系可能影响公正执法的，有申请执法人员回避的权利。"
)
CONFIRMATION = "以上笔录我已看过，与我说的相符。"


def _when(moment) -> str:
    if moment is None:
        return "　　　　年　　月　　日　　时　　分"
    local = timezone.localtime(moment)
    return f"{cn_date(local.date())}{local.hour}时{local.minute:02d}分"


def _until(start, end) -> str:
    """…至10时45分 on the same day, else the full date."""
    if end is None:
        return "　　时　　分"
    if start is not None and timezone.localtime(start).date() == timezone.localtime(end).date():
        local = timezone.localtime(end)
        return f"{local.hour}时{local.minute:02d}分"
    return _when(end)


def _officer(user) -> dict:
    if user is None:
        return {"name": "", "certificate": "", "phone": ""}
    return {"name": str(user), "certificate": user.certificate_number, "phone": user.phone}


def record_context(record: InvestigationRecord, base: dict) -> dict:
    """The template context of a record's document: ``base`` (title, number, authority, date) plus the record."""
    case = record.case
    officers = [_officer(u) for u in (record.officer1, record.officer2) if u is not None]
    context = dict(base)
    context.update(
        record=record,
        case=case,
        party=party(case),
        conduct=conduct(case),
        officers=officers,
        officer_names="、".join(o["name"] for o in officers),
        recorder=_officer(record.recorder),
        starts_text=_when(record.starts_at),
        ends_text=_until(record.starts_at, record.ends_at),
        relation=RELATIONS.get(record.person_relation, ""),
        due_text=cn_date(record.due_on) if record.due_on else "",
        contact=record.contact or "；".join(f"{o['name']} {o['phone']}".strip() for o in officers),
        answers=list(record.answers.all()),
        confirmation=CONFIRMATION,
    )
    if record.kind == InvestigationRecord.Kind.INQUIRY_RECORD:
        context["opening"] = OPENING.format(
            authority=base["authority"],
            names=context["officer_names"],
            certificates="、".join(o["certificate"] or "　　" for o in officers),
            subject=f"{context['party']['name']}涉嫌{conduct(case)}一案",
        )
    return context


# --- The case page's section ----------------------------------------------------------------------------------


def record_section(case, user) -> dict:
    """Context of the 调查笔录 section on the case page: the case's records and the kinds ``user`` may add now."""
    records = list(
        InvestigationRecord.objects.filter(case=case).select_related("document", "evidence").order_by("created_at")
    )
    # The case page prefetches its assignments: asking them costs no query.
    may_write = user.has_perm("enforcement.write_investigationrecord", case) and any(
        a.user_id == user.pk for a in case.assignments.all()
    )
    addable = [
        {"kind": kind, "label": kind.label, "url": reverse("enforcement:record-create", args=[case.pk, kind.value])}
        for kind in InvestigationRecord.Kind
        if may_write and case.state in WRITING_STATES[kind]
    ]
    return {"investigation_records": records, "record_kinds_addable": addable}


def record_actions(record: InvestigationRecord, user) -> list:
    """The steps ``user`` may take on the record now (its page's buttons): the record's state, the role, the
    assignment and the case's state all allow them."""
    return [t for t in TRANSITIONS.available(record, user) if case_allows(record, t.name)]
