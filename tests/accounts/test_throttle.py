"""The login throttle: serialised across app instances, a limit per client address, and
growing delays instead of a hard lock. Runs on SQLite and (TRACKER_TEST_DATABASE_URL) on
PostgreSQL."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, func, select

from tests.conftest import PASSWORD, csrf_token, do_login, is_postgres, make_config
from tracker import create_app
from tracker.accounts import services
from tracker.accounts.models import LoginAttempt

PROCESSES = 4
ATTEMPTS = 6  # per process
MAX_FAILURES = 5  # tracker.config.LOGIN_MAX_FAILURES
WINDOW = timedelta(minutes=15)  # tracker.config.LOGIN_FAILURE_WINDOW
WRONG = "fel-lösenord"
ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.9"


def client_from(app: Any, address: str) -> Any:
    """A test client whose requests come from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def failures(session: Session, **where: Any) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(~col(LoginAttempt.success))
    for name, value in where.items():
        query = query.where(getattr(LoginAttempt, name) == value)
    session.expire_all()
    return session.exec(query).one()


def age(session: Session, by: timedelta, *, oldest: int | None = None, **where: Any) -> None:
    """Move attempts back in time (all matching, or only the `oldest` n of them)."""
    query = select(LoginAttempt).order_by(col(LoginAttempt.at), col(LoginAttempt.id))
    for name, value in where.items():
        query = query.where(getattr(LoginAttempt, name) == value)
    rows = session.exec(query).all()
    for row in rows if oldest is None else rows[:oldest]:
        row.at -= by
        session.add(row)
    session.commit()


# ---- one account, four app instances at once --------------------------------------------


def _wrong_logins(database_url: str, tmp_dir: str, email: str, barrier: Any, queue: Any) -> None:
    """One app instance (like one gunicorn worker) sending wrong passwords."""
    try:
        # A long first delay, so the result does not depend on how fast this machine is.
        app = create_app(
            make_config(database_url, Path(tmp_dir), LOGIN_FAILURE_DELAY=timedelta(minutes=10))
        )
        client = app.test_client()
        token = csrf_token(client)
        barrier.wait(timeout=120)
        codes = [
            client.post(
                "/login", data={"email": email, "password": "fel-lösenord", "csrf_token": token}
            ).status_code
            for _ in range(ATTEMPTS)
        ]
        app.extensions["db_engine"].dispose()
        queue.put(codes)
    except Exception as exc:  # reported to the parent, which fails the test
        queue.put(repr(exc))


def test_parallel_wrong_passwords_over_several_processes_are_throttled(
    app, make, session, database_url, tmp_path
):
    user = make.user("ombud")
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    queue = ctx.Queue()
    procs = [
        ctx.Process(
            target=_wrong_logins, args=(database_url, str(tmp_path), user.email, barrier, queue)
        )
        for _ in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    queue.close()
    queue.join_thread()
    assert all(isinstance(r, list) for r in results), results
    codes = [c for r in results for c in r]
    checked, throttled = codes.count(400), codes.count(429)
    assert (checked, throttled) == (MAX_FAILURES, PROCESSES * ATTEMPTS - MAX_FAILURES), codes
    assert failures(session, email=user.email) == MAX_FAILURES

    # This app's own settings: 30 s after the fifth failure. Even the right password waits.
    client = app.test_client()
    resp = do_login(client, user.email)
    assert resp.status_code == 429
    assert "För många misslyckade inloggningar" in resp.get_data(as_text=True)
    assert failures(session, email=user.email) == MAX_FAILURES  # refused: not recorded
    age(session, timedelta(seconds=31), email=user.email)
    assert do_login(client, user.email).status_code == 302


def test_login_post_checks_the_throttle_inside_the_locked_write_transaction(app, make):
    """SQLite: the POST's transaction is BEGIN IMMEDIATE (the write lock) from its first
    statement, and the throttle reads run in it. PostgreSQL: the advisory locks come first,
    address before account."""
    user = make.user("ombud")
    client = client_from(app, ATTACKER)
    token = csrf_token(client)
    statements: list[str] = []

    def _on_execute(_conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", _on_execute)
    try:
        data = {"email": user.email, "password": "fel", "csrf_token": token}
        assert client.post("/login", data=data).status_code == 400
    finally:
        event.remove(engine, "before_cursor_execute", _on_execute)
    throttle_reads = [i for i, s in enumerate(statements) if "FROM login_attempt" in s]
    insert = next(i for i, s in enumerate(statements) if s.startswith("INSERT INTO login_attempt"))
    assert len(throttle_reads) == 3 and max(throttle_reads) < insert
    if is_postgres(app):
        locks = [i for i, s in enumerate(statements) if "pg_advisory_xact_lock" in s]
        # the address's lock and read, then the account's lock and reads
        assert len(locks) == 2
        assert locks[0] < throttle_reads[0] < locks[1] < throttle_reads[1]
    else:
        assert statements[0] == "BEGIN IMMEDIATE"
        assert not any(s.startswith(("BEGIN", "COMMIT", "ROLLBACK")) for s in statements[1:insert])


def test_lock_keys_are_stable_and_fit_postgres_integers():
    key = services._lock_key("anna@example.se")
    assert key == services._lock_key("anna@example.se")
    assert -(2**31) <= key < 2**31
    assert key != services._lock_key("anna@example.com")


# ---- per client address -----------------------------------------------------------------


def test_address_is_throttled_after_30_failures_over_many_accounts(app, make, session):
    user = make.user("ombud")
    attacker = client_from(app, ATTACKER)
    for i in range(30):  # ten accounts, three guesses each: no account reaches its limit
        assert do_login(attacker, f"konto{i % 10}@example.se", "fel").status_code == 400
    assert failures(session, ip=ATTACKER) == 30
    # the 31st attempt is refused whatever the account – even a right password
    resp = do_login(attacker, user.email)
    assert resp.status_code == 429
    assert do_login(attacker, "konto0@example.se", "fel").status_code == 429
    assert failures(session, ip=ATTACKER) == 30  # refused attempts are not recorded
    # another address is not affected
    neighbour = client_from(app, NEIGHBOUR)
    assert do_login(neighbour, user.email).status_code == 302
    # the window slides: once the oldest failure is 15 minutes old, one more guess
    age(session, WINDOW + timedelta(seconds=1), oldest=1, ip=ATTACKER)
    assert do_login(attacker, "konto0@example.se", "fel").status_code == 400
    assert do_login(attacker, "konto0@example.se", "fel").status_code == 429
    # all of them old: the address logs in again
    age(session, WINDOW + timedelta(seconds=1), ip=ATTACKER)
    assert do_login(attacker, user.email).status_code == 302


def test_account_limit_still_holds_below_the_address_limit(app, make, session):
    user = make.user("ombud")
    client = client_from(app, NEIGHBOUR)
    for _ in range(MAX_FAILURES):
        assert do_login(client, user.email, "fel").status_code == 400
    assert do_login(client, user.email).status_code == 429
    # from another address too: the account's wait is the account's
    other = client_from(app, ATTACKER)
    assert do_login(other, user.email).status_code == 429
    assert failures(session, ip=NEIGHBOUR) == MAX_FAILURES


def test_no_address_skips_the_address_limit(app):
    with Session(app.extensions["db_engine"]) as s:
        for i in range(40):
            services.record_attempt(s, f"konto{i}@example.se", ip=None, success=False)
        s.commit()
        retry = services.throttle_for(
            s, "ny@example.se", ip=None, max_failures=MAX_FAILURES, window=WINDOW
        )
        assert retry is None
        # the same failures from one address would refuse it
        for i in range(30):
            services.record_attempt(s, f"konto{i}@example.se", ip=ATTACKER, success=False)
        s.commit()
        retry = services.throttle_for(
            s, "ny@example.se", ip=ATTACKER, max_failures=MAX_FAILURES, window=WINDOW
        )
        assert retry is not None and timedelta(minutes=14) < retry <= WINDOW
        s.rollback()


# ---- growing delays ---------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(services, "utcnow", c)
    return c


def _attempt(s: Session, email: str, password: str = WRONG) -> services.LoginResult:
    result = services.authenticate(
        s, email, password, max_failures=MAX_FAILURES, window=WINDOW, ip=NEIGHBOUR
    )
    s.commit()  # like the login view: the lock ends with the recorded attempt
    return result


def _wait(s: Session, email: str) -> timedelta | None:
    retry = services.throttle_for(s, email, ip=NEIGHBOUR, max_failures=MAX_FAILURES, window=WINDOW)
    s.rollback()
    return retry


def test_delay_doubles_with_each_further_failure_up_to_the_window(app, make, clock):
    user = make.user("ombud")
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        for _ in range(MAX_FAILURES):
            result = _attempt(s, user.email)
            assert result.user is None and not result.throttled
        assert _wait(s, user.email) == timedelta(seconds=30)
        refused = _attempt(s, user.email, PASSWORD)  # the right password waits too
        assert refused.throttled and refused.retry_after == timedelta(seconds=30)
        clock.advance(timedelta(seconds=20))
        assert _attempt(s, user.email).retry_after == timedelta(seconds=10)  # not recorded
        clock.advance(timedelta(seconds=10))

        expected = [60, 120, 240, 480, 900, 900, 900]
        for seconds in expected:
            result = _attempt(s, user.email)  # the wait is over: this guess is checked
            assert not result.throttled
            assert _wait(s, user.email) == timedelta(seconds=seconds)
            clock.advance(timedelta(seconds=seconds - 1))
            assert _attempt(s, user.email, PASSWORD).retry_after == timedelta(seconds=1)
            clock.advance(timedelta(seconds=1))
        assert failures(s, email=user.email) == MAX_FAILURES + len(expected)

        # between two waits the right password logs in, and the count starts over
        assert _attempt(s, user.email, PASSWORD).user is not None
        clock.advance(timedelta(seconds=1))
        for _ in range(MAX_FAILURES - 1):
            assert not _attempt(s, user.email).throttled
        assert _wait(s, user.email) is None
        assert not _attempt(s, user.email).throttled
        assert _wait(s, user.email) == timedelta(seconds=30)


def test_failures_older_than_the_memory_do_not_count(app, make, clock):
    user = make.user("ombud")
    with Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        for _ in range(MAX_FAILURES + 3):
            _attempt(s, user.email)
            clock.advance(WINDOW)
        clock.advance(timedelta(hours=24))
        assert _wait(s, user.email) is None
        for _ in range(MAX_FAILURES - 1):
            assert not _attempt(s, user.email).throttled
        assert _wait(s, user.email) is None


@pytest.mark.parametrize("count,minutes", [(5, 1), (7, 2), (9, 8), (10, 15), (14, 15)])
def test_login_page_tells_the_wait_in_minutes(app, make, session, count, minutes):
    """`count` counted failures, the latest just now: the page says the wait, rounded up
    to whole minutes (30 s after the fifth, doubling, at most 15 minutes)."""
    user = make.user("ombud")
    now = datetime.now(UTC)
    for i in range(count):
        session.add(LoginAttempt(email=user.email, success=False, at=now - timedelta(seconds=i)))
    session.commit()
    resp = do_login(app.test_client(), user.email)
    assert resp.status_code == 429
    assert f"om {minutes} minuter" in resp.get_data(as_text=True)
