"""Demo data spread over every month of the demo year in every branch (issue 17), so the statistics and their
charts have something to show: leads (each source in turn) dispatched and confirmed or dismissed, a case per
month carried as far through the procedure as its dates allow, an inspection, a public report, an interview,
recoveries and self-inspection returns in the ledger, some suspensions; and last year's leads and inspections
for the comparison.

Built through the services with past dates. Where a service stamps "now" (a case's opening time, a measure's
application, a closing date, a report's receipt) the demo moves the stamp back to the record's own month: the
figures count by those dates. Keyed on a month tag in titles and external ids, so a second run adds nothing.
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
from enforcement.cases.models import Case
from enforcement.cases.services import case_act, case_open
from enforcement.public.services import disclosures_publish_due
from enforcement.recoveries.models import RecoveryEntry
from enforcement.recoveries.services import recovery_obligation_record, recovery_settle
from enforcement.rules.models import PenaltyRule
from supervision.inspections.models import ConflictDeclaration, Inspection
from supervision.inspections.services import inspection_close, inspection_create, inspection_finish, inspection_start
from supervision.leads.models import Lead
from supervision.leads.services import (
    lead_confirm,
    lead_create,
    lead_dismiss,
    lead_dispatch,
    lead_mark_converted,
    lead_start_verification,
)
from supervision.org.models import OrgUnit
from supervision.register.models import Agreement, Institution
from supervision.reports.models import Report
from supervision.reports.services import public_report_submit

D = Decimal
SOURCES = [s for s, _label in Lead.Source.choices]
CODES = ["OVER_TESTING", "DUPLICATE_CHARGE", "SPLIT_ITEM_CHARGE", "EXCESS_PRESCRIBING", "OVER_STANDARD_CHARGE",
         "REPEAT_PRESCRIBING"]  # fmt: skip
CONDUCT = ["过度检查", "重复收费", "分解项目收费", "超量开药", "超标准收费", "重复开药"]


def _stamp(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _month_base(year: int, month: int) -> date:
    return date(year, month, 3)


def _case(branch, people, institution, lead, base: date, today: date, serial: int, tag: str):
    """A case opened from the month's confirmed lead, taken as far as the dates allow (closed ~3 weeks on)."""
    conduct = CONDUCT[serial % len(CONDUCT)]
    title = f"{institution.name}{conduct}案（{tag}）"
    if Case.objects.filter(jurisdiction=branch, title=title).exists():
        return None
    amount = D(6000 + 900 * serial + 350 * int(branch.code[-1]))
    officer1, officer2, chief = people["officer1"], people["officer2"], people["chief"]
    case = case_open(by=officer1, title=title, institution=institution, violation_codes=[CODES[serial % len(CODES)]],
                     amount_involved=amount, lead=lead, facts="数据筛查和现场核查发现违规结算。")  # fmt: skip
    Case.objects.filter(pk=case.pk).update(opened_at=_stamp(base))
    if lead is not None:
        lead_mark_converted(lead=lead, by=officer1, target=case)
    rule = PenaltyRule.objects.get(code="R38")
    steps = [
        (base + timedelta(days=1), "approve_filing", chief, {"officers": [officer1.pk, officer2.pk],
                                                             "lead_officer": officer1.pk,
                                                             "filed_on": base + timedelta(days=1)}),
        (base + timedelta(days=2), "submit_report", officer1, {
            "outcome": "penalty", "findings": f"经调查，{institution.name}存在{conduct}行为，涉及医保基金{amount}元。",
            "reasoning": "首次违法，主动退回，按一般情节裁量。",
            "penalties": [{"kind": "return_funds", "rule": rule, "amount": amount},
                          {"kind": "fine", "rule": rule, "amount": amount}]}),
        (base + timedelta(days=2), "approve_report", chief, {}),
        (base + timedelta(days=3), "pass_legal_review", people["legal"], {}),
        (base + timedelta(days=4), "issue_notice", officer2, {"served_on": base + timedelta(days=4)}),
        (base + timedelta(days=13), "close_window", officer2, {}),
        (base + timedelta(days=14), "decide", chief, {"decided_on": base + timedelta(days=14)}),
        (base + timedelta(days=15), "record_service", officer1, {"served_on": base + timedelta(days=15),
                                                                 "method": "直接送达"}),
        (base + timedelta(days=20), "pay", officer1, {}),
        (base + timedelta(days=22), "close", chief, {"basis": "settled"}),
    ]  # fmt: skip
    closing = steps[-1][0] < today  # a case that will be closed builds its file on the way (issue 15)
    for day, action, by, data in steps:
        if day >= today:
            break
        if closing:
            file_catch_up(case, chief=chief, officer=officer1, on=base + timedelta(days=2), closing=action == "close")
        if action == "close" and casefile.missing_items(case, closing=True):
            break  # no PDF font on this machine: the file cannot be completed, the case stays executing
        if action == "pass_legal_review":
            if case.state == "legal_review":
                case = case_act(case=case, action=action, by=by, comment="事实清楚，依据正确，程序合法")
        elif action == "close_window":
            if case.hearing_request_due is None or case.hearing_request_due >= today:
                break
            case = case_act(case=case, action=action, by=by, comment="当事人未提出陈述申辩")
        elif action == "pay":
            for kind, due in (("return_funds", case.return_amount), ("fine", case.fine_amount)):
                if due:
                    case = case_act(
                        case=case,
                        action="record_payment",
                        by=by,
                        data={"kind": kind, "amount": due, "paid_on": day, "reference": "缴款书"},
                    )
        else:
            case = case_act(case=case, action=action, by=by, comment="同意" if by == chief else "", data=data)
        if action == "close":
            Case.objects.filter(pk=case.pk).update(closed_on=day)
    return case


def _leads(branch, people, institutions, base: date, today: date, serial: int, tag: str, analyst) -> Lead | None:
    """Three leads a month: one confirmed (it becomes the month's case), one dismissed, one still new."""
    confirmed = None
    for i in range(3):
        external_id = f"DEMO-STAT-{branch.code}-{tag}-{i}"
        lead = Lead.objects.filter(external_id=external_id).first()
        if lead is not None:
            if i == 0 and lead.status == Lead.Status.CONFIRMED:
                confirmed = lead
            continue
        institution = institutions[(serial + i) % len(institutions)]
        source = SOURCES[(serial + i) % len(SOURCES)]
        lead = lead_create(by=analyst, institution=institution, source=source, external_id=external_id,
                           description=f"{CONDUCT[(serial + i) % len(CONDUCT)]}线索（{tag}）",
                           amount=D(3000 + 500 * i + 100 * serial), received_on=base)  # fmt: skip
        if i == 2:
            continue
        lead = lead_dispatch(lead=lead, by=analyst, officer=people["officer1"], on=base)
        verify_on = min(base + timedelta(days=1), today)
        lead = lead_start_verification(lead=lead, by=people["officer1"], on=verify_on)
        if i == 0:
            lead = lead_confirm(lead=lead, by=people["chief"], note="核查属实", on=verify_on)
            confirmed = lead
        else:
            lead_dismiss(lead=lead, by=people["chief"], reason="查无实据", on=verify_on)
    return confirmed


def _inspection(branch, people, institution, base: date, today: date, tag: str) -> None:
    if Inspection.objects.filter(jurisdiction=branch, title__endswith=f"日常巡查（{tag}）").exists():
        return
    conflicts = ConflictDeclaration.objects.filter(officer__in=[people["officer1"], people["officer2"]])
    institution = (
        Institution.objects.filter(jurisdiction=branch, pk__gte=institution.pk)
        .exclude(pk__in=conflicts.values("institution_id"))
        .order_by("pk")
        .first()
    ) or institution
    title = f"{institution.name}日常巡查（{tag}）"
    inspection = inspection_create(by=people["chief"], kind="routine", institution=institution, title=title,
                                   planned_on=base, team=[people["officer1"], people["officer2"]])  # fmt: skip
    inspection = inspection_start(inspection=inspection, by=people["officer1"], on=base)
    finished = base + timedelta(days=2)
    if finished < today:
        inspection = inspection_finish(
            inspection=inspection, by=people["officer1"], result="未发现明显问题，已督促规范管理。", on=finished
        )
        inspection_close(inspection=inspection, by=people["chief"], note="检查结束")
        Inspection.objects.filter(pk=inspection.pk).update(closed_on=finished)


def _report(institution, base: date, tag: str) -> None:
    summary = f"群众反映{institution.name}存在可疑收费（{tag}）"
    if Report.objects.filter(summary=summary).exists():
        return
    report = public_report_submit(
        institution=institution, summary=summary, details="就诊后发现结算清单中有未做的检查项目。"
    )
    # Received in its month: the reply clock and the lead it became count from then.
    Report.objects.filter(pk=report.pk).update(received_on=base, submitted_at=_stamp(base))
    Lead.objects.filter(pk=report.lead_id).update(received_on=base)


def _measure(kind, people, institution, base: date, today: date, tag: str, amount=None, ends=None):
    grounds = f"{AgreementAction.Kind(kind).label}（{tag}）"
    if AgreementAction.objects.filter(institution=institution, grounds=grounds).exists():
        return None
    agreement = institution.agreements.filter(status=Agreement.Status.ACTIVE).first()
    if agreement is None:
        return None
    action = agreement_action_propose(by=people["fund"], institution=institution, kind=kind, grounds=grounds,
                                      agreement=agreement, amount=amount or D("0"), starts_on=base if ends else None,
                                      ends_on=ends)  # fmt: skip
    action = agreement_action_approve(action=action, by=people["chief"], comment="同意")
    applied_on = min(base + timedelta(days=5), today)
    action = agreement_action_apply(action=action, by=people["fund"], today=today)
    AgreementAction.objects.filter(pk=action.pk).update(applied_at=_stamp(applied_on))
    RecoveryEntry.objects.filter(agreement_action=action, entry=RecoveryEntry.Entry.OBLIGATION).update(on=applied_on)
    return action


def _ledger(branch, people, institution, action, base: date, today: date, serial: int, tag: str) -> None:
    """The month's recovery is paid back a week later; every third month a self-inspection return."""
    paid_on = base + timedelta(days=8)
    if action is not None and paid_on < today:
        obligation = action.ledger_entries.filter(entry=RecoveryEntry.Entry.OBLIGATION).first()
        if obligation is not None and not obligation.settlements.exists():
            recovery_settle(obligation=obligation, entry=RecoveryEntry.Entry.PAYMENT, amount=obligation.amount,
                            on=paid_on, by=people["fund"], reference=f"退款凭证（{tag}）")  # fmt: skip
    note = f"自查自纠退回（{tag}）"
    if serial % 3 == 0 and not RecoveryEntry.objects.filter(jurisdiction=branch, note=note).exists():
        obligation = recovery_obligation_record(
            route=RecoveryEntry.Route.SELF_RETURN,
            amount=D(4200 + 300 * serial),
            on=base,
            by=people["fund"],
            institution=institution,
            note=note,
        )
        if paid_on < today:
            recovery_settle(obligation=obligation, entry=RecoveryEntry.Entry.OFFSET, amount=obligation.amount,
                            on=paid_on, by=people["fund"], note="从月度结算中扣回")  # fmt: skip


def _seed_branch(branch: OrgUnit, users: dict, today: date) -> int:
    code = branch.code.lower()
    people = {
        "officer1": users[f"{code}_officer1"], "officer2": users[f"{code}_officer2"], "chief": users[f"{code}_chief"],
        "legal": users["legal"], "fund": users.get(f"{code}_fund") or users["fund_officer"],
    }  # fmt: skip
    analyst = users["analyst"]
    institutions = list(Institution.objects.filter(jurisdiction=branch).order_by("code"))
    created = 0
    year = today.year
    for month in range(1, 13):
        base = _month_base(year, month)
        if base > today:
            break
        tag = f"{year}年{month}月"
        serial = month + int(branch.code[-1])
        lead = _leads(branch, people, institutions, base, today, serial, tag, analyst)
        if lead is not None and _case(branch, people, lead.institution, lead, base, today, serial, tag) is not None:
            created += 1
        _inspection(branch, people, institutions[(serial + 4) % len(institutions)], base, today, tag)
        _report(institutions[(serial + 6) % len(institutions)], base, tag)
        _measure(
            AgreementAction.Kind.INTERVIEW, people, institutions[(serial + 7) % len(institutions)], base, today, tag
        )
        recover = _measure(AgreementAction.Kind.RECOVER, people, institutions[(serial + 8) % len(institutions)], base,
                           today, tag, amount=D(5000 + 400 * serial))  # fmt: skip
        if recover is None:
            recover = AgreementAction.objects.filter(grounds__endswith=f"（{tag}）", kind="recover",
                                                     jurisdiction=branch).first()  # fmt: skip
        _ledger(branch, people, institutions[(serial + 9) % len(institutions)], recover, base, today, serial, tag)
        if month in (3, 8) and base + timedelta(days=30) < today:  # a suspension served and over
            _measure(AgreementAction.Kind.SUSPEND, people, institutions[(serial + 10) % len(institutions)], base,
                     today, tag, ends=base + timedelta(days=30))  # fmt: skip
    # Last year, for the comparison: a lead and an inspection a month.
    for month in range(1, 13):
        base = _month_base(year - 1, month)
        tag = f"{year - 1}年{month}月"
        serial = month + int(branch.code[-1])
        external_id = f"DEMO-STAT-{branch.code}-{tag}-0"
        if not Lead.objects.filter(external_id=external_id).exists():
            lead_create(
                by=analyst,
                institution=institutions[serial % len(institutions)],
                source=SOURCES[serial % 6],
                description=f"线索（{tag}）",
                amount=D(2000),
                received_on=base,
                external_id=external_id,
            )
        _inspection(branch, people, institutions[(serial + 4) % len(institutions)], base, today, tag)
    return created


def _issue_decisions(cases, users: dict) -> int | str:
    """The month's decided cases get their decision issued by the branch chief, as the demo's other cases do (the
    demo's own pass ran before these cases existed; leaving it to the next run would make that run add them)."""
    from enforcement.documents.models import Document
    from enforcement.documents.services import document_issue
    from portal import pdf

    problem = pdf.font_problem()
    if problem:
        return f"skipped ({problem})"
    issued = 0
    for case in cases.filter(state__in=["decided", "executing", "closed", "archived"], outcome="penalty"):
        if not Document.objects.filter(case=case, kind="penalty_decision").exists():
            document_issue(kind="penalty_decision", by=users[f"{case.jurisdiction.code.lower()}_chief"], case=case)
            issued += 1
    return issued


def seed(*, units: dict, users: dict, institutions=None) -> dict:
    today = timezone.localdate()
    created = sum(_seed_branch(units[code], users, today) for code in ("B01", "B02", "B03"))
    monthly = Case.objects.filter(title__regex=r"（\d{4}年\d{1,2}月）$").select_related("jurisdiction")
    issued = _issue_decisions(monthly.order_by("decided_on", "pk"), users)
    # What the daily job would have published of them (the demo's own pass ran before they existed).
    published = disclosures_publish_due(today=today)
    return {"new monthly cases": created, "monthly decisions issued": issued, "monthly decisions published": published,
            "ledger entries": RecoveryEntry.objects.count()}  # fmt: skip
