"""What each printable document says (domain §6, law-reference §1.4), read from the case or agreement action.

Documents are official Chinese texts whatever the reader's UI language, so their wording lives in the
templates (``templates/enforcement/pdf/``) and in the Chinese labels below, never in the UI catalogue.
Everything here only reads; numbering and storing happen in ``enforcement.services.documents``.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases import clocks, gates
from enforcement.cases.models import Case, CaseEvent, ProposedPenalty
from enforcement.cases.penalties import NO_PENALTY_GROUNDS, NO_PENALTY_TEXT
from enforcement.documents.models import Document, DocumentKind
from enforcement.evidence.models import Evidence, Preservation, Sealing
from portal.numerals import cn_date, cn_number, rmb_upper
from portal.workdays import add_working_days, roll_forward

K = DocumentKind

TITLES = {
    K.PRIOR_NOTICE: "行政处罚事先告知书",
    K.PENALTY_DECISION: "行政处罚决定书",
    K.NO_PENALTY_DECISION: "不予行政处罚决定书",
    K.SERVICE_RECEIPT: "送达回证",
    K.AGREEMENT_NOTICE: "协议处理通知书",
    K.FILING_FORM: "立案审批表",
    K.CRIMINAL_TRANSFER: "涉嫌犯罪案件移送书",
    # The case file's documents (issue 15, item 3).
    K.NOT_FILING_FORM: "不予立案审批表",
    K.ORDER_TO_CORRECT: "责令改正通知书",
    K.INVESTIGATION_REPORT: "案件调查终结报告",
    K.HEARING_NOTICE: "行政处罚听证通知书",
    K.HEARING_RECORD: "听证笔录",
    K.HEARING_REPORT: "听证报告",
    K.LEGAL_REVIEW_OPINION: "重大执法决定法制审核意见书",
    K.COLLECTIVE_DISCUSSION_RECORD: "重大案件集体讨论记录",
    K.DECISION_APPROVAL_FORM: "行政处罚决定审批表",
    K.PAYMENT_DEMAND: "催告书",
    K.PAYMENT_PLAN_DECISION: "延期（分期）缴纳罚款决定书",
    K.CLOSING_FORM: "结案审批表",
}
# The word of the number series: 罚 for decisions (both kinds share one series, so a number is never printed
# twice), 告 prior notices, 送 service receipts, 协 agreement notices, 立 filing forms.
KIND_WORDS = {
    K.PRIOR_NOTICE: "告",
    K.PENALTY_DECISION: "罚",
    K.NO_PENALTY_DECISION: "罚",
    K.SERVICE_RECEIPT: "送",
    K.AGREEMENT_NOTICE: "协",
    K.FILING_FORM: "立",
    K.CRIMINAL_TRANSFER: "移",
    # The case file's documents (issue 15, item 3): only those served on the party are numbered (改 orders to
    # correct, 听 hearing notices, 催 payment demands, 缓 payment plans). Approval forms, reports and records are
    # internal and carry no 字号; the file knows them by the case (``record_reference``).
    K.ORDER_TO_CORRECT: "改",
    K.HEARING_NOTICE: "听",
    K.PAYMENT_DEMAND: "催",
    K.PAYMENT_PLAN_DECISION: "缓",
}
# The kinds that can be issued: each has its template. A kind of DocumentKind without one is not offered.
ISSUED_KINDS = (
    K.PRIOR_NOTICE, K.PENALTY_DECISION, K.NO_PENALTY_DECISION, K.SERVICE_RECEIPT, K.AGREEMENT_NOTICE,
    K.FILING_FORM, K.CRIMINAL_TRANSFER,
    # The case file's documents (issue 15, item 3).
    K.NOT_FILING_FORM, K.ORDER_TO_CORRECT, K.INVESTIGATION_REPORT, K.HEARING_NOTICE, K.HEARING_RECORD,
    K.HEARING_REPORT, K.LEGAL_REVIEW_OPINION, K.COLLECTIVE_DISCUSSION_RECORD, K.DECISION_APPROVAL_FORM,
    K.PAYMENT_DEMAND, K.PAYMENT_PLAN_DECISION, K.CLOSING_FORM,
)  # fmt: skip
# Investigation records (issue 15 item 2): each record prints as its own numbered document, filled from the
# record (enforcement.records.selectors.record_context), and is issued only from it.
RECORD_KINDS = frozenset(
    {K.INQUIRY_NOTICE, K.INQUIRY_RECORD, K.SITE_INSPECTION_RECORD, K.EVIDENCE_REQUEST, K.ASSISTANCE_LETTER}
)
TITLES |= {
    K.INQUIRY_NOTICE: "询问通知书", K.INQUIRY_RECORD: "询问笔录", K.SITE_INSPECTION_RECORD: "现场检查笔录",
    K.EVIDENCE_REQUEST: "调取证据通知书", K.ASSISTANCE_LETTER: "协助调查函",
}  # fmt: skip
KIND_WORDS |= {
    K.INQUIRY_NOTICE: "询", K.INQUIRY_RECORD: "询笔", K.SITE_INSPECTION_RECORD: "检笔", K.EVIDENCE_REQUEST: "调",
    K.ASSISTANCE_LETTER: "协查",
}  # fmt: skip
ISSUED_KINDS += tuple(sorted(RECORD_KINDS))
# Evidence records (issue 15): advance registration and preservation (先行登记保存) and sealing (封存); each is
# issued from the latest record of its kind on the case (``evidence_record``).
EVIDENCE_RECORD_TITLES = {
    K.PRESERVATION_NOTICE: "先行登记保存证据通知书",
    K.PRESERVATION_DECISION: "先行登记保存证据处理决定书",
    K.SEALING_DECISION: "封存决定书",
    K.UNSEALING_DECISION: "解除封存决定书",
}
TITLES.update(EVIDENCE_RECORD_TITLES)
KIND_WORDS.update({K.PRESERVATION_NOTICE: "登", K.PRESERVATION_DECISION: "登处", K.SEALING_DECISION: "封",
                   K.UNSEALING_DECISION: "解封"})  # fmt: skip
ISSUED_KINDS += tuple(EVIDENCE_RECORD_TITLES)
TEMPLATES = {kind: f"enforcement/pdf/{kind.value}.html" for kind in ISSUED_KINDS}
CASE_KINDS = frozenset(TEMPLATES) - {K.AGREEMENT_NOTICE}
DECISION_KINDS = frozenset({K.PENALTY_DECISION, K.NO_PENALTY_DECISION})

REGULATION = "《医疗保障基金使用监督管理条例》"
PENALTY_LAW = "《中华人民共和国行政处罚法》"

EVIDENCE_KINDS = {
    Evidence.Kind.DOCUMENTARY: "书证",
    Evidence.Kind.PHYSICAL: "物证",
    Evidence.Kind.AUDIOVISUAL: "视听资料",
    Evidence.Kind.ELECTRONIC: "电子数据",
    Evidence.Kind.WITNESS: "证人证言",
    Evidence.Kind.STATEMENT: "当事人的陈述",
    Evidence.Kind.EXPERT_OPINION: "鉴定意见",
    Evidence.Kind.INSPECTION_RECORD: "勘验笔录、现场笔录",
}
LEAD_SOURCES = {
    "screening": "医保智能监管数据筛查",
    "report": "群众举报",
    "supervisor": "社会监督员反映",
    "inspection": "监督检查发现",
    "referral": "上级交办或有关部门移送",
    "other": "其他",
}
MEASURES = {
    AgreementAction.Kind.INTERVIEW: "约谈你单位主要负责人",
    AgreementAction.Kind.RECTIFY: "责令你单位限期整改",
    AgreementAction.Kind.REFUSE_PAYMENT: "拒付违规费用",
    AgreementAction.Kind.RECOVER: "追回违规结算的医保基金",
    AgreementAction.Kind.LIQUIDATED_DAMAGES: "按协议约定支付违约金",
    AgreementAction.Kind.SUSPEND: "中止医疗保障服务协议，中止期间发生的医保费用不予结算",
    AgreementAction.Kind.TERMINATE: "解除医疗保障服务协议，解除之日起发生的医保费用不予结算",
}
MONEY_KINDS = frozenset(
    {ProposedPenalty.Kind.RETURN_FUNDS, ProposedPenalty.Kind.FINE, ProposedPenalty.Kind.CONFISCATION}
)


def settings_value(name: str):
    return settings.DOCUMENTS[name]


# --- Numbers -----------------------------------------------------------------------------------------------


def series(unit, kind: str) -> str:
    """The numbering series: per issuing mark and kind word, so a printed number can never repeat."""
    return f"doc:{unit.doc_prefix}医保{KIND_WORDS[kind]}"


def format_number(unit, kind: str, year: int, sequence: int | None) -> str:
    """东医保罚〔2026〕17号; without a sequence, the blank a draft shows."""
    return f"{unit.doc_prefix}医保{KIND_WORDS[kind]}〔{year}〕{sequence if sequence else '　　'}号"


def record_reference(case: Case, kind: str, sequence: int) -> str:
    """How the file names an internal form or record without a 字号: B01-2026-0007·听证笔录, then （2）…"""
    return f"{case.number}·{TITLES[kind]}" + (f"（{sequence}）" if sequence > 1 else "")


# --- Pieces ------------------------------------------------------------------------------------------------

_ARTICLE = re.compile(r"(\d+)(?:\((\d+)\))?")


def article_text(article: str) -> str:
    """ "38(2)" → 第三十八条第（二）项; "41" → 第四十一条 (several separated by commas are joined with 、)."""
    parts = [
        f"第{cn_number(int(a))}条" + (f"第（{cn_number(int(item))}）项" if item else "")
        for a, item in _ARTICLE.findall(article or "")
    ]
    return "、".join(parts) or article


def money(value) -> str:
    return f"{Decimal(value or 0):,.2f}"


@dataclass
class Item:
    """One line of the penalty (or measure) table."""

    label: str
    amount: Decimal | None = None
    note: str = ""
    basis: str = ""  # the article the item rests on (investigation report, approval form)

    @property
    def figures(self) -> str:
        return money(self.amount) if self.amount is not None else "—"

    @property
    def capitals(self) -> str:
        return rmb_upper(self.amount) if self.amount is not None else "—"


def _duration(months: int) -> str:
    if months and months % 12 == 0:
        return f"{cn_number(months // 12)}年"
    return f"{cn_number(months)}个月"


def penalty_items(report) -> list[Item]:
    items = []
    for p in report.penalties.all() if report else []:
        kind = p.kind
        if kind == ProposedPenalty.Kind.WARNING:
            items.append(Item("警告"))
        elif kind == ProposedPenalty.Kind.ORDER_CORRECT:
            items.append(Item("责令改正违法行为"))
        elif kind == ProposedPenalty.Kind.RETURN_FUNDS:
            items.append(Item("责令退回医保基金", p.amount))
        elif kind == ProposedPenalty.Kind.FINE:
            note = ""
            if p.basis_amount and p.rule_id and p.rule.fine_basis == p.rule.FineBasis.MULTIPLE and p.basis_amount > 0:
                multiple = (p.amount / p.basis_amount).quantize(Decimal("0.01")).normalize()
                note = f"违法违规金额 {money(p.basis_amount)} 元的 {multiple:f} 倍"
            items.append(Item("罚款", p.amount, note))
        elif kind == ProposedPenalty.Kind.CONFISCATION:
            items.append(Item("没收违法所得", p.amount))
        elif kind == ProposedPenalty.Kind.SUSPENSION:
            items.append(Item(f"暂停相关责任部门涉及医疗保障基金使用的医药服务{_duration(p.months)}"))
        elif kind == ProposedPenalty.Kind.BAN:
            items.append(Item(f"{_duration(p.months)}内禁止从事定点医药机构管理活动"))
        elif kind == ProposedPenalty.Kind.TERMINATION:
            items.append(Item("建议医疗保障经办机构解除医疗保障服务协议"))
        if p.rule_id:
            items[-1].basis = REGULATION + article_text(p.rule.article)
    return items


def money_total(report, kinds=MONEY_KINDS) -> Decimal:
    return sum((p.amount for p in (report.penalties.all() if report else []) if p.kind in kinds), Decimal("0"))


def party(case: Case) -> dict:
    """The party as the documents name it (law-reference §1.4 item 1 and the common template fields)."""
    institution = case.institution
    if case.party_kind == Case.PartyKind.PERSON or institution is None:
        return {"is_person": True, "name": case.party_name, "address": case.party_address, "phone": ""}
    return {
        "is_person": False,
        "name": case.party_name or institution.name,
        "address": case.party_address or institution.address,
        "credit_code": institution.credit_code,
        "legal_representative": institution.legal_representative,
        "phone": institution.phone,
    }


def _events(case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("actor").order_by("at", "pk"))


def _last(events, action: str):
    found = [e for e in events if e.action == action]
    return found[-1] if found else None


def _parse_day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


_LEAD_IN = re.compile(r"^\s*(经调查|经查明|经查|查明)[，,：:]\s*")


def _facts(findings: str) -> str:
    """The findings without their own lead-in, so the document's "经查明，" is not doubled."""
    return _LEAD_IN.sub("", findings or "").strip()


def conduct(case: Case) -> str:
    """What the party is said to have done, from the violation codes: 过度诊疗、分解住院."""
    return "、".join(v.name for v in case.violation_types.all()) or case.title


def articles(case: Case) -> dict:
    """The Regulation's provisions the conduct falls under, and the penalty articles applied."""
    violations = list(case.violation_types.select_related("rule"))
    listed = "、".join(dict.fromkeys(article_text(v.article) for v in violations))
    return {"violated": f"{REGULATION}{listed}" if listed else REGULATION}


def penalty_basis(report) -> str:
    rules = []
    for p in report.penalties.all() if report else []:
        if p.rule_id and p.rule.article not in rules:
            rules.append(p.rule.article)
    return REGULATION + "、".join(article_text(a) for a in rules) if rules else REGULATION


def evidence_rows(case: Case) -> list[dict]:
    rows = Evidence.objects.filter(case=case, superseded_by__isnull=True).order_by("collected_on", "pk")
    return [
        {"kind": EVIDENCE_KINDS.get(e.kind, e.get_kind_display()), "title": e.title, "source": e.source,
         "collected_on": cn_date(e.collected_on)}
        for e in rows
    ]  # fmt: skip


def officers(case: Case) -> list[dict]:
    return [
        {"name": str(a.user), "certificate": a.user.certificate_number, "phone": a.user.phone}
        for a in case.assignments.select_related("user")
    ]


def current_document(obj, kind: str):
    """The version in force of the object's document of ``kind``, if one was issued."""
    documents = Document.objects.filter(kind=kind, superseded_at__isnull=True)
    if isinstance(obj, AgreementAction):
        return documents.filter(agreement_action=obj).order_by("-issued_at", "-pk").first()
    return documents.filter(case=obj).order_by("-issued_at", "-pk").first()


def current_decision(case: Case):
    return current_document(case, K.PENALTY_DECISION) or current_document(case, K.NO_PENALTY_DECISION)


def remedies() -> dict:
    """Reconsideration and litigation: where and within how long (configurable settings)."""
    return {
        "reconsideration_days": cn_number(settings_value("reconsideration_days")),
        "reconsideration_body": settings_value("reconsideration_body"),
        "litigation_months": cn_number(settings_value("litigation_months")),
        "court": settings_value("court"),
    }


def payment_terms(case: Case) -> dict:
    days = clocks.clock("payment_days")
    rate = Decimal(str(clocks.clock("surcharge_rate"))) * 100
    return {
        "days": cn_number(days),
        "due": cn_date(case.payment_due) if case.payment_due else "",
        "surcharge_percent": cn_number(int(rate)) if rate == rate.to_integral() else f"{rate.normalize():f}",
        "fund_account_name": settings_value("fund_account_name"),
        "fund_bank": settings_value("fund_bank"),
        "fund_account_no": settings_value("fund_account_no"),
        "fine_payment": settings_value("fine_payment"),
    }


def statement_handling(case: Case, events: list[CaseEvent], hearing_right: bool) -> list[str]:
    """How the prior notice, the party's statements and any hearing went (decision, §1.4 common fields)."""
    paragraphs = []
    notice = current_document(case, K.PRIOR_NOTICE)
    served = case.notice_served_on
    if served or notice:
        reference = f"（{notice.number}）" if notice else ""
        rights = "陈述、申辩和要求听证" if hearing_right else "陈述、申辩"
        when = f"于{cn_date(served)}" if served else ""
        paragraphs.append(
            f"本局{when}向当事人送达了《行政处罚事先告知书》{reference}，告知当事人拟作出行政处罚的事实、理由、依据"
            f"以及依法享有的{rights}的权利。"
        )
    statements = [e for e in events if e.action == "record_statement"]
    for event in statements:
        text = (event.payload or {}).get("statement", "")
        response = (event.payload or {}).get("response", "")
        paragraphs.append(
            f"当事人于{cn_date(event.at.date())}提出陈述、申辩：{text.rstrip('。')}。"
            + (f"经复核，{response.rstrip('。')}。" if response else "本局对当事人的陈述、申辩进行了复核。")
        )
    hearing = _last(events, "record_hearing")
    if hearing is not None:
        payload = hearing.payload or {}
        chair = case.hearing_chair or payload.get("chair", "")
        paragraphs.append(
            f"应当事人申请，本局于{cn_date(case.hearing_held_on or _parse_day(payload.get('held_on')))}依法举行听证，"
            f"听证由非本案调查人员{chair}主持。{payload.get('record', '')}"
        )
    if not statements and hearing is None and (served or notice):
        paragraphs.append("当事人在规定期限内未提出陈述、申辩" + ("，也未要求听证。" if hearing_right else "。"))
    if not paragraphs:
        paragraphs.append("本案未作出不利于当事人的处理，无需事先告知。")
    return paragraphs


def procedure_note(case: Case, events: list[CaseEvent]) -> str:
    steps = []
    if _last(events, "pass_legal_review"):
        steps.append("法制审核")
    if case.discussions.filter(purpose="decision").exists():
        steps.append("集体讨论")
    return f"本案依法经过{'、'.join(steps)}。" if steps else ""


# --- Contexts ----------------------------------------------------------------------------------------------


def _base(kind: str, unit, *, number: str, issued_on: date, dated: date | None, version: int, draft: bool) -> dict:
    return {
        "kind": kind,
        "title": TITLES[kind],
        "number": number,
        "authority": unit.name,
        "issued_on": issued_on,
        "date_text": cn_date(dated or issued_on),
        "version": version,
        "draft": draft,
    }


def build_context(
    kind: str, obj, *, unit, number: str, issued_on: date, version: int = 1, draft: bool = False, discussion=None
) -> dict:
    """The template context of ``kind`` for ``obj`` (a Case, or an AgreementAction for agreement notices);
    ``discussion``: the one a collective-discussion record records. Built in the bureau's language: the gates'
    reasons and labels are printed as they read in Chinese, whatever the issuer's UI language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build_context(kind, obj, unit=unit, number=number, issued_on=issued_on, version=version, draft=draft,
                              discussion=discussion)  # fmt: skip


def _build_context(kind: str, obj, *, unit, number: str, issued_on: date, version: int, draft: bool, discussion):
    if kind == K.AGREEMENT_NOTICE:
        return _agreement_notice(obj, unit, number=number, issued_on=issued_on, version=version, draft=draft)
    if kind in RECORD_KINDS:  # an investigation record prints from the record (enforcement.records)
        from enforcement.records.selectors import record_context

        base = _base(kind, unit, number=number, issued_on=issued_on, dated=issued_on, version=version, draft=draft)
        return record_context(obj, base)
    case: Case = obj
    events = _events(case)
    report = gates.current_report(case)
    gate = gates.evaluate(case, report)
    dated = case.decided_on if kind in DECISION_KINDS else issued_on
    if kind == K.FILING_FORM:
        dated = issued_on
    context = _base(kind, unit, number=number, issued_on=issued_on, dated=dated, version=version, draft=draft)
    if kind not in KIND_WORDS:  # an internal form or record: no 字号 under the title, the case number in it
        context.update(number="", reference=number)
    filed = case.filed_on
    the_party = party(case)
    context.update(
        case=case,
        party=the_party,
        you="你" if the_party["is_person"] else "你单位",
        conduct=conduct(case),
        filed_text=cn_date(filed) if filed else "",
        report=report,
        findings=_facts(report.findings) if report else "",
        reasoning=report.reasoning if report else "",
        evidence=evidence_rows(case),
        officers=officers(case),
        articles=articles(case),
        basis=penalty_basis(report),
        items=penalty_items(report),
        hearing_right=gate["hearing"].applies,
    )
    money_items = [i for i in context["items"] if i.amount is not None]
    total = sum((i.amount for i in money_items), Decimal("0"))
    context.update(money_items=money_items, total=money(total), total_capitals=rmb_upper(total))
    if kind == K.PRIOR_NOTICE:
        window = case.hearing_request_due or add_working_days(issued_on, clocks.clock("hearing_request_working_days"))
        context.update(
            window_days=cn_number(clocks.clock("hearing_request_working_days")),
            window_end=cn_date(window),
            hearing_articles="、第六十三条、第六十四条" if gate["hearing"].applies else "",
        )
    elif kind in DECISION_KINDS:
        returned = money_total(report, {ProposedPenalty.Kind.RETURN_FUNDS})
        fined = money_total(report, {ProposedPenalty.Kind.FINE, ProposedPenalty.Kind.CONFISCATION})
        context.update(
            statement=statement_handling(case, events, gate["hearing"].applies),
            procedure=procedure_note(case, events),
            remedies=remedies(),
            pay=payment_terms(case),
            returned=money(returned) if returned else "",
            returned_capitals=rmb_upper(returned),
            fined=money(fined) if fined else "",
            fined_capitals=rmb_upper(fined),
            has_fine=any(i.label == "罚款" for i in money_items),
            violation_text=cn_date(case.violation_on) if case.violation_on else "",
            orders=orders(case, report, served_on=case.served_on),
        )
    if kind == K.NO_PENALTY_DECISION:
        ground = report.no_penalty_ground if report else ""
        context.update(
            ground_text=no_penalty_reason(case, ground or "minor"),
            ground_article=NO_PENALTY_ARTICLES.get(ground or "minor", NO_PENALTY_GROUNDS[ground or "minor"].article),
            order_items=[i for i in context["items"]],
        )
    if kind == K.CRIMINAL_TRANSFER:
        transfer = case.police_transfers.exclude(state__in=["reported", "refused"]).order_by("-pk").first()
        context.update(
            transfer=transfer,
            reported_text=cn_date(transfer.reported_on) if transfer else "",
            approved_text=cn_date(timezone.localdate(transfer.approved_at))
            if transfer and transfer.approved_at
            else "",
            amount=money(case.amount_involved),
            returned=money(case.return_amount) if case.return_amount else "",
        )
    elif kind == K.SERVICE_RECEIPT:
        decision = current_decision(case)
        service = _last(events, "record_service")
        context.update(
            served_document=TITLES[decision.kind] if decision else TITLES[K.PENALTY_DECISION],
            served_number=decision.number if decision else "",
            method=((service.payload or {}).get("method") if service else "") or "",
            served_text=cn_date(case.served_on) if case.served_on else "",
            methods=["直接送达", "留置送达", "邮寄送达", "委托送达", "电子送达", "公告送达"],
        )
    elif kind in EVIDENCE_RECORD_TITLES:
        context.update(evidence_record_context(kind, case))
    elif kind == K.FILING_FORM:
        approval = _last(events, "approve_filing")
        lead = getattr(case, "lead", None)
        context.update(
            source=LEAD_SOURCES.get(getattr(lead, "source", ""), "其他"),
            received_text=cn_date(case.lead_received_on),
            amount=money(case.amount_involved),
            amount_capitals=rmb_upper(case.amount_involved),
            violations=[
                {"name": v.name, "article": f"{REGULATION}{article_text(v.article)}"}
                for v in case.violation_types.all()
            ],
            # The handler's proposal precedes the approval (data entered after the fact keeps that order).
            opened_text=cn_date(min(timezone.localtime(case.opened_at).date(), filed or date.max)),
            opened_by=str(case.opened_by),
            approval_comment=approval.comment if approval else "",
            approver=str(approval.actor) if approval and approval.actor_id else "",
            approved_text=cn_date(filed) if filed else "",
            decision_due_text=cn_date(case.decision_due) if case.decision_due else "",
        )
    elif kind in CASE_FILE_BUILDERS:
        CASE_FILE_BUILDERS[kind](context, case, events=events, report=report, gate=gate, discussion=discussion)
    return context


# --- Evidence records (issue 15) ------------------------------------------------------------------------------

PRESERVATION_OUTCOMES = {
    Preservation.Outcome.RETURN: "解除先行登记保存，将上述物品退还当事人",
    Preservation.Outcome.SEAL: "对上述物品依法予以封存",
    Preservation.Outcome.APPRAISE: "将上述物品送交检验或者鉴定",
    Preservation.Outcome.CONFISCATE: "对上述物品依法予以没收",
    Preservation.Outcome.TRANSFER: "将上述物品移送有关主管机关依法处理",
}


def evidence_record(kind: str, case: Case):
    """The record a preservation or sealing document is issued from: the case's latest one in the state the
    document needs (approved / decided preservation, sealing, lifted sealing), or None."""
    P, S = Preservation.State, Sealing.State
    records = {
        K.PRESERVATION_NOTICE: Preservation.objects.filter(case=case, state__in=[P.PRESERVED, P.DECIDED]),
        K.PRESERVATION_DECISION: Preservation.objects.filter(case=case, state=P.DECIDED),
        K.SEALING_DECISION: Sealing.objects.filter(case=case),
        K.UNSEALING_DECISION: Sealing.objects.filter(case=case, state=S.LIFTED),
    }[kind]
    return records.order_by("-pk").first()


def evidence_record_context(kind: str, case: Case) -> dict:
    record = evidence_record(kind, case)
    if record is None:  # a draft before the record exists
        return {"record": None}
    context = {"record": record, "remedies": remedies()}
    if isinstance(record, Preservation):
        notice = current_document(case, K.PRESERVATION_NOTICE)
        context.update(
            preserved_text=cn_date(record.preserved_on) if record.preserved_on else "",
            approved_text=cn_date(record.preserved_on) if record.preserved_on else "",
            due_text=cn_date(record.decision_due) if record.decision_due else "",
            outcome_text=PRESERVATION_OUTCOMES.get(record.outcome, ""),
            lifted_text=cn_date(record.decided_on)
            if record.outcome == Preservation.Outcome.RETURN and record.decided_on
            else "",
            notice_number=f"《先行登记保存证据通知书》（{notice.number}）" if notice else "",
        )
    else:
        sealing = current_document(case, K.SEALING_DECISION)
        context.update(
            sealed_text=cn_date(record.sealed_on),
            lifted_text=cn_date(record.lifted_on) if record.lifted_on else "",
            sealing_number=f"《封存决定书》（{sealing.number}）" if sealing else "",
        )
    return context


def _agreement_notice(action: AgreementAction, unit, *, number, issued_on, version, draft) -> dict:
    context = _base(
        K.AGREEMENT_NOTICE, unit, number=number, issued_on=issued_on, dated=issued_on, version=version, draft=draft
    )
    institution, agreement = action.institution, action.agreement
    amount = action.amount if action.amount and action.amount > 0 else None
    period = ""
    if action.starts_on and action.ends_on:
        period = f"{cn_date(action.starts_on)}至{cn_date(action.ends_on)}"
    elif action.starts_on:
        period = f"自{cn_date(action.starts_on)}起"
    context.update(
        action=action,
        party={
            "is_person": False,
            "name": institution.name,
            "address": institution.address,
            "credit_code": institution.credit_code,
            "legal_representative": institution.legal_representative,
        },
        agreement_number=agreement.number,
        agreement_period=f"{cn_date(agreement.valid_from)}至{cn_date(agreement.valid_to)}",
        measure=MEASURES.get(action.kind, action.get_kind_display()),
        period=period,
        amount=money(amount) if amount else "",
        amount_capitals=rmb_upper(amount) if amount else "",
        grounds=action.grounds,
        case_number=action.case.number if action.case_id else "",
        remedies=remedies(),
        pay=payment_terms_for_action(),
    )
    return context


def payment_terms_for_action() -> dict:
    return {
        "days": cn_number(clocks.clock("payment_days")),
        "fund_account_name": settings_value("fund_account_name"),
        "fund_bank": settings_value("fund_bank"),
        "fund_account_no": settings_value("fund_account_no"),
    }


# --- Orders and grounds on the decisions ---------------------------------------------------------------------

# Every ground of not penalising (APL Arts 30, 31, 33, 36, 57) as the decision words it: the reason, with the
# case's own dates where the law counts from them, and the provisions applied.
NO_PENALTY_ARTICLES = {
    "minor": f"{PENALTY_LAW}第三十三条第一款、第五十七条第一款第（二）项",
    "first_offence": f"{PENALTY_LAW}第三十三条第一款、第五十七条第一款第（二）项",
    "no_fault": f"{PENALTY_LAW}第三十三条第二款",
    "time_barred": f"{PENALTY_LAW}第三十六条",
    "not_proven": f"{PENALTY_LAW}第五十七条第一款第（三）项",
    "under_fourteen": f"{PENALTY_LAW}第三十条",
    "mental_incapacity": f"{PENALTY_LAW}第三十一条",
}


def no_penalty_reason(case: Case, ground: str) -> str:
    """Why the law bars (or allows not imposing) a penalty on this party, in the decision's words."""
    if ground == "time_barred":
        limit = clocks.limitation(case)
        if limit is not None:
            return (
                f"当事人的违法行为发生（或者终了）于{cn_date(limit.starts_on)}，至{cn_date(limit.discovered_on)}"
                f"本局发现时已超过{cn_number(limit.years)}年，属于违法行为在{cn_number(limit.years)}年内未被发现的情形"
            )
    return NO_PENALTY_TEXT.get(ground, NO_PENALTY_TEXT["minor"])


def correction_ordered(case: Case, report) -> bool:
    """The conduct is one the Regulation orders corrected, or the report orders it (Regulation Arts 36–41)."""
    if report is not None and any(p.kind == ProposedPenalty.Kind.ORDER_CORRECT for p in report.penalties.all()):
        return True
    return any(v.rule_id and v.rule.orders_correction for v in case.violation_types.select_related("rule"))


def correction_basis(case: Case, report) -> str:
    """The provisions of the order to correct: APL Art 28 ¶1 and the Regulation's articles that order it."""
    rules = [v.rule.article for v in case.violation_types.select_related("rule") if v.rule_id]
    for p in report.penalties.all() if report else []:
        if p.kind == ProposedPenalty.Kind.ORDER_CORRECT and p.rule_id:
            rules.append(p.rule.article)
    listed = "、".join(article_text(a) for a in dict.fromkeys(rules))
    return f"{PENALTY_LAW}第二十八条第一款和{REGULATION}{listed}" if listed else f"{PENALTY_LAW}第二十八条第一款"


def orders(case: Case, report, *, served_on: date | None) -> dict:
    """The orders to correct and to return that stand beside the decision (APL Art 28 ¶1), with their periods:
    counted from receipt of the decision, and as a date once it is served."""
    days = settings_value("correction_days")
    correct_due = add_days(served_on, days) if served_on else None
    returned = money_total(report, {ProposedPenalty.Kind.RETURN_FUNDS})
    return {
        "correct": correction_ordered(case, report),
        "correct_days": cn_number(days),
        "correct_due": cn_date(correct_due) if correct_due else "",
        "return": money(returned) if returned else "",
        "return_capitals": rmb_upper(returned),
        "return_days": cn_number(clocks.clock("payment_days")),
        "return_due": cn_date(case.payment_due) if case.payment_due else "",
    }


def add_days(day: date, days: int) -> date:
    """A period in days whose last day, falling on a rest day, rolls to the next working day."""
    return roll_forward(day + timedelta(days=days))


# --- The case file's documents (issue 15, item 3) ------------------------------------------------------------

OUTCOMES = {
    Case.Outcome.PENALTY: "给予行政处罚",
    Case.Outcome.NO_PENALTY: "不予行政处罚",
    Case.Outcome.TRANSFER: "移送有关机关处理",
}


def _signed(event) -> dict:
    """Who took a step and when, as a form's signature line shows it."""
    if event is None:
        return {"comment": "", "name": "", "date": ""}
    return {
        "comment": event.comment,
        "name": str(event.actor) if event.actor_id else "",
        "date": cn_date(timezone.localtime(event.at).date()),
    }


def _lead_facts(case: Case) -> dict:
    lead = case.lead
    return {
        "source": LEAD_SOURCES.get(getattr(lead, "source", ""), "其他"),
        "received_text": cn_date(case.lead_received_on),
        "lead_text": (lead.description if lead is not None else "") or case.facts,
        "amount": money(case.amount_involved),
        "amount_capitals": rmb_upper(case.amount_involved),
        "violations": [
            {"name": v.name, "article": f"{REGULATION}{article_text(v.article)}"} for v in case.violation_types.all()
        ],
    }


def _not_filing(context, case, *, events, **_):
    context.update(_lead_facts(case))
    context.update(
        opened_text=cn_date(timezone.localtime(case.opened_at).date()),
        opened_by=str(case.opened_by),
        rejection=_signed(_last(events, "reject_filing")),
    )


def _order_to_correct(context, case, *, report, **_):
    days = settings_value("correction_days")
    context.update(
        facts=_facts(report.findings) if report else (case.facts or ""),
        violation_text=cn_date(case.violation_on) if case.violation_on else "",
        correction_basis=correction_basis(case, report),
        correct_days=cn_number(days),
        correct_due=cn_date(add_days(context["issued_on"], days)),
    )


def _investigation_report(context, case, *, events, report, gate, **_):
    context.update(_lead_facts(case))
    context.update(
        outcome_text=OUTCOMES.get(report.outcome, "") if report else "",
        ground_text=NO_PENALTY_TEXT.get(report.no_penalty_ground, "") if report else "",
        ground_article=NO_PENALTY_ARTICLES.get(report.no_penalty_ground, "") if report else "",
        transfer_to=report.transfer_to if report else "",
        proposed_by=str(report.proposed_by) if report else "",
        proposed_text=cn_date(timezone.localtime(report.proposed_at).date()) if report else "",
        violation_text=cn_date(case.violation_on) if case.violation_on else "",
        gates=[g for g in gate.values() if g.applies and g.key != "simple"],
    )


def _hearing_context(context, case, *, events, **_):
    from enforcement.hearings.models import HearingRecord

    record = HearingRecord.objects.filter(case=case).select_related("chair").first()
    chair = case.hearing_chair or (record.chair if record else None)
    scheduled = timezone.localtime(record.scheduled_at) if record and record.scheduled_at else None
    held = case.hearing_held_on or (scheduled.date() if scheduled else None)
    context.update(
        hearing=record,
        chair=str(chair) if chair else "",
        scheduled_text=f"{cn_date(scheduled.date())}{scheduled:%H时%M分}" if scheduled else "",
        held_text=cn_date(held) if held else "",
        requested_text=cn_date(case.hearing_requested_on) if case.hearing_requested_on else "",
        notice_text=cn_date(context["issued_on"]),
        earliest_text=cn_date(clocks.hearing_earliest(context["issued_on"])),
        notice_days=cn_number(clocks.clock("hearing_notice_working_days")),
        prior_notice=current_document(case, K.PRIOR_NOTICE),
    )


def _legal_review(context, case, *, events, report, gate, **_):
    review = _last(events, "pass_legal_review")
    reviewer = review.actor if review and review.actor_id else None
    qualification = ""
    if reviewer is not None:
        if reviewer.legal_qualification_number:
            qualification = f"法律职业资格证书编号：{reviewer.legal_qualification_number}"
        elif reviewer.legal_reviewer_since:
            qualification = f"自{cn_date(reviewer.legal_reviewer_since)}起从事法制审核工作（非初次从事）"
    context.update(
        outcome_text=OUTCOMES.get(report.outcome, "") if report else "",
        review=_signed(review),
        qualification=qualification,
        reasons=[r for g in gate.values() if g.key == "legal_review" for r in g.reasons],
        after_hearing=bool(review and (review.payload or {}).get("after_hearing")),
    )
    if review is not None:
        context["date_text"] = _signed(review)["date"]


DISCUSSION_PURPOSES = {"decision": "对本案作出行政处理决定", "extension": "延长本案办案期限"}


def _discussion(context, case, *, report, discussion, **_):
    context.update(
        discussion=discussion,
        held_text=cn_date(discussion.held_on) if discussion else "",
        purpose_text=DISCUSSION_PURPOSES.get(discussion.purpose, "") if discussion else "",
        recorder=str(discussion.recorded_by) if discussion else "",
        outcome_text=OUTCOMES.get(report.outcome, "") if report else "",
        collective_reasons=[r for r in gates_reasons(case, report, "collective")],
    )
    if discussion is not None:
        context["date_text"] = cn_date(discussion.held_on)


def gates_reasons(case: Case, report, key: str) -> list[str]:
    return list(gates.evaluate(case, report)[key].reasons)


def _decision_approval(context, case, *, events, report, gate, **_):
    discussions = list(case.discussions.filter(purpose="decision").order_by("held_on", "pk"))
    context.update(
        outcome_text=OUTCOMES.get(report.outcome, "") if report else "",
        statement=statement_handling(case, events, gate["hearing"].applies),
        gates=[g for g in gate.values() if g.key != "simple"],
        handler=_signed(_last(events, "submit_report")),
        chief=_signed(_last(events, "approve_report")),
        legal=_signed(_last(events, "pass_legal_review")),
        discussions=[{"held": cn_date(d.held_on), "conclusion": d.conclusion} for d in discussions],
        decision=_signed(_last(events, "decide")),
        violation_text=cn_date(case.violation_on) if case.violation_on else "",
    )


def _ledger(case: Case) -> list[dict]:
    from enforcement.recoveries.models import RecoveryEntry

    entries = RecoveryEntry.objects.filter(case=case).exclude(entry=RecoveryEntry.Entry.OBLIGATION).order_by("on", "pk")
    return [
        {"on": cn_date(e.on), "entry": e.get_entry_display(), "route": e.get_route_display(),
         "amount": money(e.amount), "reference": e.reference}
        for e in entries
    ]  # fmt: skip


def _balances(case: Case, today: date) -> list[dict]:
    return [
        {"label": b.label, "due": money(b.due), "paid": money(b.paid), "outstanding": money(b.outstanding),
         "outstanding_value": b.outstanding}
        for b in clocks.balances(case, today)
        if b.due or b.paid
    ]  # fmt: skip


def _payment_demand(context, case, *, events, **_):
    today = context["issued_on"]
    balances = [b for b in _balances(case, today) if b["outstanding_value"] > 0]
    total = sum((b["outstanding_value"] for b in balances), Decimal("0"))
    decision = current_decision(case)
    days = settings_value("demand_days")
    context.update(
        decision_number=decision.number if decision else "",
        decided_text=cn_date(case.decided_on) if case.decided_on else "",
        served_text=cn_date(case.served_on) if case.served_on else "",
        due_text=cn_date(case.payment_due) if case.payment_due else "",
        balances=balances,
        outstanding=money(total),
        outstanding_capitals=rmb_upper(total),
        surcharge=money(clocks.surcharge_accrued(case, today)),
        pay=payment_terms(case),
        demand_days=cn_number(days),
        demand_due=cn_date(add_days(today, days)),
        as_of=cn_date(today),
    )


def _payment_plan(context, case, *, events, **_):
    plan = clocks.approved_plan(case)
    decision = current_decision(case)
    instalments = list(plan.instalments.order_by("due_on", "pk")) if plan else []
    context.update(
        plan=plan,
        plan_kind="暂缓" if plan and plan.kind == plan.Kind.DEFERRAL else "分期",
        applied_text=cn_date(timezone.localtime(plan.proposed_at).date()) if plan else "",
        decision_number=decision.number if decision else "",
        decided_text=cn_date(case.decided_on) if case.decided_on else "",
        fine=money(case.fine_amount),
        fine_capitals=rmb_upper(case.fine_amount),
        instalments=[
            {"due": cn_date(i.due_on), "amount": money(i.amount), "capitals": rmb_upper(i.amount)} for i in instalments
        ],
        pay=payment_terms(case),
    )


def _closing(context, case, *, events, report, **_):
    decision = current_decision(case)
    close = _last(events, "close")
    context.update(
        outcome_text=OUTCOMES.get(case.outcome, ""),
        decision_number=decision.number if decision else "",
        decided_text=cn_date(case.decided_on) if case.decided_on else "",
        served_text=cn_date(case.served_on) if case.served_on else "",
        balances=_balances(case, context["issued_on"]),
        ledger=_ledger(case),
        close_basis=case.close_reason or "",
        close=_signed(close),
        closed_text=cn_date(case.closed_on) if case.closed_on else "",
        handler=officers(case),
    )


CASE_FILE_BUILDERS = {
    K.NOT_FILING_FORM: _not_filing,
    K.ORDER_TO_CORRECT: _order_to_correct,
    K.INVESTIGATION_REPORT: _investigation_report,
    K.HEARING_NOTICE: _hearing_context,
    K.HEARING_RECORD: _hearing_context,
    K.HEARING_REPORT: _hearing_context,
    K.LEGAL_REVIEW_OPINION: _legal_review,
    K.COLLECTIVE_DISCUSSION_RECORD: _discussion,
    K.DECISION_APPROVAL_FORM: _decision_approval,
    K.PAYMENT_DEMAND: _payment_demand,
    K.PAYMENT_PLAN_DECISION: _payment_plan,
    K.CLOSING_FORM: _closing,
}
