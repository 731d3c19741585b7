"""Background tasks of the credit app: the nightly recomputation of ratings (a safety net: ratings are
already recomputed in the transaction of every event)."""

from django_tasks import task

from credit.services import ratings_recompute_all


@task()
def recompute_ratings_task(year: int | None = None) -> dict:
    return {"recomputed": ratings_recompute_all(year=year)}
