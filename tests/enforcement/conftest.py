"""Helpers for the enforcement service tests: more certified officers, the seeded penalty rules, and a
case driver that moves a case along the procedure through ``case_act`` with backdated dates.

The driver's dates count back from ``timezone.localdate()`` so every clock stays consistent whatever day the
suite runs: lead T-100, filing T-80, prior notice T-60, hearing requested T-58 (its notice T-57, held T-45),
decision T-30, service T-28 (payment due T-13), payments on the day of service.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcement.cases import gates
from enforcement.cases.models import Case
from enforcement.cases.services import case_act, case_open
from enforcement.rules.models import PenaltyRule
from tests.enforcement.casefile_helpers import complete_file
from tests.factories import UserFactory

D = Decimal
VALID_CERT = {"certificate_expires": date(2099, 12, 31)}


def certified_user(username: str, roles, number: str, **extra):
    """A user with an enforcement certificate valid until 2099 (override with certificate_expires=...)."""
    return UserFactory(username=username, roles=roles, certificate_number=number, **{**VALID_CERT, **extra})


@pytest.fixture
def b01_officer2(org):
    return certified_user("b01_officer2", [("officer", org.b01)], "CERT-B01-0002")


@pytest.fixture
def b01_officer3(org):
    return certified_user("b01_officer3", [("officer", org.b01)], "CERT-B01-0003")


@pytest.fixture
def rules(db) -> dict[str, PenaltyRule]:
    return {rule.code: rule for rule in PenaltyRule.objects.all()}


@dataclass
class Dates:
    today: date = field(default_factory=timezone.localdate)

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    @property
    def lead(self):
        return self.ago(100)

    @property
    def filed(self):
        return self.ago(80)

    @property
    def notice(self):
        return self.ago(60)

    @property
    def requested(self):
        return self.ago(58)

    @property
    def hearing_notice(self):
        return self.ago(57)

    @property
    def held(self):
        return self.ago(45)

    @property
    def decided(self):
        return self.ago(30)

    @property
    def served(self):
        return self.ago(28)


class CaseDriver:
    """Opens B01 cases and takes procedure actions with sensible actors and data (overridable per call)."""

    def __init__(self, org, cast, officer2, rules, institution):
        self.org, self.cast, self.rules, self.institution = org, cast, rules, institution
        self.o1, self.o2 = cast.b01_officer, officer2
        self.chief, self.legal, self.director = cast.b01_chief, cast.legal, cast.director
        self.dates = Dates()
        self._reports: dict[int, tuple[str, list[dict]]] = {}
        self.fill_file = True  # before close and archive, add what the case file lacks (tests of it set False)

    # --- opening ---------------------------------------------------------------------------------------

    def open(self, *, by=None, codes=("OVER_TREATMENT",), amount="100000", **kwargs) -> Case:
        kwargs.setdefault("title", "东湖人民医院过度诊疗案")
        kwargs.setdefault("institution", self.institution)
        kwargs.setdefault("lead_received_on", self.dates.lead)
        return case_open(by=by or self.o1, violation_codes=list(codes), amount_involved=D(amount), **kwargs)

    def open_person(self, *, amount="2000", codes=("IMPERSONATED_USE",), **kwargs) -> Case:
        kwargs.setdefault("title", "李四冒用他人医保凭证案")
        return self.open(institution=None, party_kind=Case.PartyKind.PERSON, party_name="李四", amount=amount,
                         codes=codes, **kwargs)  # fmt: skip

    # --- reports -----------------------------------------------------------------------------------------

    def standard_items(self, case) -> list[dict]:
        """Return of the amount involved and a 1× fine under Art 38 (100,000 → hearing right, legal review)."""
        return [
            {"kind": "return_funds", "rule": self.rules["R38"], "amount": case.amount_involved},
            {"kind": "fine", "rule": self.rules["R38"], "amount": case.amount_involved},
        ]

    def plan_report(self, case, items=None, outcome="penalty") -> None:
        self._reports[case.pk] = (outcome, items)

    def report_data(self, case, items=None, outcome=None) -> dict:
        planned_outcome, planned_items = self._reports.get(case.pk, ("penalty", None))
        outcome = outcome or planned_outcome
        if items is None:
            items = planned_items if planned_items is not None else (
                self.standard_items(case) if outcome == "penalty" else []
            )  # fmt: skip
        data = {"outcome": outcome, "findings": "经调查，违规事实清楚，证据确凿。", "penalties": items,
                "reasoning": "首次违法，按一般情节裁量。"}  # fmt: skip
        if outcome == "no_penalty":
            data["no_penalty_ground"] = "minor"  # APL Art 33(1)
        return data

    # --- actions -----------------------------------------------------------------------------------------

    def args(self, case, action: str) -> dict:
        """Actor, comment and data that make ``action`` succeed on ``case`` in the driver's usual setup."""
        d, c = self.dates, self.cast
        if action == "approve_filing":
            data = {"officers": [self.o1.pk, self.o2.pk], "lead_officer": self.o1.pk, "filed_on": d.filed}
            return {"by": self.chief, "comment": "同意立案", "data": data}
        if action == "reject_filing":
            return {"by": self.chief, "comment": "线索核查不实，不予立案", "data": {}}
        if action == "assign_officers":
            return {"by": self.chief, "comment": "调整办案人员", "data": {"officers": [self.o1.pk, self.o2.pk]}}
        if action == "declare_recusal":
            return {"by": self.chief, "comment": "与当事人有利害关系", "data": {"officer": self.o2.pk}}
        if action == "submit_report":
            return {"by": self.o1, "comment": "调查终结", "data": self.report_data(case)}
        if action == "return":
            by = self.legal if case.state == "legal_review" else self.chief
            return {"by": by, "comment": "事实不清，退回补充调查", "data": {}}
        if action == "approve_report":
            return {"by": self.chief, "comment": "同意调查终结报告", "data": {}}
        if action == "pass_legal_review":
            return {"by": self.legal, "comment": "事实清楚，适用依据正确，程序合法", "data": {}}
        if action == "issue_notice":
            return {"by": self.o1, "comment": "直接送达告知书", "data": {"served_on": d.notice}}
        if action == "record_statement":
            data = {"statement": "当事人称系系统操作失误", "response": "经复核，陈述理由不成立"}
            return {"by": self.o1, "comment": "记录陈述申辩", "data": data}
        if action == "request_hearing":
            data = {"requested_on": d.requested, "hearing_notice_on": d.hearing_notice}
            return {"by": self.o1, "comment": "当事人书面申请听证", "data": data}
        if action == "record_hearing":
            data = {"held_on": d.held, "chair": c.enf_chief.pk, "record": "听证笔录：当事人对事实无异议。"}
            return {"by": self.o1, "comment": "听证已举行", "data": data}
        if action == "close_window":
            return {"by": self.o1, "comment": "当事人未提出陈述申辩", "data": {}}
        if action == "record_discussion":
            data = {
                "held_on": d.today,
                "participants": "周建国、林雅琴、赵德明",
                "conclusion": "同意",
                "purpose": "decision",
            }
            return {"by": self.director, "comment": "集体讨论", "data": data}
        if action == "decide":
            by = self.director if gates.evaluate(case)["collective"].applies else self.chief
            return {"by": by, "comment": "同意作出决定", "data": {"decided_on": d.decided}}
        if action == "record_service":
            return {"by": self.o1, "comment": "直接送达", "data": {"served_on": d.served, "method": "直接送达"}}
        if action == "record_payment":
            data = {"kind": "fine", "amount": D("1000"), "paid_on": case.served_on, "reference": "缴款书001"}
            return {"by": self.o1, "comment": "", "data": data}
        if action == "close":
            return {"by": self.chief, "comment": "执行完毕", "data": {"basis": "settled"}}
        if action == "transfer":
            data = {"transfer_to": "江川市卫生健康委员会", "receipt": "移送回执〔2026〕3号"}
            return {"by": self.chief, "comment": "移送卫生健康部门", "data": data}
        if action == "terminate":
            return {"by": self.chief, "comment": "机构已注销，终止调查", "data": {}}
        if action == "archive":
            return {"by": self.chief, "comment": "一案一卷归档", "data": {}}
        if action == "revoke_decision":
            return {"by": self.director, "comment": "经行政复议撤销原处罚决定", "data": {}}
        if action == "extend":
            return {"by": self.chief, "comment": "案情复杂，延长办案期限", "data": {"days": 30}}
        if action == "supervise":
            return {"by": self.director, "comment": "市局督办", "data": {"city_deadline": d.today + timedelta(days=30)}}
        if action == "take_over":
            return {"by": self.director, "comment": "市局提级办理", "data": {"unit": self.org.enf.pk}}
        return self.legal_args(case, action)

    def legal_args(self, case, action: str) -> dict:
        """The actions of issue 14: suspension, excluded periods, transfer to the police, appeals, payment plans."""
        d = self.dates
        if action == "suspend":
            return {"by": self.chief, "comment": "当事人下落不明，中止调查", "data": {"suspended_on": d.today}}
        if action == "resume":
            return {"by": self.chief, "comment": "中止情形消除，恢复调查", "data": {"resumed_on": d.today}}
        if action == "record_excluded_period":
            data = {"kind": "appraisal", "started_on": d.filed + timedelta(days=1),
                    "ended_on": d.filed + timedelta(days=5)}  # fmt: skip
            return {"by": self.o1, "comment": "委托司法鉴定", "data": data}
        if action == "report_police_transfer":
            data = {"police": "江川市公安局东湖分局", "suspected_offence": "诈骗罪", "reported_on": d.today}
            return {"by": self.o1, "comment": "涉嫌诈骗，报请移送", "data": data}
        if action == "decide_police_transfer":
            return {"by": self.director, "comment": "同意移送", "data": {"approve": True}}
        if action == "hand_over_police":
            return {"by": self.o1, "comment": "已移送", "data": {"receipt": "公安受案回执〔2026〕8号"}}
        if action == "record_police_feedback":
            return {"by": self.o1, "comment": "公安机关已立案", "data": {"accepted": True, "feedback_on": d.today}}
        if action == "record_appeal":
            return {"by": self.o1, "comment": "当事人申请行政复议",
                    "data": {"kind": "reconsideration", "started_on": d.today}}  # fmt: skip
        if action == "end_appeal":
            return {"by": self.o1, "comment": "复议维持", "data": {"ended_on": d.today, "result": "维持"}}
        if action == "propose_payment_plan":
            left = case.fine_amount - sum((p.amount for p in case.payments.filter(kind="fine")), D("0"))
            first = (left / 2).quantize(D("0.01"))
            plan = [{"due_on": d.today + timedelta(days=30), "amount": first},
                    {"due_on": d.today + timedelta(days=60), "amount": left - first}]  # fmt: skip
            data = {"kind": "instalments", "reason": "经营困难，申请分期缴纳罚款", "instalments": plan}
            return {"by": self.o1, "comment": "当事人申请分期", "data": data}
        if action == "decide_payment_plan":
            return {"by": self.chief, "comment": "同意分期", "data": {"approve": True}}
        raise KeyError(action)

    # Steps an action needs first (e.g. a hand-over needs an approved transfer); taken only when missing.
    PREREQUISITES = {
        "decide_police_transfer": ("report_police_transfer", "reported"),
        "hand_over_police": ("decide_police_transfer", "approved"),
        "record_police_feedback": ("hand_over_police", "handed_over"),
    }

    def prepare(self, case, action: str) -> None:
        if action in ("close", "archive") and self.fill_file:
            complete_file(case, self.o1)  # the file must be complete to close and archive (issue 15)
        if action in self.PREREQUISITES:
            before, state = self.PREREQUISITES[action]
            if not case.police_transfers.filter(state=state).exists():
                self.prepare(case, before)
                self.act(case, before)
        elif action == "end_appeal" and not case.pauses.filter(kind__in=["reconsideration", "litigation"]).exists():
            self.act(case, "record_appeal")
        elif action == "decide_payment_plan" and not case.payment_plans.filter(state="proposed").exists():
            self.act(case, "propose_payment_plan")

    def act(self, case, action: str, *, by=None, comment=None, data=None, **data_overrides) -> Case:
        """Take ``action`` with the driver's defaults; ``by``, ``comment`` and data keys can be overridden
        (``data`` and keyword arguments are merged over the default data; a key set to None drops it)."""
        self.prepare(case, action)
        defaults = self.args(case, action)
        merged = {**defaults["data"], **(data or {}), **data_overrides}
        return case_act(
            case=case,
            action=action,
            by=by or defaults["by"],
            comment=defaults["comment"] if comment is None else comment,
            data=merged,
        )

    def pay_all(self, case, paid_on=None, by=None) -> Case:
        paid_on = paid_on or case.served_on
        for kind, due in (("return_funds", case.return_amount), ("fine", case.fine_amount),
                          ("confiscation", case.confiscation_amount)):  # fmt: skip
            if due:
                case = self.act(case, "record_payment", by=by, kind=kind, amount=due, paid_on=paid_on)
        return case

    def next_step(self, case, hearing=None) -> Case:
        state = case.state
        if state == "notified":
            if hearing is None:
                hearing = gates.evaluate(case)["hearing"].applies
            return self.act(case, "request_hearing" if hearing else "close_window")
        if state == "deciding" and gates.evaluate(case)["collective"].applies:
            if not case.discussions.filter(purpose="decision").exists():
                case = self.act(case, "record_discussion")
            return self.act(case, "decide")
        if state == "executing":
            return self.act(self.pay_all(case), "close")
        step = {
            "filing": "approve_filing", "investigating": "submit_report", "reviewing": "approve_report",
            "legal_review": "pass_legal_review", "notifying": "issue_notice", "hearing": "record_hearing",
            "deciding": "decide", "decided": "record_service", "closed": "archive",
        }[state]  # fmt: skip
        return self.act(case, step)

    def to(self, case, target: str, *, hearing=None, items=None, outcome="penalty") -> Case:
        """Advance ``case`` along the procedure until it is in ``target`` (the main path, or an exit)."""
        if items is not None or outcome != "penalty":
            self.plan_report(case, items, outcome)
        exits = {"not_filed": ("filing", "reject_filing"), "transferred": ("investigating", "transfer"),
                 "terminated": ("investigating", "terminate"), "suspended": ("investigating", "suspend")}  # fmt: skip
        if target in exits:
            before, action = exits[target]
            return self.act(self.to(case, before), action)
        for _ in range(20):
            if case.state == target:
                return case
            if case.state == "archived":
                break
            case = self.next_step(case, hearing)
        raise AssertionError(f"{target} is not on the path taken (ended in {case.state})")

    def case_in(self, state: str, **kwargs) -> Case:
        open_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in ("codes", "amount", "title", "is_major")}
        return self.to(self.open(**open_kwargs), state, **kwargs)


@pytest.fixture
def driver(org, cast, b01_officer2, rules, b01_institution) -> CaseDriver:
    return CaseDriver(org, cast, b01_officer2, rules, b01_institution)


def termination_defaults(kwargs: dict) -> dict:
    """A termination names its ground and evidence (Order No.2 Art 43, issue 14): a related case's fraud, or the
    two suspensions in the term."""
    kwargs.setdefault("termination_ground", "confirmed-fraud" if kwargs.get("case") else "two-suspensions")
    kwargs.setdefault("evidence", "行政处罚决定书及两次中止协议处理记录")
    return kwargs


def dual_role_user(org, username="b01_chief_officer"):
    """A B01 chief who also holds the officer role (with a valid certificate)."""
    return certified_user(username, [("chief", org.b01), ("officer", org.b01)], "CERT-B01-0099")
