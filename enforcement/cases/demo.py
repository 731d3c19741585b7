"""Demo cases in every state of the procedure in every branch, agreement actions, and issued decisions.

Every case is built through the services (case_open, case_act) with dates set in the past, so the
timeline, clocks and audit trail are what the portal would have produced. Keyed on the case title within
its branch, so running it again adds nothing.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from enforcement.agreement_actions.models import AgreementAction
from enforcement.agreement_actions.services import (
    agreement_action_apply,
    agreement_action_approve,
    agreement_action_propose,
)
from enforcement.casefile import selectors as casefile
from enforcement.casefile.demo import file_catch_up
from enforcement.cases import gates
from enforcement.cases.models import Case
from enforcement.cases.services import case_act, case_open
from enforcement.rules.models import PenaltyRule
from supervision.org.models import OrgUnit
from supervision.register.models import Agreement, Institution

D = Decimal

# (title pattern, institution serial in the branch's list, violation codes, amount, target state, variant)
SCENARIOS = [
    ("{inst}串换药品案", 3, ["SUBSTITUTION"], "86000", "filing", "ready"),
    ("{inst}超标准收费线索核查", 10, ["OVER_STANDARD_CHARGE"], "12500", "filing", "overdue"),
    ("{inst}重复收费案", 11, ["DUPLICATE_CHARGE"], "4800", "not_filed", ""),
    ("{inst}分解住院案", 2, ["SPLIT_ADMISSION"], "132000", "investigating", ""),
    ("{inst}挂床住院案", 4, ["PHANTOM_BED"], "58000", "investigating", "overdue"),
    ("{inst}过度检查案", 1, ["OVER_TESTING"], "76000", "reviewing", ""),
    ("{inst}分解项目收费案", 5, ["SPLIT_ITEM_CHARGE"], "64000", "legal_review", ""),
    ("{inst}超量开药案", 6, ["EXCESS_PRESCRIBING"], "52000", "notifying", ""),
    ("{inst}重复开药案", 7, ["REPEAT_PRESCRIBING"], "47000", "notified", ""),
    ("{inst}违规纳入医保结算案", 9, ["OUT_OF_SCOPE_BILLING"], "128000", "hearing", ""),
    ("{inst}未按规定传送数据案", 8, ["DATA_NOT_UPLOADED"], "0", "deciding", "r39"),
    ("{inst}虚构医药服务项目案", 12, ["FICTITIOUS_SERVICE"], "36000", "deciding", "fraud"),
    ("{inst}过度诊疗案", 13, ["OVER_TREATMENT"], "41000", "decided", ""),
    ("{inst}分解处方案", 10, ["SPLIT_PRESCRIPTION"], "23000", "executing", "late"),
    # Closed cases are archived with a complete file (issue 15); one executing case, paid in full, has a file
    # without its service receipt and closing form, and cannot be closed until they are issued.
    ("{inst}套刷生活用品案", 11, ["DAILY_GOODS_SWIPE"], "18600", "archived", ""),
    ("{inst}为转卖药品提供便利案", 12, ["RESALE_KICKBACK_AID"], "9600", "archived", ""),
    ("{inst}伪造医学文书案", 2, ["FORGED_RECORDS"], "210000", "transferred", ""),
    ("{inst}拒绝检查案", 6, ["REFUSE_INSPECTION"], "0", "terminated", ""),
    # Issue 14: a case transferred to the police that is still collecting, a suspended case whose decision clock
    # is paused, and a decision not to penalise with an order to return the funds.
    ("{inst}虚假就医骗取医保基金案", 3, ["FAKE_CARE"], "96000", "executing", "police"),
    ("{inst}超标准收费（中止）案", 7, ["OVER_STANDARD_CHARGE"], "35000", "suspended", ""),
    ("{inst}分解项目收费（不予处罚）案", 8, ["SPLIT_ITEM_CHARGE"], "6800", "executing", "no_penalty"),
    ("{inst}超量开药（卷宗不全）案", 4, ["EXCESS_PRESCRIBING"], "15800", "executing", "incomplete"),
]

# The steps that lead to each state, in order.
PATHS = {
    "filing": [],
    "not_filed": ["reject_filing"],
    "investigating": ["approve_filing"],
    "reviewing": ["approve_filing", "submit_report"],
    "legal_review": ["approve_filing", "submit_report", "approve_report"],
    "notifying": ["approve_filing", "submit_report", "approve_report", "pass_legal_review"],
    "notified": ["approve_filing", "submit_report", "approve_report", "pass_legal_review", "issue_notice"],
    "hearing": ["approve_filing", "submit_report", "approve_report", "pass_legal_review", "issue_notice",
                "request_hearing"],
    "deciding": ["approve_filing", "submit_report", "approve_report", "pass_legal_review", "issue_notice",
                 "close_window"],
    "decided": ["approve_filing", "submit_report", "approve_report", "pass_legal_review", "issue_notice",
                "close_window", "decide"],
    "executing": ["approve_filing", "submit_report", "approve_report", "pass_legal_review", "issue_notice",
                  "close_window", "decide", "record_service"],
    "closed": ["approve_filing", "submit_report", "approve_report", "pass_legal_review", "issue_notice",
               "close_window", "decide", "record_service", "pay_all", "close"],
    "archived": ["approve_filing", "submit_report", "approve_report", "pass_legal_review", "issue_notice",
                 "close_window", "decide", "record_service", "pay_all", "close", "archive"],
    "transferred": ["approve_filing", "transfer"],
    "terminated": ["approve_filing", "terminate"],
    "suspended": ["approve_filing", "suspend"],
}  # fmt: skip
# A decision not to penalise is not preceded by a prior notice (APL Art 44): no notice, no statement window.
NO_PENALTY_PATH = ["approve_filing", "submit_report", "approve_report", "pass_legal_review", "decide",
                   "record_service"]  # fmt: skip
POLICE_STEPS = ["report_police_transfer", "decide_police_transfer", "hand_over_police", "record_police_feedback",
                "pay_return_part"]  # fmt: skip


def _penalties(case: Case, variant: str) -> list[dict]:
    rules = {r.code: r for r in PenaltyRule.objects.all()}
    amount = case.amount_involved
    if variant == "r39":
        return [{"kind": "fine", "rule": rules["R39"], "amount": D("20000")}]
    if variant == "no_penalty":  # orders stand beside a decision not to penalise (Regulation Art 38)
        return [{"kind": "return_funds", "rule": rules["R38"], "amount": amount},
                {"kind": "order_correct", "rule": rules["R38"]}]  # fmt: skip
    if variant in ("fraud", "police"):
        return [
            {"kind": "return_funds", "rule": rules["R40"], "amount": amount},
            {"kind": "fine", "rule": rules["R40"], "amount": amount * 2},
        ]
    return [
        {"kind": "return_funds", "rule": rules["R38"], "amount": amount},
        {"kind": "fine", "rule": rules["R38"], "amount": amount},
    ]


# An incomplete file (issue 15): the decision was served and paid, but neither the service receipt nor the closing
# form was issued, so the chief cannot close the case until they are.
INCOMPLETE_LEAVES_OUT = ("service_receipt", "closing_form")


def walk_case(case: Case, steps: list[str], people: dict, variant: str, today: date) -> Case:
    # Dates count back from today so every clock is consistent; "overdue" variants start earlier.
    start = today - timedelta(days=140 if variant in ("overdue", "late") else 75)
    officer1, officer2, chief = people["officer1"], people["officer2"], people["chief"]
    # A case walked to its closing builds its case file on the way (issue 15); an "incomplete" one lacks two
    # documents and so cannot be closed.
    filed = "close" in steps or variant == "incomplete"
    leave_out = INCOMPLETE_LEAVES_OUT if variant == "incomplete" else ()
    for step in steps:
        if filed:
            file_catch_up(case, chief=chief, officer=officer1, on=start + timedelta(days=10),
                          closing=step in ("close", "archive"), leave_out=leave_out)  # fmt: skip
        if step == "close" and casefile.missing_items(case, closing=True):
            break  # the file cannot be completed here (no PDF font on this machine): the case stays executing
        if step == "reject_filing":
            case = case_act(case=case, action=step, by=chief, comment="线索核查不实，不予立案")
        elif step == "approve_filing":
            case = case_act(case=case, action=step, by=chief, comment="同意立案",
                            data={"officers": [officer1.pk, officer2.pk], "lead_officer": officer1.pk,
                                  "filed_on": start + timedelta(days=5)})  # fmt: skip
            _investigate(case, officer1)
        elif step == "submit_report":
            conduct = case.title.replace(case.party_display, "").rstrip("案")
            case = case_act(case=case, action=step, by=officer1, data={
                "outcome": "no_penalty" if variant == "no_penalty" else "penalty",
                "no_penalty_ground": "first_offence" if variant == "no_penalty" else "",
                "penalties": _penalties(case, variant),
                "findings": f"经调查，{case.party_display}存在{conduct}行为，"
                            f"涉及医保基金{case.amount_involved}元，事实清楚，证据确凿。",
                "reasoning": "首次违法，主动配合调查，按一般情节裁量。",
            })  # fmt: skip
        elif step == "approve_report":
            case = case_act(case=case, action=step, by=chief, comment="同意调查终结报告")
        elif step == "pass_legal_review":
            if case.state == "legal_review":
                case = case_act(case=case, action=step, by=people["legal"], comment="事实清楚，适用依据正确，程序合法")
        elif step == "issue_notice":
            case = case_act(case=case, action=step, by=officer2, data={"served_on": start + timedelta(days=30)})
        elif step == "request_hearing":
            case = case_act(case=case, action=step, by=officer1, comment="当事人书面申请听证",
                            data={"requested_on": case.notice_served_on + timedelta(days=2),
                                  "hearing_notice_on": case.notice_served_on + timedelta(days=4)})  # fmt: skip
        elif step == "close_window":
            case = case_act(case=case, action=step, by=officer2, comment="当事人未提出陈述申辩")
        elif step == "decide":
            decider = chief
            if gates.evaluate(case)["collective"].applies:  # fraud: collective discussion, then the director
                case_act(case=case, action="record_discussion", by=people["director"], data={
                    "held_on": start + timedelta(days=44), "participants": "周建国、林雅琴、赵德明",
                    "conclusion": "一致同意按《条例》第四十条处理。", "purpose": "decision",
                })  # fmt: skip
                decider = people["director"]
            case = case_act(case=case, action=step, by=decider, comment="同意作出决定",
                            data={"decided_on": start + timedelta(days=45)})  # fmt: skip
        elif step == "record_service":
            case = case_act(case=case, action=step, by=officer1, data={"served_on": start + timedelta(days=47),
                                                                        "method": "直接送达"})  # fmt: skip
        elif step == "pay_all":
            for kind, due in (("return_funds", case.return_amount), ("fine", case.fine_amount)):
                if due:
                    case = case_act(case=case, action="record_payment", by=officer1, data={
                        "kind": kind, "amount": due, "paid_on": start + timedelta(days=55), "reference": "缴款书",
                    })  # fmt: skip
        elif step == "close":
            case = case_act(case=case, action=step, by=chief, data={"basis": "settled"}, comment="处罚决定已执行完毕")
        elif step == "archive":
            case = case_act(case=case, action=step, by=chief, comment="一案一卷归档，卷内文书、证据齐全")
        elif step == "transfer":
            case = case_act(case=case, action=step, by=chief, comment="涉嫌违反卫生健康管理规定，移送卫生健康部门",
                            data={"transfer_to": "江川市卫生健康委员会", "receipt": "移送回执〔2026〕3号"})  # fmt: skip
        elif step == "terminate":
            case = case_act(case=case, action=step, by=chief, comment="机构已注销，终止调查")
        elif step == "suspend":
            case = case_act(case=case, action=step, by=chief, comment="当事人法定代表人下落不明，案件中止调查",
                            data={"suspended_on": start + timedelta(days=40)})  # fmt: skip
        else:
            case = _police_step(case, step, people, start)
    return case


def _investigate(case: Case, officer) -> None:
    """What an investigation leaves on file (issue 15): two pieces of evidence, and, where documents can be
    printed, an inquiry record and an on-site inspection record, issued and filed as evidence."""
    from enforcement.evidence.demo import add_demo_evidence
    from enforcement.records.demo import add_demo_records
    from portal import pdf

    add_demo_evidence(case, officer)
    if not pdf.font_problem():
        add_demo_records(case, officer)


def _police_step(case: Case, step: str, people: dict, start: date) -> Case:
    """Transfer to the police (行刑衔接) while the decision is executed: the case stays open and collecting."""
    officer1, director = people["officer1"], people["director"]
    reported = start + timedelta(days=50)
    approved = timezone.make_aware(datetime.combine(reported + timedelta(days=1), time(10, 0)))
    if step == "report_police_transfer":
        return case_act(case=case, action=step, by=officer1, comment="涉嫌诈骗犯罪，报请移送公安机关",
                        data={"police": "江川市公安局经济犯罪侦查支队", "suspected_offence": "诈骗罪",
                              "reported_on": reported})  # fmt: skip
    if step == "decide_police_transfer":
        return case_act(case=case, action=step, by=director, comment="同意移送",
                        data={"approve": True, "decided_at": approved})  # fmt: skip
    if step == "hand_over_police":
        return case_act(
            case=case,
            action=step,
            by=officer1,
            comment="已随案移送调查报告和证据材料",
            data={"receipt": "公安受案回执〔2026〕12号", "handed_over_at": approved + timedelta(hours=5)},
        )
    if step == "record_police_feedback":
        return case_act(
            case=case,
            action=step,
            by=officer1,
            comment="公安机关已立案侦查",
            data={"accepted": True, "feedback_on": reported + timedelta(days=8), "note": "已立案"},
        )
    if step == "pay_return_part":  # recovery continues after the transfer: part of the funds returned
        return case_act(case=case, action="record_payment", by=officer1, data={
            "kind": "return_funds", "amount": (case.return_amount / 2).quantize(D("0.01")),
            "paid_on": reported + timedelta(days=10), "reference": "退款书",
        })  # fmt: skip
    raise ValueError(step)


def _seed_branch(branch: OrgUnit, users: dict, today: date) -> int:
    code = branch.code.lower()
    people = {
        "officer1": users[f"{code}_officer1"], "officer2": users[f"{code}_officer2"],
        "chief": users[f"{code}_chief"], "legal": users["legal"], "director": users["director"],
    }  # fmt: skip
    institutions = list(Institution.objects.filter(jurisdiction=branch).order_by("code"))
    created = 0
    for pattern, serial, codes, amount, state, variant in SCENARIOS:
        institution = institutions[serial - 1]
        title = pattern.format(inst=institution.name)
        if Case.objects.filter(jurisdiction=branch, title=title).exists():
            continue
        # The lead comes before the filing (start + 5 days in walk_case); a filing case waits on its lead.
        received = today - timedelta(days=150 if variant in ("overdue", "late") else 80)
        if state == "filing":
            received = today - timedelta(days=40 if variant == "overdue" else 3)
        case = case_open(by=people["officer1"], title=title, institution=institution, violation_codes=codes,
                         amount_involved=D(amount), lead_received_on=received,
                         violation_on=received - timedelta(days=200),  # the limitation period shows (APL Art 36)
                         facts="医保智能监管系统筛查发现异常结算数据，经初步核查存在违规嫌疑。")  # fmt: skip
        steps = NO_PENALTY_PATH if variant == "no_penalty" else PATHS[state]
        if variant == "police":
            steps = steps + POLICE_STEPS
        if variant == "incomplete":
            steps = [*steps, "pay_all"]
        case = walk_case(case, steps, people, variant, today)
        if variant == "fraud" and case.state == "deciding":
            # Fraud needs a collective discussion before the director decides; left in deciding for the director.
            case_act(case=case, action="record_discussion", by=people["director"], data={
                "held_on": today - timedelta(days=2), "participants": "周建国、林雅琴、赵德明",
                "conclusion": "一致同意按《条例》第四十条处理，并移交协议处理。", "purpose": "decision",
            })  # fmt: skip
        created += 1
    return created


def _seed_agreement_actions(users: dict, today: date) -> int:
    created = 0
    for code in ("B01", "B02", "B03"):
        lower = code.lower()
        fund = users.get(f"{lower}_fund") or users["fund_officer"]
        chief = users[f"{lower}_chief"]
        institutions = list(Institution.objects.filter(jurisdiction__code=code).order_by("code"))
        plans = [
            (institutions[9], AgreementAction.Kind.INTERVIEW, "proposed", "进销存数据与结算数据不符，约谈主要负责人"),
            (institutions[3], AgreementAction.Kind.SUSPEND, "applied", "违规结算情节较重，中止医保服务协议三个月"),
            (institutions[5], AgreementAction.Kind.RECOVER, "approved", "追回违规结算的医保基金"),
        ]  # fmt: skip
        for institution, kind, target, grounds in plans:
            if AgreementAction.objects.filter(institution=institution, kind=kind).exists():
                continue
            agreement = institution.agreements.filter(status=Agreement.Status.ACTIVE).first()
            if agreement is None:
                continue
            starts = today - timedelta(days=10) if kind == AgreementAction.Kind.SUSPEND else None
            ends = starts + timedelta(days=90) if starts else None
            action = agreement_action_propose(
                by=fund, institution=institution, kind=kind, grounds=grounds, agreement=agreement,
                amount=D("26800") if kind == AgreementAction.Kind.RECOVER else 0, starts_on=starts, ends_on=ends,
            )  # fmt: skip
            if target in ("approved", "applied"):
                action = agreement_action_approve(action=action, by=chief, comment="同意")
            if target == "applied":
                agreement_action_apply(action=action, by=fund, today=today)
            created += 1
    return created


def seed_documents(users: dict) -> int | str:
    """Decided cases get their decision issued by the branch chief (issue 4). Issuing stays an explicit act in
    the portal; the demo does it once per case (a case whose decision is in force is skipped)."""
    from enforcement.documents.models import Document
    from enforcement.documents.services import document_issue
    from portal import pdf

    problem = pdf.font_problem()
    if problem:
        return f"skipped ({problem})"
    issued = 0
    decided = Case.objects.filter(state__in=["decided", "executing", "closed", "archived"], outcome="penalty")
    for case in decided.select_related("jurisdiction").order_by("decided_on", "pk"):
        if Document.objects.filter(case=case, kind="penalty_decision").exists():
            continue
        chief = users.get(f"{case.jurisdiction.code.lower()}_chief")
        if chief is None:
            continue
        document_issue(kind="penalty_decision", by=chief, case=case)
        issued += 1
    return issued


def seed(*, units: dict, users: dict, institutions=None) -> dict:
    today = timezone.localdate()
    cases = sum(_seed_branch(units[code], users, today) for code in ("B01", "B02", "B03"))
    actions = _seed_agreement_actions(users, today)
    documents = seed_documents(users)
    return {"cases": Case.objects.count(), "new cases": cases, "new agreement actions": actions,
            "new decisions issued": documents}  # fmt: skip
