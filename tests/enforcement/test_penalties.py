"""Proposed penalties against the seeded rule table (Regulation Arts 36–44): fine ranges, suspension months,
returned funds, who a rule applies to, outcomes, and no heavier penalty after the prior notice (APL Art 45)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from enforcement.cases.models import Case, Report
from enforcement.cases.penalties import check_items, describe_range
from enforcement.rules.models import PenaltyRule

D = Decimal
CENT = D("0.01")


@pytest.fixture
def org_case(driver):
    return driver.open(amount="10000")


@pytest.fixture
def person_case(driver):
    return driver.open_person(amount="10000")


def fine(rule, amount, **extra):
    return {"kind": "fine", "rule": rule, "amount": D(amount), **extra}


def errors_of(case, items, outcome="penalty") -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as info:
        check_items(case, outcome, items)
    return info.value.message_dict["penalties"]


def test_seeded_rules_with_a_fine(rules):
    with_fine = {code for code, rule in rules.items() if rule.fine_basis != "none"}
    assert with_fine == {"R37", "R38", "R39", "R40", "R41b"}


@pytest.mark.parametrize(
    ("code", "party", "low", "high"),
    [
        ("R37", "org", "20000", "50000"),  # 2–5× of 10,000
        ("R38", "org", "10000", "20000"),  # 1–2×
        ("R39", "org", "10000", "50000"),  # fixed 10,000–50,000
        ("R40", "org", "20000", "50000"),  # 2–5×
        ("R41b", "person", "20000", "50000"),  # 2–5×
    ],
)
def test_fine_boundaries(request, rules, code, party, low, high):
    case = request.getfixturevalue(f"{party}_case")
    rule, low, high = rules[code], D(low), D(high)
    check_items(case, "penalty", [fine(rule, low)])
    check_items(case, "penalty", [fine(rule, high)])
    allowed = f"{low:,.2f}–{high:,.2f}"
    for outside in (low - CENT, high + CENT):
        [message] = errors_of(case, [fine(rule, outside)])
        assert f"{outside:,.2f} CNY is outside the allowed range" in message
        assert allowed in message, message


def test_fine_range_is_described_in_the_bureaus_language_too(rules, org_case):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        check_items(org_case, "penalty", [fine(rules["R40"], "19999.99")])
    assert "20,000.00–50,000.00" in str(info.value)


def test_describe_range(rules):
    with translation.override("en"):
        assert "10,000.00–50,000.00 CNY" in describe_range(rules["R39"], None)
        text = describe_range(rules["R40"], D("10000"))
        assert "2–5×" in text
        assert "20,000.00–50,000.00 CNY for 10,000.00" in text
        assert "no fine" in describe_range(rules["R36"], D("10000"))


def test_fine_on_another_basis_amount(rules, org_case):
    item = fine(rules["R38"], "5000", basis_amount=D("5000"))
    check_items(org_case, "penalty", [item])
    [message] = errors_of(org_case, [fine(rules["R38"], "4999.99", basis_amount=D("5000"))])
    assert "5,000.00–10,000.00" in message


def test_out_of_range_fine_is_refused_by_submit_report_and_nothing_is_stored(driver, rules):
    case = driver.case_in("investigating", amount="10000")
    with translation.override("en"), pytest.raises(ValidationError) as info:
        driver.act(case, "submit_report", penalties=[fine(rules["R38"], "20000.01")])
    assert "10,000.00–20,000.00" in str(info.value)
    assert Case.objects.get(pk=case.pk).state == "investigating"
    assert not Report.objects.filter(case=case).exists()


@pytest.mark.parametrize("code", ["R36", "R41a", "R42", "R43", "R44"])
def test_rules_without_a_fine_refuse_one(request, rules, code):
    case = request.getfixturevalue("person_case" if code in ("R41a",) else "org_case")
    [message] = errors_of(case, [fine(rules[code], "1000")])
    assert "provides no fine" in message


def test_fine_needs_a_rule_and_a_positive_amount(rules, org_case):
    assert "name the article" in errors_of(org_case, [fine(None, "1000")])[0]
    assert "positive amount" in errors_of(org_case, [fine(rules["R39"], "0")])[0]


def test_warning_needs_a_rule_that_gives_one_regulation_arts_36_44(rules, org_case):
    """Issue 14 item 5: a penalty kind needs a basis in the rule table; the Regulation (Arts 36–44) gives no
    warning, so a warning needs a rule that provides one. (Replaces a test that accepted a warning without a
    rule.)"""
    assert "name the article" in errors_of(org_case, [{"kind": "warning"}])[0]
    assert "provides no warning" in errors_of(org_case, [{"kind": "warning", "rule": rules["R38"]}])[0]
    local = PenaltyRule.objects.create(code="L1", article="地方", title="地方规定警告", subject="institution",
                                       warning=True)  # fmt: skip
    check_items(org_case, "penalty", [{"kind": "warning", "rule": local}])


# --- Suspension, return, confiscation, ban, termination -------------------------------------------------


@pytest.mark.parametrize(("code", "party", "low", "high"), [("R38", "org", 6, 12), ("R40", "org", 6, 12),
                                                            ("R41a", "person", 3, 12)])  # fmt: skip
def test_suspension_months(request, rules, code, party, low, high):
    case = request.getfixturevalue(f"{party}_case")
    for months in (low, high):
        check_items(case, "penalty", [{"kind": "suspension", "rule": rules[code], "months": months}])
    for months in (low - 1, high + 1, 0):
        [message] = errors_of(case, [{"kind": "suspension", "rule": rules[code], "months": months}])
        assert f"allows {low}–{high} months" in message


def test_rule_without_suspension_refuses_one(rules, org_case):
    [message] = errors_of(org_case, [{"kind": "suspension", "rule": rules["R39"], "months": 6}])
    assert "provides no suspension" in message


def test_return_of_funds_up_to_the_amount_involved(rules, org_case):
    # An order to return is not a penalty (Regulation Art 38): it stands with a no-penalty decision.
    check_items(org_case, "no_penalty", [{"kind": "return_funds", "rule": rules["R38"], "amount": D("10000")}])
    [message] = errors_of(
        org_case, [{"kind": "return_funds", "rule": rules["R38"], "amount": D("10000.01")}], outcome="no_penalty"
    )
    assert "more than the amount involved (10,000.00 CNY)" in message


def test_rule_that_orders_no_return(rules, org_case):
    [message] = errors_of(org_case, [{"kind": "return_funds", "rule": rules["R39"], "amount": D("100")}],
                          outcome="no_penalty")  # fmt: skip
    assert "does not order funds returned" in message


def test_confiscation_ban_and_termination_follow_the_rule(rules, org_case):
    check_items(org_case, "penalty", [{"kind": "confiscation", "rule": rules["R42"], "amount": D("500")}])
    check_items(org_case, "penalty", [{"kind": "ban", "rule": rules["R43"]}])
    check_items(org_case, "penalty", [{"kind": "termination", "rule": rules["R40"]}])
    assert "no confiscation" in errors_of(org_case, [{"kind": "confiscation", "rule": rules["R38"], "amount": 1}])[0]
    assert "no ban" in errors_of(org_case, [{"kind": "ban", "rule": rules["R38"]}])[0]
    assert "termination" in errors_of(org_case, [{"kind": "termination", "rule": rules["R38"]}])[0]


# --- Who the rule applies to; outcome ------------------------------------------------------------------------


@pytest.mark.parametrize(("party", "code"), [("org", "R41b"), ("org", "R41a"), ("person", "R38"), ("person", "R40"),
                                             ("person", "R37"), ("person", "R43")])  # fmt: skip
def test_rule_that_does_not_apply_to_the_party(request, rules, party, code):
    case = request.getfixturevalue(f"{party}_case")
    messages = errors_of(case, [{"kind": "warning", "rule": rules[code]}])
    assert any("does not apply to this party" in m for m in messages)


def test_rules_for_anyone_apply_to_both(rules, org_case, person_case):
    for case in (org_case, person_case):
        check_items(case, "penalty", [{"kind": "confiscation", "rule": rules["R42"], "amount": D("100")}])


def test_every_bad_item_is_reported(rules, org_case):
    messages = errors_of(org_case, [
        fine(rules["R38"], "1"), {"kind": "warning"}, {"kind": "suspension", "rule": rules["R38"], "months": 1},
    ])  # fmt: skip
    assert [m.split(":")[0] for m in messages] == [
        "Item 1 (Fine)", "Item 2 (Warning)", "Item 3 (Department service suspension)"
    ]  # fmt: skip


@pytest.mark.parametrize("outcome", ["no_penalty", "transfer"])
def test_outcome_without_penalty_has_no_items(rules, org_case, outcome):
    [message] = errors_of(org_case, [fine(rules["R38"], "10000")], outcome=outcome)
    assert "Without a penalty only orders may be given" in message
    check_items(org_case, outcome, [])


def test_penalty_outcome_needs_items(org_case):
    [message] = errors_of(org_case, [])
    assert "at least one penalty item" in message


def test_submit_report_checks_outcome_findings_and_transfer(driver):
    case = driver.case_in("investigating")
    with pytest.raises(ValidationError) as info:
        driver.act(case, "submit_report", outcome="fine")
    assert "outcome" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        driver.act(case, "submit_report", findings=" ")
    assert "findings" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        driver.act(case, "submit_report", outcome="transfer", penalties=[])
    assert "transfer_to" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        driver.act(case, "submit_report", outcome="no_penalty")  # the default items are a penalty's
    assert "penalties" in info.value.message_dict
    assert Case.objects.get(pk=case.pk).state == "investigating"


def test_transfer_report_is_not_approved_but_transferred(driver):
    case = driver.case_in("investigating")
    case = driver.act(case, "submit_report", outcome="transfer", penalties=[], transfer_to="江川市公安局")
    with pytest.raises(ValidationError):
        driver.act(case, "approve_report")
    assert Case.objects.get(pk=case.pk).state == "reviewing"


# --- No heavier penalty after the prior notice (APL Art 45) ----------------------------------------------------


@pytest.fixture
def notified_then_reinvestigated(driver, rules):
    """A case whose prior notice (return 60,000 + fine 60,000) was served, returned for more investigation
    after the party's statement (``return`` from ``notified``)."""
    case = driver.open(amount="60000")
    items = [{"kind": "return_funds", "rule": rules["R38"], "amount": D("60000")}, fine(rules["R38"], "60000")]
    case = driver.to(case, "notified", items=items)
    assert case.events.get(action="issue_notice").payload["report"] == case.reports.get(is_current=True).pk
    return driver.act(case, "return", comment="当事人陈述提出新的事实，需补充调查")


def test_resubmitted_report_may_not_raise_the_fine(driver, rules, notified_then_reinvestigated):
    case = notified_then_reinvestigated
    items = [{"kind": "return_funds", "rule": rules["R38"], "amount": D("60000")}, fine(rules["R38"], "60000.01")]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        driver.act(case, "submit_report", penalties=items)
    assert "may not be raised" in str(info.value)
    assert case.reports.count() == 1


def test_resubmitted_report_may_not_raise_the_returned_funds(driver, rules):
    case = driver.open(amount="60000")
    items = [{"kind": "return_funds", "rule": rules["R38"], "amount": D("50000")}, fine(rules["R38"], "60000")]
    case = driver.to(case, "notified", items=items)
    Case.objects.filter(pk=case.pk).update(state="investigating")
    items[0] = {"kind": "return_funds", "rule": rules["R38"], "amount": D("50000.01")}
    with pytest.raises(ValidationError):
        driver.act(case, "submit_report", penalties=items)


def test_resubmitted_report_may_keep_or_lower_the_penalty(driver, rules, notified_then_reinvestigated):
    case = notified_then_reinvestigated
    items = [{"kind": "return_funds", "rule": rules["R38"], "amount": D("60000")}, fine(rules["R38"], "60000")]
    case = driver.act(case, "submit_report", penalties=items)
    Case.objects.filter(pk=case.pk).update(state="investigating")
    case = driver.act(Case.objects.get(pk=case.pk), "submit_report", penalties=[fine(rules["R38"], "60000")])
    current = case.reports.get(is_current=True)
    assert (current.fine_total, current.return_total) == (D("60000"), D("0"))


def test_reports_before_any_notice_may_change_freely(driver, rules):
    case = driver.case_in("reviewing", amount="60000")
    case = driver.act(case, "return")
    case = driver.act(case, "submit_report", penalties=[fine(rules["R38"], "120000")])
    assert case.reports.get(is_current=True).fine_total == D("120000")
