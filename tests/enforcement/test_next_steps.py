"""What happens next on a case (issue 15 item 5): who must act and what is missing, on the page and in the API."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enforcement.cases.models import CaseState
from enforcement.cases.procedure import ACTIONS, available_actions
from enforcement.cases.selectors import next_steps
from enforcement.cases.views import case_detail_queryset
from enforcement.legal.selectors import applicable
from enforcement.rules.models import Thresholds
from supervision.org.models import Role

ZH = settings.LANGUAGE_CODE


def fresh(case, user):
    """The case as its page reads it: through the detail queryset, every prefetch done."""
    return case_detail_queryset(user).get(pk=case.pk)


def lines(case, user, lang=ZH):
    with translation.override(lang):
        return next_steps(fresh(case, user), user)


def texts(case, user, lang=ZH) -> list[str]:
    return [line.text for line in lines(case, user, lang)]


@pytest.mark.parametrize("state", [s.value for s in CaseState])
def test_every_state_says_what_happens_next_in_words(driver, cast, state):
    case = driver.case_in(state)
    assert case.state == state
    found = lines(case, cast.b01_chief)
    assert found and all(line.text for line in found)
    for line in found:
        # Names, never codes or logins.
        for code in [*(str(r) for r in Role), "b01_", "B01", "CITY"]:
            assert code not in line.text, (state, line.text)
    steps = [line for line in found if line.who != "您"]
    if state in ("archived", "not_filed", "transferred", "terminated"):
        assert steps == [found[0]] and steps[0].who == "" and not steps[0].missing
    else:
        assert any(line.text.startswith("待 ") for line in steps), (state, texts(case, cast.b01_chief))
        assert all("分局" in line.who or "医疗保障局" in line.who for line in steps if line.who)


def test_filing_with_one_officer_waits_for_the_chief_and_a_second_officer(driver, cast):
    case = driver.open()  # the opener is the only officer on the case
    first = lines(case, cast.b01_officer)[0]
    assert first.who == "东湖分局 负责人"
    assert first.missing == ["还需指派第二名执法人员"]
    assert first.text == f"待 东湖分局 负责人 批准立案（立案决定期限 {case.filing_due}）；还需指派第二名执法人员"
    assert first.can_act is False


def test_filing_with_two_officers_misses_nothing(driver, cast, b01_officer2):
    case = driver.open()
    driver.act(case, "assign_officers", data={"officers": [driver.o1.pk, b01_officer2.pk]})
    first = lines(case, cast.b01_chief)[0]
    assert first.missing == [] and first.text == f"待 东湖分局 负责人 批准立案（立案决定期限 {case.filing_due}）"


def test_the_viewer_who_can_act_is_told_what_they_can_do(driver, cast):
    case = driver.open()
    chief = lines(case, cast.b01_chief)
    assert chief[0].can_act is True
    assert chief[-1].who == "您" and chief[-1].can_act
    assert chief[-1].text.startswith("您可以：批准立案、不予立案")
    officer = lines(case, cast.b01_officer)
    assert not any(line.text.startswith("您可以") for line in officer)


def test_a_major_case_in_deciding_needs_the_collective_discussion_and_the_director(driver, cast):
    case = driver.case_in("deciding", is_major=True)
    first = lines(case, cast.b01_chief)[0]
    assert first.who == "市医疗保障局 局领导"
    assert first.text.startswith(f"待 市医疗保障局 局领导 作出处罚决定（处罚决定期限 {case.decision_due}）")
    assert first.missing == ["还需集体讨论（由 市医疗保障局 局领导 登记）"]
    assert lines(case, cast.b01_chief)[0].can_act is False  # the chief may decide ordinary cases only
    driver.act(case, "record_discussion")
    assert lines(case, cast.director)[0].missing == []
    assert lines(case, cast.director)[0].can_act is True


def test_an_ordinary_case_in_deciding_names_who_may_decide(driver, cast):
    case = driver.case_in("deciding", amount="10000")  # fine + return 20,000: no gate holds
    first = lines(case, cast.b01_chief)[0]
    assert first.who == "东湖分局 负责人或市医疗保障局 局领导"
    assert first.missing == []


def test_notified_names_the_statement_window_and_the_hearing_request_window(driver, cast):
    case = driver.open()  # served today (the driver's usual notice, 60 days ago, has both windows closed)
    case = driver.to(case, "notifying")
    case = driver.act(case, "issue_notice", served_on=driver.dates.today)
    found = texts(case, cast.b01_officer)
    due = case.hearing_request_due
    assert f"当事人可在 {due} 前申请听证，届时由 东湖分局 执法人员 登记听证申请。" in found
    assert any(t.startswith("待 东湖分局 执法人员 结束陈述申辩期") and f"陈述申辩期至 {due} 届满" in t for t in found)


def test_executing_says_what_is_still_to_be_paid(driver, cast):
    case = driver.case_in("executing")
    found = lines(case, cast.b01_officer)
    payment, close = found[0], found[1]
    assert payment.who == "东湖分局 执法人员或经办稽核员"
    assert payment.text.startswith(f"待 东湖分局 执法人员或经办稽核员 登记缴款（缴款期限 {case.payment_due}）；尚有 ")
    assert close.who == "东湖分局 负责人" and close.missing
    paid = driver.pay_all(case)
    found = lines(paid, cast.b01_chief)
    assert found[0].text == "待 东湖分局 负责人 结案" and found[0].can_act


def test_closed_waits_for_whoever_the_table_says_archives(driver, cast):
    case = driver.case_in("closed")
    roles = ACTIONS["archive"].roles
    assert len(roles) == 1
    with translation.override(ZH):
        label = str(Role(next(iter(roles))).label)
    first = lines(case, cast.b01_chief)[0]
    assert first.text.startswith(f"待 东湖分局 {label} 归档")


def test_archived_says_the_file_is_frozen(driver, cast):
    case = driver.case_in("archived")
    assert lines(case, cast.b01_chief)[0].text == "已归档，卷宗不可更改。"


def test_english_when_the_viewer_chose_it(driver, cast):
    case = driver.open()
    first = lines(case, cast.b01_officer, lang="en")[0]
    assert first.text.startswith("Awaiting 东湖分局 Chief: Approve filing")


# --- Queries --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["filing", "notified", "deciding", "executing", "closed"])
def test_no_line_costs_a_query(driver, cast, state):
    """With the page's actions and thresholds, next_steps reads only the detail queryset's prefetches."""
    case = driver.case_in(state, is_major=state == "deciding")
    user = cast.b01_chief
    user.role_assignments
    page = fresh(case, user)
    actions = applicable(available_actions(page, user), page)
    thresholds = Thresholds.objects.current()
    with CaptureQueriesContext(connection) as ctx:
        found = next_steps(page, user, actions=actions, thresholds=thresholds)
    assert found and len(ctx.captured_queries) == 0, [q["sql"] for q in ctx.captured_queries]


def test_on_its_own_it_costs_the_same_few_queries_in_every_state(driver, cast):
    user = cast.b01_chief
    user.role_assignments
    counts = {}
    for state in ("filing", "investigating", "deciding", "executing", "archived"):
        page = fresh(driver.case_in(state), user)
        with CaptureQueriesContext(connection) as ctx:
            next_steps(page, user)
        counts[state] = len(ctx.captured_queries)
    assert len(set(counts.values())) == 1 and max(counts.values()) <= 3, counts


# --- Page and API -----------------------------------------------------------------------------------------------


def test_the_case_page_shows_the_box(driver, cast, client_for):
    case = driver.open()
    page = client_for(cast.b01_officer).get(reverse("enforcement:case-detail", args=[case.pk])).content.decode()
    assert "接下来" in page
    assert "待 东湖分局 负责人 批准立案" in page and "还需指派第二名执法人员" in page
    assert "本案当前没有需要您办理的事项。" not in page


def test_the_api_detail_has_next_steps_in_the_requests_language(driver, cast, api_for):
    case = driver.open()
    api = api_for(cast.b01_officer)
    body = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["next_steps"][0] == {
        "who": "东湖分局 负责人",
        "text": f"待 东湖分局 负责人 批准立案（立案决定期限 {case.filing_due}）；还需指派第二名执法人员",
        "missing": ["还需指派第二名执法人员"],
    }
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert body["next_steps"][0]["text"].startswith("Awaiting 东湖分局 Chief: Approve filing")
    listing = api.get("/api/v1/cases/").json()["results"]
    assert "next_steps" not in listing[0]  # the detail's field: a list row does not pay for it


def test_the_schema_declares_next_steps(api_for, cast):
    schema = api_for(cast.b01_chief).get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    retrieve = schema["paths"]["/api/v1/cases/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    detail = components[retrieve["schema"]["$ref"].rsplit("/", 1)[-1]]
    field = detail["properties"]["next_steps"]
    assert field["type"] == "array" and field["readOnly"] is True
    item = components[field["items"]["$ref"].rsplit("/", 1)[-1]]
    assert set(item["properties"]) == {"who", "text", "missing"}
    assert item["properties"]["missing"]["type"] == "array"


# --- The approve-filing form --------------------------------------------------------------------------------------


def test_approve_filing_proposes_the_officers_on_the_case_with_the_opener_as_lead(driver, cast, client_for):
    case = driver.open()
    url = reverse("enforcement:case-act", args=[case.pk, "approve_filing"])
    form = client_for(cast.b01_chief).get(url).context["form"]
    assert form["officers"].initial == [driver.o1.pk]
    assert form["lead_officer"].initial == driver.o1.pk


def test_approve_filing_proposes_every_officer_already_assigned(driver, cast, client_for, b01_officer2):
    case = driver.open()
    driver.act(case, "assign_officers", data={"officers": [b01_officer2.pk]})  # the opener was left out
    url = reverse("enforcement:case-act", args=[case.pk, "approve_filing"])
    form = client_for(cast.b01_chief).get(url).context["form"]
    assert set(form["officers"].initial) == {driver.o1.pk, b01_officer2.pk}
    assert form["lead_officer"].initial == b01_officer2.pk
    assert str(form["officers"]).count("checked") == 2


def test_a_reported_police_transfer_waits_for_the_director(driver, cast):
    case = driver.case_in("investigating")
    driver.act(case, "report_police_transfer")
    transfer = case.police_transfers.get()
    found = lines(case, cast.director)
    line = next(line for line in found if line.who == "市医疗保障局 局领导")
    assert str(transfer.approval_due) in line.text and line.can_act
