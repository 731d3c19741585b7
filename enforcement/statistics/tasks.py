"""Background refresh of the statistics' stored monthly aggregates (django-tasks; ``db_worker`` runs it)."""

from django_tasks import task

from enforcement.statistics.services import statistics_refresh, years_due


@task()
def statistics_refresh_task(year: int) -> dict:
    snapshot = statistics_refresh(year)
    return {"year": year, "through": snapshot.through.isoformat(), "refreshed_at": snapshot.refreshed_at.isoformat()}


def statistics_nightly(*, today=None) -> int:
    """Daily job (run by ``manage.py refresh_agreements`` with the other daily hooks): queue this year's and last
    year's refresh, so the closed months catch up with late changes and a new month's cut-off moves on."""
    years = years_due(today)
    for year in years:
        statistics_refresh_task.enqueue(year)
    return len(years)
