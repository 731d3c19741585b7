"""Test data built once and shared: transactions held open on the test database, one per layer.

pytest-django runs each test in a transaction (a savepoint when one is already open) and rolls it back.
Before a test's own transaction starts (``pytest_fixture_setup`` of ``_django_db_helper``, in
tests/conftest.py), the layers the test asks for are opened under it, and the layers it does not use are
rolled back:

- ``base``: the org tree and the cast (tests/conftest.py), for every test that uses ``org`` or ``cast``;
  built once per test database (per xdist worker) and kept while consecutive tests use it;
- one layer per ``shared_fixture`` (e.g. the sweep's objects), built once per test module, on top of ``base``
  or of the migrated database;
- one layer per ``shared_fixture(scope="session")`` (the seeded demo data, tests/conftest.py), built once and
  kept while consecutive tests of any module use it; it sits under the module layers, so a module's data can
  build on it (seed_demo --bench on top of the demo). Modules sharing such a layer are sent to one xdist
  worker together (WORKER_GROUPS in tests/conftest.py), which builds it once.

So every test sees the data it asked for and nothing else, as when each built its own, and its writes are
rolled back at its end. Transactional tests (``transaction=True``, ``live_server``) get no layer: the flush
at their end would remove it. There the fixtures build their data inside the test, as they always did.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import DEFAULT_DB_ALIAS, transaction
from pytest_django.fixtures import validate_django_db

BASE = ("base",)


@dataclass
class Spec:
    """A layer a test may ask for: ``key`` names it, ``build(below)`` writes its data and returns its value
    (``below`` maps the keys of the layers under it to their values)."""

    key: tuple
    build: Callable[[dict], object]


@dataclass
class Layer:
    key: tuple
    atomic: object
    value: object = None


@dataclass
class Stack:
    layers: list[Layer] = field(default_factory=list)
    builds: int = 0  # how many layers were written in this process (about 20 per worker for the whole suite)

    def value(self, key):
        for layer in self.layers:
            if layer.key == key:
                return layer.value
        raise KeyError(key)

    def has(self, key) -> bool:
        return any(layer.key == key for layer in self.layers)

    def reconcile(self, wanted: list[Spec]) -> None:
        keep = 0
        while keep < min(len(self.layers), len(wanted)) and self.layers[keep].key == wanted[keep].key:
            keep += 1
        self.close(keep)
        for spec in wanted[keep:]:
            self._open(spec)

    def _open(self, spec: Spec) -> None:
        below = {layer.key: layer.value for layer in self.layers}
        atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
        atomic.__enter__()
        layer = Layer(spec.key, atomic)
        self.layers.append(layer)
        try:
            layer.value = spec.build(below)
        except BaseException:
            self.close(len(self.layers) - 1)
            raise
        self.builds += 1

    def close(self, keep: int = 0) -> None:
        """Roll back every layer above the first ``keep``."""
        while len(self.layers) > keep:
            layer = self.layers.pop()
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            layer.atomic.__exit__(None, None, None)


STACK = Stack()
SPECS: dict[str, tuple] = {}  # shared fixture name -> (defining module, needs the base layer, builder, scope)


@dataclass
class Base:
    """How the base layer is written and read back (tests/conftest.py sets both)."""

    build: Callable[[], object] = None  # writes the org tree and the cast, returns their ids
    load: Callable[[object], tuple] = None  # ids -> (org, cast), fresh instances read from the database


BASE_DATA = Base()


def is_transactional(request) -> bool:
    """pytest-django's own rule (``_django_db_helper``) for a TransactionTestCase-style test."""
    marker = request.node.get_closest_marker("django_db")
    if marker:
        transactional, reset_sequences, *_rest = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    names = request.fixturenames
    return any(name in names for name in ("transactional_db", "live_server", "django_db_reset_sequences"))


def wanted_layers(request) -> list[Spec]:
    if is_transactional(request):
        return []
    names = set(request.fixturenames)
    # Session layers under module layers (a module's data may build on the session's), each kind by name.
    shared = sorted(
        ((name, *SPECS[name]) for name in names if name in SPECS), key=lambda spec: (spec[4] != "session", spec[0])
    )
    wanted = []
    if "org" in names or any(needs_base for _name, _module, needs_base, _builder, _scope in shared):
        wanted.append(Spec(BASE, lambda below: BASE_DATA.build()))
    for name, _defined_in, needs_base, builder, scope in shared:
        wanted.append(Spec(_key(name, scope, request), _module_builder(builder, needs_base)))
    return wanted


def _key(name: str, scope: str, request) -> tuple:
    return (name,) if scope == "session" else (name, request.node.module.__name__)


def _module_builder(builder, needs_base):
    def build(below):
        return builder(*BASE_DATA.load(below[BASE])) if needs_base else builder()

    return build


def before_test_transaction(request) -> None:
    """Called just before pytest-django opens the test's transaction (tests/conftest.py)."""
    wanted = wanted_layers(request)
    if not wanted and not STACK.layers:
        return
    request.getfixturevalue("_shared_layers")  # rolls every layer back at the end of the session
    with request.getfixturevalue("django_db_blocker").unblock():
        STACK.reconcile(wanted)


def base_ids():
    """The ids of the shared org tree and cast, or None when this test runs without the base layer."""
    return STACK.value(BASE) if STACK.has(BASE) else None


def shared_fixture(*, base: bool = True, scope: str = "module"):
    """Decorator: a fixture whose data is written once per test module and rolled back at the module's end.

    With ``scope="session"`` the data is written once for every module that uses it (kept while consecutive
    tests ask for it, whatever their module); list those modules in WORKER_GROUPS (tests/conftest.py) so that
    xdist runs them one after the other on one worker.

    The decorated function writes the data and returns what the tests get: ``builder(org, cast)`` when
    ``base`` (on top of the shared org tree and cast), else ``builder()`` on the migrated database. The
    value is shared by the module's tests: treat it as read-only (database writes are rolled back per test,
    Python attributes are not). Names must be unique across the suite. A transactional test asking for it
    gets the data written inside the test instead.
    """

    if scope not in ("module", "session"):
        raise ValueError(f"shared_fixture scope must be 'module' or 'session', not {scope!r}")

    def decorate(builder):
        name = builder.__name__
        known = SPECS.get(name)
        if known and known[0] != builder.__module__:
            raise RuntimeError(f"shared fixture {name!r} is defined twice ({known[0]}, {builder.__module__})")
        SPECS[name] = (builder.__module__, base, builder, scope)

        @pytest.fixture(name=name)
        def fixture(request, db):
            key = _key(name, scope, request)
            if STACK.has(key):
                return STACK.value(key)
            if base:
                return builder(request.getfixturevalue("org"), request.getfixturevalue("cast"))
            return builder()

        fixture.__doc__ = builder.__doc__
        return fixture

    return decorate
