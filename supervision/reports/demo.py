"""Demo social supervisors and reports (issue 6): both supervisors appointed, with reports in several states
(awaiting a reply, replied, overdue), and a few public reports (anonymous and named). Keyed on the summary
of each report and the supervisor's appointment, so running it again adds nothing.

Reports are submitted through the services; the demo then moves their dates back (received weeks ago) so
the reply clock shows replies due, done and overdue — the only writes that bypass a service.
"""

from datetime import timedelta

from django.utils import timezone

from supervision.leads.models import Lead
from supervision.register.models import Institution
from supervision.reports import services as reports_services
from supervision.reports.models import Report, SupervisorAppointment, add_years

# username, appointing unit, days since appointment, contact officer, background
APPOINTMENTS = [
    ("supervisor1", "CITY", 200, "enf_officer1", "市人大代表"),
    ("supervisor2", "B02", 420, "b02_officer1", "参保群众代表"),
]

# supervisor, institution (branch, serial), summary, details, days ago, reply (or ""), lead step
SUPERVISOR_REPORTS = [
    ("supervisor1", ("B01", 10), "药店以医保卡套刷生活用品",
     "在该药店看到收银员用参保人医保卡结算洗发水、食用油等生活用品，小票显示为药品。", 30,
     "经核查，该药店存在串换结算行为，已责令整改并立案查处。感谢您的监督。", "confirm"),
    ("supervisor1", ("B02", 3), "医院疑似挂床住院", "多名住院患者白天不在病房，床头卡有名无人。", 4, "", ""),
    ("supervisor1", ("B02", 7), "卫生院重复收取诊查费", "同一次就诊被收取两次诊查费。", 40, "", "dispatch"),
    ("supervisor2", ("B02", 11), "药店诱导参保人刷卡返现", "药店宣传刷医保卡买药可返现金。", 25,
     "已转交分局核查，情况属实部分已依法处理。", "dismiss"),
    ("supervisor2", ("B03", 2), "医院过度检查", "患者普通感冒被要求做CT等多项检查。", 2, "", ""),
]  # fmt: skip

# institution, summary, details, anonymous?, reporter (name, ID, phone), days ago, reply
PUBLIC_REPORTS = [
    (("B01", 11), "药店出租医保卡结算终端", "有人在药店用他人医保卡大量购药后转卖。", True, None, 10, ""),
    (("B02", 2), "医院虚构住院记录", "我的家人从未住院，但医保账户显示有住院结算记录。联系人张建华。", False,
     ("张建华", "330102198503154321", "13812345678"), 20, "您反映的问题已立案调查，处理结果将另行告知。"),
    (("B03", 13), "诊所冒名就诊", "诊所使用我的医保卡为他人开药。", False,
     ("李秀英", "33010219700101002X", "13900001111"), 3, ""),
]  # fmt: skip


def _institution(branch: str, serial: int) -> Institution:
    return Institution.objects.filter(jurisdiction__code=branch).order_by("code")[serial - 1]


def _backdate(report: Report, days: int) -> None:
    received = timezone.localdate() - timedelta(days=days)
    Report.objects.filter(pk=report.pk).update(
        received_on=received,
        submitted_at=timezone.now() - timedelta(days=days),
        reply_due=reports_services.reply_due(received),
    )
    Lead.objects.filter(pk=report.lead_id).update(received_on=received)
    report.refresh_from_db()


def _lead_step(report: Report, step: str, users: dict) -> None:
    from supervision.leads import services as leads_services

    if not step:
        return
    lead = report.lead
    chief = users[f"{lead.jurisdiction.code.lower()}_chief"]
    lead = leads_services.lead_dispatch(lead=lead, by=chief)
    if step == "dispatch":
        return
    lead = leads_services.lead_start_verification(lead=lead, by=chief)
    if step == "confirm":
        leads_services.lead_confirm(lead=lead, by=chief, note="核查属实")
    elif step == "dismiss":
        leads_services.lead_dismiss(lead=lead, by=chief, reason="现场核查未发现返现行为")


def _reply(report: Report, text: str, users: dict) -> None:
    if text:
        reports_services.report_reply(report=report, by=users[f"{report.jurisdiction.code.lower()}_chief"], text=text)


def seed(*, units: dict, users: dict, institutions=None) -> dict:
    today = timezone.localdate()
    appointed = 0
    for username, unit_code, days, officer, background in APPOINTMENTS:
        user = users[username]
        if not SupervisorAppointment.objects.filter(user=user).exists():
            start = today - timedelta(days=days)
            reports_services.supervisor_appoint(
                user=user,
                unit=units[unit_code],
                by=users["admin"],
                appointed_on=start,
                term_ends_on=add_years(start, 2),
                contact_officer=users[officer],
                certificate_number=f"JCYB-JD-{start.year}-{appointed + 1:03d}",
                background=background,
            )
            appointed += 1
    created = 0
    for username, (branch, serial), summary, details, days, reply, step in SUPERVISOR_REPORTS:
        user = users[username]
        if Report.objects.filter(submitted_by=user, summary=summary).exists():
            continue
        report = reports_services.report_submit(
            by=user,
            institution=_institution(branch, serial),
            summary=summary,
            details=details,
            observed_on=today - timedelta(days=days + 3),
        )
        _backdate(report, days)
        _lead_step(report, step, users)
        _reply(report, reply, users)
        created += 1
    for (branch, serial), summary, details, anonymous, reporter, days, reply in PUBLIC_REPORTS:
        if Report.objects.filter(kind=Report.Kind.PUBLIC, summary=summary).exists():
            continue
        name, id_number, phone = reporter or ("", "", "")
        report = reports_services.public_report_submit(
            institution=_institution(branch, serial),
            summary=summary,
            details=details,
            observed_on=today - timedelta(days=days + 5),
            is_anonymous=anonymous,
            reporter_name=name,
            reporter_id_number=id_number,
            reporter_phone=phone,
            wants_reward=not anonymous,
        )
        _backdate(report, days)
        _reply(report, reply, users)
        created += 1
    return {"supervisor appointments": appointed, "reports": created}
