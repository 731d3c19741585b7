"""The bench data set's cases (contract §Bench: 30,000 cases spread over all states), run by
``supervision.bench_data.seed`` from ``settings.BENCH_SEEDERS``.

Each case is written as the procedure would have left it in its state: the timeline events of every step on the
way (``open`` first, the last event's target is the case's state), the dates and clocks each step sets, two
certified officers of the case's branch once it is filed, the investigation report and its proposed penalties,
the decided amounts, the payments of a settled case. Amounts are chosen against the thresholds in force, so the
gates hold: a case in legal review needed it, a case in hearing had the right to one, and no case needs a
collective discussion. Some terminal cases come from the bench leads confirmed long ago, which become
``converted``. Case numbers continue each branch's yearly series (``supervision.numbering``).
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from bench.seed_supervision import (
    LEAD_PREFIX,
    VIOLATION_CODES,
    Bench,
    at,
    bulk,
    record_bulk,
    scaled,
    working_days_after,
)
from enforcement.cases import clocks
from enforcement.cases.models import Case, CaseEvent, CaseOfficer, Payment, ProposedPenalty, Report
from enforcement.cases.services import CLOSE_BASES
from enforcement.legal.models import CasePause
from enforcement.rules.models import PenaltyRule, Thresholds, ViolationType
from portal import audit
from portal.numbering import NumberSequence
from supervision.leads.models import Lead

CASES = 30_000
# state: share of the cases (every state of the procedure)
STATE_SHARES = {
    "filing": 0.06, "not_filed": 0.05, "investigating": 0.14, "suspended": 0.01, "reviewing": 0.05,
    "legal_review": 0.03, "notifying": 0.03, "notified": 0.04, "hearing": 0.02, "deciding": 0.04, "decided": 0.03,
    "executing": 0.08, "closed": 0.10, "archived": 0.25, "transferred": 0.03, "terminated": 0.04,
}  # fmt: skip
TERMINAL = {"not_filed", "closed", "archived", "transferred", "terminated"}
# How long ago the last step of a case in this state may have been taken (days): open cases are recent.
LAST_STEP_AGE = {state: (0, 40) for state in STATE_SHARES} | {
    "filing": (0, 25), "investigating": (0, 100), "executing": (0, 60),
    "not_filed": (10, 900), "closed": (10, 700), "archived": (40, 900), "transferred": (10, 900),
    "terminated": (10, 900),
}  # fmt: skip
TITLES = {
    "OVER_STANDARD_CHARGE": "超标准收费案", "SUBSTITUTION": "串换药品案", "OVER_TESTING": "过度检查案",
    "PHANTOM_BED": "挂床住院案", "DUPLICATE_CHARGE": "重复收费案", "SPLIT_ITEM_CHARGE": "分解项目收费案",
    "EXCESS_PRESCRIBING": "超量开药案", "REPEAT_PRESCRIBING": "重复开药案",
}  # fmt: skip
D = Decimal


def _path(state: str, legal: bool, hearing_right: bool, rng: random.Random) -> list[str]:
    """The actions that lead from ``open`` to ``state`` (domain §4), for a case with these gates."""
    if state == "filing":
        return []
    if state == "not_filed":
        return ["reject_filing"]
    steps = ["approve_filing"]
    if state in ("investigating", "suspended", "transferred", "terminated"):
        last = {"suspended": ["suspend"], "transferred": ["transfer"], "terminated": ["terminate"]}
        return steps + last.get(state, [])
    steps.append("submit_report")
    if state == "reviewing":
        return steps
    steps.append("approve_report")
    if state == "legal_review":
        return steps
    if legal:
        steps.append("pass_legal_review")
    if state == "notifying":
        return steps
    steps.append("issue_notice")
    if state == "notified":
        return steps
    if state == "hearing":
        return [*steps, "request_hearing"]
    steps += ["request_hearing", "record_hearing"] if hearing_right and rng.random() < 0.5 else ["close_window"]
    later = ["decide", "record_service", "record_payment", "record_payment", "close", "archive"]
    stop = {"deciding": 0, "decided": 1, "executing": 2, "closed": 5, "archived": 6}[state]
    steps += later[:stop]
    if state == "executing" and rng.random() < 0.5:
        steps.append("record_payment")  # part of the money is in
    return steps


GAPS = {  # days after the previous step
    "approve_filing": (2, 10), "reject_filing": (2, 12), "submit_report": (15, 45), "approve_report": (2, 7),
    "pass_legal_review": (3, 10), "issue_notice": (2, 7), "request_hearing": (1, 3), "record_hearing": (9, 14),
    "close_window": (10, 14), "decide": (3, 10), "record_service": (1, 5), "record_payment": (2, 6),
    "close": (1, 10), "archive": (5, 30), "transfer": (10, 40), "terminate": (10, 40), "suspend": (10, 40),
}  # fmt: skip
MAX_SPAN = 3 + 10 + 45 + 7 + 10 + 7 + 14 + 14 + 10 + 5 + 6 + 6 + 10 + 30  # open … archive, the longest path


def seed(*, bench: Bench, rng: random.Random) -> dict:
    total = scaled(CASES, bench.scale, len(STATE_SHARES))
    thresholds = Thresholds.objects.current()
    violations = {v.code: v for v in ViolationType.objects.filter(code__in=VIOLATION_CODES)}
    rule = PenaltyRule.objects.get(code="R38")
    legal_min = thresholds.legal_review_org / 2  # returned funds + a fine of 1× the amount
    hearing_min = thresholds.hearing_fine_org
    ceiling = min(thresholds.collective_fine, hearing_min * D("2.4"))
    states = [s for s, share in STATE_SHARES.items() for _ in range(max(1, round(total * share)))][:total]
    rng.shuffle(states)
    pool = _lead_pool(bench)
    branches = [b for b in bench.branches if bench.institutions[b.pk] and len(bench.officers[b.pk]) >= 2]
    plans = []
    for n, state in enumerate(states):
        branch = branches[n % len(branches)]
        if state == "hearing" or (state != "legal_review" and rng.random() < 0.1):
            amount = _between(hearing_min, ceiling, rng)
        elif state == "legal_review" or rng.random() < 0.28:
            amount = _between(legal_min + 1000, hearing_min - 1000, rng)
        else:
            amount = _between(D("3000"), legal_min - 1000, rng)
        legal, hearing_right = 2 * amount >= thresholds.legal_review_org, amount >= hearing_min
        lead = pool[branch.pk].pop() if state in TERMINAL and pool[branch.pk] and rng.random() < 0.45 else None
        plans.append(_plan(bench, branch, state, amount, legal, hearing_right, lead, rng))
    cases = _write(bench, plans, violations, rule, rng)
    converted = _convert_leads(plans, cases)
    record_bulk(model=Case, count=len(cases), what="cases in every state with their timelines")
    if converted:
        record_bulk(model=Lead, count=converted, what="bench leads converted into cases")
    return {"bench cases": len(cases), "bench leads converted": converted}


def _between(low: Decimal, high: Decimal, rng: random.Random) -> Decimal:
    return D(rng.randrange(int(low) * 100, int(high) * 100)) / 100


def _lead_pool(bench: Bench) -> dict:
    """Bench leads confirmed long ago, per branch: they can have become a case that has run its course."""
    pool = defaultdict(list)
    waiting = Lead.objects.filter(
        external_id__startswith=LEAD_PREFIX, status=Lead.Status.CONFIRMED, received_on__lte=bench.today - timedelta(300)
    ).only("pk", "received_on", "decided_on", "jurisdiction_id", "institution_id")
    for lead in waiting.order_by("-pk"):
        pool[lead.jurisdiction_id].append(lead)
    return pool


def _plan(bench, branch, state, amount, legal, hearing_right, lead, rng) -> dict:
    """One case: who, what, and the dated steps of its timeline."""
    officers = rng.sample(bench.officers[branch.pk], 2)
    if lead is not None:
        institution = next(i for i in bench.institutions[branch.pk] if i.pk == lead.institution_id)
    else:
        institution = rng.choice(bench.institutions[branch.pk])
    steps = _path(state, legal, hearing_right, rng)
    if lead is not None:
        received = lead.received_on
        opened = lead.decided_on + timedelta(days=rng.randrange(1, 4))
    else:
        age = rng.randint(*LAST_STEP_AGE[state])
        span = 3 + sum(GAPS[s][1] for s in steps) + 15
        received = bench.today - timedelta(days=age + span)
        opened = received + timedelta(days=rng.randrange(0, 3))
    dated, day = [], opened
    for step in steps:
        low, high = GAPS[step]
        day = day + timedelta(days=rng.randint(low, high))
        if step == "close_window":  # only once the hearing-request window has ended (long holidays included)
            notice = next(d for s, d in dated if s == "issue_notice")
            day = max(day, working_days_after(notice, clocks.clock("hearing_request_working_days")) + timedelta(1))
        dated.append((step, day))
    return {
        "branch": branch, "institution": institution, "state": state, "amount": amount, "legal": legal,
        "hearing_right": hearing_right, "lead": lead, "officers": officers, "chief": bench.chiefs[branch.pk],
        "legal_reviewer": rng.choice(bench.legal), "received": received, "opened": opened, "steps": dated,
        "code": rng.choice(VIOLATION_CODES),
    }  # fmt: skip


def _write(bench: Bench, plans: list[dict], violations: dict, rule: PenaltyRule, rng: random.Random) -> list[Case]:
    # Numbers continue each branch's series of the year the case was opened in.
    counters = {}
    order = sorted(range(len(plans)), key=lambda i: (plans[i]["opened"], i))
    for index in order:
        plan = plans[index]
        key = (f"case:{plan['branch'].code}", plan["opened"].year)
        if key not in counters:
            row = NumberSequence.objects.filter(series=key[0], year=key[1]).first()
            counters[key] = row.last if row else 0
        counters[key] += 1
        plan["number"] = f"{plan['branch'].code}-{key[1]}-{counters[key]:04d}"
    for (series, year), last in counters.items():
        NumberSequence.objects.update_or_create(series=series, year=year, defaults={"last": last})

    settled_basis = audit.official_text(CLOSE_BASES["settled"])
    rows = []
    for plan in plans:
        institution, amount, o1 = plan["institution"], plan["amount"], plan["officers"][0]
        case = Case(
            number=plan["number"], title=f"{institution.name}{TITLES[plan['code']]}", institution=institution,
            party_kind=Case.PartyKind.ORGANISATION, party_name=institution.name, party_address=institution.address,
            jurisdiction_id=plan["branch"].pk, amount_involved=amount, state=plan["state"],
            facts="医保智能监管系统筛查发现异常结算数据，经初步核查存在违规嫌疑。", lead=plan["lead"],
            lead_received_on=plan["received"],
            filing_due=working_days_after(plan["received"], clocks.clock("filing_working_days")),
            opened_by=o1, opened_at=at(plan["opened"], rng),
        )  # fmt: skip
        for step, day in plan["steps"]:
            _apply(case, step, day, plan, settled_basis)
        rows.append(case)
    cases = bulk(Case, rows, batch_size=2000)

    through = Case.violation_types.through
    bulk(through, [through(case_id=c.pk, violationtype_id=violations[p["code"]].pk)
                   for c, p in zip(cases, plans, strict=True)])  # fmt: skip
    # A suspended case's decision clock stands still from the day it was suspended (中止, issue 14).
    pauses = [
        CasePause(case=case, kind=CasePause.Kind.SUSPENSION, reason="当事人下落不明", recorded_by=plan["chief"],
                  started_on=next(day for step, day in plan["steps"] if step == "suspend"))
        for case, plan in zip(cases, plans, strict=True) if plan["state"] == "suspended"
    ]  # fmt: skip
    bulk(CasePause, pauses)
    officers, reports, payments = [], [], []
    for case, plan in zip(cases, plans, strict=True):
        o1, o2 = plan["officers"]
        officers.append(CaseOfficer(case=case, user=o1, is_lead=True, assigned_at=case.opened_at))
        filed = next((day for step, day in plan["steps"] if step == "approve_filing"), None)
        if filed is not None:
            officers.append(CaseOfficer(case=case, user=o2, is_lead=False, assigned_at=at(filed, rng)))
        submitted = next((day for step, day in plan["steps"] if step == "submit_report"), None)
        if submitted is not None:
            conduct = TITLES[plan["code"]].rstrip("案")
            reports.append(Report(
                case=case, outcome=Case.Outcome.PENALTY, proposed_by=o1, proposed_at=at(submitted, rng),
                findings=f"经调查，{case.party_display}存在{conduct}行为，涉及医保基金{case.amount_involved}元，"
                         "事实清楚，证据确凿。",
                reasoning="首次违法，主动配合调查，按一般情节裁量。",
            ))  # fmt: skip
    bulk(CaseOfficer, officers)
    reports = bulk(Report, reports)
    report_of = {r.case_id: r for r in reports}
    penalties = []
    for report in reports:
        amount = report.case.amount_involved
        penalties.append(ProposedPenalty(report=report, kind="return_funds", rule=rule, amount=amount))
        penalties.append(ProposedPenalty(report=report, kind="fine", rule=rule, amount=amount, basis_amount=amount))
    bulk(ProposedPenalty, penalties)
    for case, plan in zip(cases, plans, strict=True):
        paid = [day for step, day in plan["steps"] if step == "record_payment"]
        for kind, day in zip(("return_funds", "fine"), paid, strict=False):
            due = case.return_amount if kind == "return_funds" else case.fine_amount
            if case.state == "executing":
                due = (due / 2).quantize(D("0.01"))  # part of the money is in
            payments.append(Payment(case=case, kind=kind, amount=due, paid_on=day, reference=f"缴款书{case.number}",
                                    recorded_by=plan["officers"][0], recorded_at=at(day, rng)))  # fmt: skip
    payments = bulk(Payment, payments)
    payments_of = defaultdict(list)
    for payment in payments:
        payments_of[payment.case_id].append(payment)
    events = []
    for case, plan in zip(cases, plans, strict=True):
        events.extend(_events(case, plan, report_of.get(case.pk), payments_of[case.pk], rng))
    bulk(CaseEvent, events)
    return cases


def _apply(case: Case, step: str, day: date, plan: dict, settled_basis: str) -> None:
    """What the step's handler (enforcement.services.cases) sets on the case."""
    if step == "approve_filing":
        case.filed_on, case.decision_due = day, clocks.decision_due(day)
    elif step in ("reject_filing", "terminate"):
        case.closed_on = day
        case.close_reason = "线索核查不实，不予立案" if step == "reject_filing" else "机构已注销，终止调查"
    elif step == "issue_notice":
        case.notice_served_on = day
        case.hearing_request_due = working_days_after(day, clocks.clock("hearing_request_working_days"))
    elif step == "request_hearing":
        case.hearing_notice_on = day + timedelta(days=1)
    elif step == "record_hearing":
        case.hearing_held_on, case.hearing_chair = day, plan["legal_reviewer"]
    elif step == "close_window":
        pass  # the window had closed: the gap (≥ 10 days) is longer than 5 working days but for long holidays
    elif step == "decide":
        case.decided_on = day
        case.service_due = working_days_after(day, clocks.clock("service_working_days"))
        case.outcome = Case.Outcome.PENALTY
        case.fine_amount = case.return_amount = case.amount_involved
    elif step == "record_service":
        case.served_on, case.payment_due = day, clocks.payment_due(day)
    elif step == "close":
        case.closed_on, case.close_reason = day, settled_basis
    elif step == "transfer":
        case.transferred_to, case.closed_on = "江川市卫生健康委员会", day


def _events(case: Case, plan: dict, report, payments: list, rng: random.Random) -> list[CaseEvent]:
    o1, o2 = plan["officers"]
    chief, legal = plan["chief"], plan["legal_reviewer"]
    state = "filing"
    opening = {"violation_codes": [plan["code"]], "amount_involved": str(case.amount_involved)}
    events = [CaseEvent(case=case, action="open", from_state="", to_state=state, actor=o1, at=case.opened_at,
                        payload=opening)]  # fmt: skip
    paid = iter(payments)
    for step, day in plan["steps"]:
        actor, comment, payload, target = o1, "", {}, state
        if step == "approve_filing":
            actor, comment, target = chief, "同意立案", "investigating"
            payload = {"officers": [o1.username, o2.username], "decision_due": case.decision_due.isoformat()}
        elif step == "reject_filing":
            actor, comment, target = chief, case.close_reason, "not_filed"
        elif step == "submit_report":
            target = "reviewing"
            payload = {"report": report.pk, "outcome": "penalty", "penalties": [
                {"kind": "return_funds", "rule": "R38", "amount": str(case.amount_involved)},
                {"kind": "fine", "rule": "R38", "amount": str(case.amount_involved)}]}  # fmt: skip
        elif step == "approve_report":
            actor, comment = chief, "同意调查终结报告"
            target = "legal_review" if plan["legal"] else "notifying"
            payload = {"report": report.pk}
        elif step == "pass_legal_review":
            actor, comment, target = legal, "事实清楚，适用依据正确，程序合法", "notifying"
            payload = {"opinion": comment}
        elif step == "issue_notice":
            actor, target = o2, "notified"
            payload = {"report": report.pk, "hearing_right": plan["hearing_right"],
                       "window_ends": case.hearing_request_due.isoformat()}  # fmt: skip
        elif step == "request_hearing":
            comment, target = "当事人书面申请听证", "hearing"
            payload = {"requested_on": day.isoformat(), "hearing_notice_on": case.hearing_notice_on.isoformat()}
        elif step == "record_hearing":
            target = "deciding"
            payload = {
                "held_on": day.isoformat(),
                "chair": legal.username,
                "record": "听证会依法举行，当事人进行了陈述和申辩。",
            }
        elif step == "close_window":
            actor, comment, target = o2, "当事人未提出陈述申辩", "deciding"
        elif step == "decide":
            actor, comment, target = chief, "同意作出行政处罚决定", "decided"
            payload = {"report": report.pk, "outcome": "penalty", "fine": str(case.fine_amount),
                       "return": str(case.return_amount)}  # fmt: skip
        elif step == "record_service":
            target = "executing"
            payload = {"served_on": day.isoformat(), "method": "直接送达"}
        elif step == "record_payment":
            payment = next(paid)
            payload = {"payment": payment.pk, "kind": payment.kind, "amount": str(payment.amount)}
        elif step == "close":
            actor, comment, target = chief, "处罚决定已执行完毕", "closed"
            payload = {"basis": "settled", "outstanding": "0.00"}
        elif step == "archive":
            comment, target = "一案一卷归档", "archived"
        elif step == "transfer":
            actor, target = chief, "transferred"
            comment = "涉嫌违反卫生健康管理规定，移送卫生健康部门"
            payload = {
                "transfer_to": case.transferred_to,
                "receipt": f"移送回执〔{day.year}〕{case.pk}号",
                "to_police": False,
            }
        elif step == "terminate":
            actor, comment, target = chief, case.close_reason, "terminated"
        elif step == "suspend":  # 中止: the decision clock stops while the case waits (issue 14)
            actor, comment, target = chief, "当事人下落不明，案件中止调查", "suspended"
        events.append(CaseEvent(case=case, action=step, from_state=state, to_state=target, actor=actor,
                                at=at(day, rng), comment=comment, payload=payload))  # fmt: skip
        state = target
    assert state == case.state, (case.number, state, case.state)
    return events


def _convert_leads(plans: list[dict], cases: list[Case]) -> int:
    """The leads the terminal cases came from become ``converted`` (what lead_mark_converted records)."""
    case_type = ContentType.objects.get_for_model(Case)
    leads = []
    for plan, case in zip(plans, cases, strict=True):
        lead = plan["lead"]
        if lead is None:
            continue
        lead.status, lead.converted_type, lead.converted_id = Lead.Status.CONVERTED, case_type, case.pk
        leads.append(lead)
    Lead.objects.bulk_update(leads, ["status", "converted_type", "converted_id"], batch_size=2000)
    return len(leads)


def publish(*, bench: Bench, rng: random.Random) -> dict:
    """What the daily public-disclosure job (issue 6) would have published of the bench cases: every decided
    penalty, masked by the service's own text builder, within its working days of the decision. Bulk-written
    (the job's per-case path takes minutes for 14,000 cases); without it the next ``seed_demo`` would publish
    them and a second run would not be a no-op."""
    from enforcement.public import services as disclosure
    from enforcement.public.models import Disclosure

    due = Case.objects.filter(
        state__in=disclosure.PUBLISHED_STATES, outcome=Case.Outcome.PENALTY, decided_on__isnull=False,
        disclosure__isnull=True, opened_by__username__startswith="bench_",
    ).select_related("institution").prefetch_related("violation_types")  # fmt: skip
    rows = []
    for case in due.iterator(chunk_size=2000):
        publish_by = working_days_after(case.decided_on, settings.PUBLIC_DISCLOSURE["publish_working_days"])
        published = min(
            bench.today, case.decided_on + timedelta(days=rng.randint(1, max(1, (publish_by - case.decided_on).days)))
        )
        rows.append(Disclosure(
            kind=Disclosure.Kind.PENALTY, case=case, jurisdiction_id=case.jurisdiction_id, decided_on=case.decided_on,
            publish_due=publish_by, published_at=at(published, rng), **disclosure._case_text(case),
        ))  # fmt: skip
    bulk(Disclosure, rows)
    if rows:
        record_bulk(model=Disclosure, count=len(rows), what="decided bench cases published (daily job)")
        disclosure._bump_cache()
    # Whatever else the job publishes (terminated agreements, …) goes through the job itself: a few hundred rows.
    others = disclosure.disclosures_publish_due(today=bench.today)
    return {"bench decisions published": len(rows), "bench other disclosures": others}
