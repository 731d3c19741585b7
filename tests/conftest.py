"""The fixed cast: one user per role, in a small org tree shaped like the demo organisation.

CITY ─┬─ ENF, MON, FUND (divisions: city-wide)
      ├─ B01 ── B01S
      └─ B02 ── B02S

Both are written once per test database and shared by the tests that use them, each test in a savepoint rolled
back at its end (tests/shared_db.py); ``org`` and ``cast`` hand each test fresh instances read back from it.
Slow data of one module is shared the same way with ``tests.shared_db.shared_fixture``.
"""

from dataclasses import dataclass
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from supervision.org.models import OrgUnit, User
from tests import shared_db
from tests.factories import AgreementFactory, InstitutionFactory, OrgUnitFactory, UserFactory, is_postgres
from tests.quick_print import quick_print


@dataclass
class Org:
    city: OrgUnit
    enf: OrgUnit
    mon: OrgUnit
    fund: OrgUnit
    b01: OrgUnit
    b01s: OrgUnit
    b02: OrgUnit
    b02s: OrgUnit


def build_org() -> Org:
    city = OrgUnitFactory(code="CITY", name="市医疗保障局", kind=OrgUnit.Kind.CITY)
    enf = OrgUnitFactory(code="ENF", name="监督执法局", kind=OrgUnit.Kind.DIVISION, parent=city)
    mon = OrgUnitFactory(code="MON", name="监测中心", kind=OrgUnit.Kind.DIVISION, parent=city)
    fund = OrgUnitFactory(code="FUND", name="基金管理中心", kind=OrgUnit.Kind.DIVISION, parent=city)
    b01 = OrgUnitFactory(code="B01", name="东湖分局", kind=OrgUnit.Kind.BRANCH, parent=city)
    b01s = OrgUnitFactory(code="B01S", name="东湖分中心", kind=OrgUnit.Kind.SUBCENTRE, parent=b01)
    b02 = OrgUnitFactory(code="B02", name="西山分局", kind=OrgUnit.Kind.BRANCH, parent=city)
    b02s = OrgUnitFactory(code="B02S", name="西山分中心", kind=OrgUnit.Kind.SUBCENTRE, parent=b02)
    return Org(city, enf, mon, fund, b01, b01s, b02, b02s)


@pytest.fixture
def org(db) -> Org:
    """The org tree: written once and shared (tests/shared_db.py); each test gets fresh instances of it."""
    ids = shared_db.base_ids()
    if ids is None:  # a transactional test: written inside the test
        return build_org()
    return _load_org(ids)


def _load_org(ids) -> Org:
    units = OrgUnit.objects.in_bulk(ids["org"].values())
    return Org(**{name: units[pk] for name, pk in ids["org"].items()})


CERT = {"certificate_number": "CERT-0001", "certificate_expires": date(2099, 12, 31)}


class Cast(dict):
    """username → user; attribute access for brevity (cast.b01_officer)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_cast(org) -> Cast:
    spec = {
        "director": [("director", org.city)],
        "legal": [("legal_reviewer", org.city)],
        "enf_officer": [("officer", org.enf)],
        "enf_chief": [("chief", org.enf)],
        "analyst": [("analyst", org.mon)],
        "fund_officer": [("fund_officer", org.fund)],
        "auditor": [("viewer", org.city)],
        "b01_chief": [("chief", org.b01)],
        "b01_officer": [("officer", org.b01)],
        "b01_fund": [("fund_officer", org.b01s)],
        "b02_chief": [("chief", org.b02)],
        "b02_officer": [("officer", org.b02)],
        "supervisor": [("supervisor", None)],
        "admin": [("admin", org.city)],
        "norole": [],
    }
    users = Cast()
    for username, roles in spec.items():
        extra = CERT if username.endswith("officer") and "fund" not in username else {}
        if username == "legal":  # APL Art 58 ¶2: a legal reviewer holds the legal-profession qualification
            extra = {"legal_qualification_number": "A20193301000001"}
        users[username] = UserFactory(username=username, roles=roles, **extra)
    users["admin"].is_superuser = users["admin"].is_staff = True
    users["admin"].save()
    return users


@pytest.fixture
def cast(org) -> Cast:
    """One user per role: written once with the org tree and shared; each test gets fresh instances."""
    ids = shared_db.base_ids()
    if ids is None:  # a transactional test: written inside the test
        return build_cast(org)
    return _load_cast(ids)


def _load_cast(ids) -> Cast:
    users = User.objects.in_bulk(ids["cast"].values())
    return Cast({name: users[pk] for name, pk in ids["cast"].items()})


def _build_base() -> dict:
    org = build_org()
    cast = build_cast(org)
    return {
        "org": {name: unit.pk for name, unit in vars(org).items()},
        "cast": {name: user.pk for name, user in cast.items()},
    }


def _load_base(ids) -> tuple[Org, Cast]:
    return _load_org(ids), _load_cast(ids)


shared_db.BASE_DATA.build = _build_base
shared_db.BASE_DATA.load = _load_base


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef, request):
    # Open the shared layers this test uses (and roll back the others) before its own transaction starts.
    if fixturedef.argname == "_django_db_helper":
        shared_db.before_test_transaction(request)


@shared_db.shared_fixture(base=False, scope="session")
def demo_data():
    """The demo data (seed_demo), seeded once for all the modules that test it (WORKER_GROUPS below) and rolled
    back at the end; on the migrated database, without the org tree and cast (its own accounts have their names).
    Seeding takes minutes (about 62,000 queries), so seeding it once instead of once per module is most of
    what keeps the suite within its time."""
    with quick_print():  # the data, not the print (tests/quick_print.py)
        call_command("seed_demo", stdout=StringIO())


# Modules whose tests share slow module-level data: under xdist all of a module's tests go to one worker, which
# writes the data once (the other tests are spread one by one as usual). --dist loadgroup with xdist_group marks
# would do this, but groups nothing under pytest 9.2 (pytest-dev/pytest-xdist#1386).
ONE_WORKER_MODULES = {
    "tests/supervision/test_seed_demo.py",
    "tests/supervision/test_bench_seed.py",
    "tests/enforcement/test_statistics.py",
    "tests/test_no_codes.py",
}
# Modules sharing a session layer (shared_fixture(scope="session")): module -> group. A group's modules go to one
# worker together, one after the other, which builds the layer once. xdist sends the largest groups first.
WORKER_GROUPS = {
    "tests/supervision/test_seed_demo.py": "demo data",
    "tests/supervision/test_bench_seed.py": "demo data",
    "tests/enforcement/test_statistics.py": "demo data",
    "tests/test_no_codes.py": "demo data",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            if module in WORKER_GROUPS:
                return WORKER_GROUPS[module]
            return module if module in ONE_WORKER_MODULES else nodeid

    return Scheduling(config, log)


@pytest.fixture(scope="session")
def _shared_layers(django_db_setup, django_db_blocker):
    yield shared_db.STACK
    with django_db_blocker.unblock():
        shared_db.STACK.close()


@pytest.fixture
def b01_institution(org):
    return InstitutionFactory(jurisdiction=org.b01, name="东湖人民医院")


@pytest.fixture
def b02_institution(org):
    return InstitutionFactory(jurisdiction=org.b02, name="西山中医医院")


@pytest.fixture
def b01_agreement(b01_institution):
    return AgreementFactory(institution=b01_institution)


@pytest.fixture
def b02_agreement(b02_institution):
    return AgreementFactory(institution=b02_institution)


@pytest.fixture
def client_for(client):
    """client_for(user) → a logged-in Django test client."""

    def make(user):
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for():
    """api_for(user) → a DRF APIClient authenticated as user (None for anonymous)."""

    def make(user=None):
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api

    return make


# Single tests that take long (the Spark parity test starts a JVM): run first, so that under xdist they overlap
# with the other worker's work instead of leaving one worker alone at the end. The order is the same on every
# worker (xdist requires it).
RUN_FIRST_MARKERS = ("spark",)


def pytest_collection_modifyitems(config, items):
    # Decided per item at run time, since the database is chosen by DATABASE_URL.
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.usefixtures("_require_postgres"))
    # The modules of a WORKER_GROUPS group one after the other (at the place of the first), so that a run without
    # xdist also builds their shared layer once; then the RUN_FIRST_MARKERS tests before all others.
    place = {}
    for index, item in enumerate(items):
        group = WORKER_GROUPS.get(item.nodeid.split("::", 1)[0])
        place[item] = place.setdefault(group, index) if group else index
    items.sort(key=lambda item: place[item])
    items.sort(key=lambda item: not any(item.get_closest_marker(name) for name in RUN_FIRST_MARKERS))


@pytest.fixture
def _require_postgres(db):
    if not is_postgres():
        pytest.skip("needs PostgreSQL")


@pytest.fixture(autouse=True)
def _postgres_only(request):
    # A usefixtures mark added in pytest_collection_modifyitems comes too late for pytest to resolve it,
    # so that hook alone never skipped anything; asking for the fixture here does.
    if request.node.get_closest_marker("postgres_only"):
        request.getfixturevalue("_require_postgres")
