"""County office accounts, their roles and signed-in browser sessions.

Passwords are kept as argon2id hashes (argon2-cffi, with its defaults tuned for interactive
logins). Five wrong passwords in a row lock an account for a quarter of an hour, so guessing
is hopeless while a reviewer who mistyped only waits. A session lives in the database: its
cookie carries a random token, the row only the token's SHA-256, its CSRF token and its expiry
(idle and absolute), so signing out or disabling an account ends it at once.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update

from county.db import Database, User, WebSession, utcnow

log = logging.getLogger("county.users")

ROLES: dict[str, str] = {
    "first_reviewer": "初审 first reviewer",
    "second_reviewer": "复审 second reviewer",
    "supervisor": "supervisor",
    "auditor": "auditor (read-only)",
    "administrator": "administrator",
}

#: What each role may do in the console.
PERMISSIONS: dict[str, frozenset[str]] = {
    "first_reviewer": frozenset({"view_claims", "first_review", "correct"}),
    "second_reviewer": frozenset({"view_claims", "second_review", "correct"}),
    "supervisor": frozenset({"view_claims", "first_review", "second_review", "correct", "pay",
                             "summary", "export", "kiosks"}),
    "auditor": frozenset({"view_claims", "audit", "summary", "export"}),
    "administrator": frozenset({"summary", "kiosks", "audit"}),
}

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
NAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,64}$")

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so timing does not tell which names exist
    (made on first use: hashing costs 64 MiB and some 50 ms, not worth paying at import)."""
    return _hasher.hash("not a password of anyone")


class UserError(ValueError):
    """A refused account change or sign-in; the message says why in plain words."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    created_at: datetime
    disabled: bool
    locked_until: datetime | None

    def can(self, permission: str) -> bool:
        return not self.disabled and permission in PERMISSIONS.get(self.role, frozenset())


def _account(u: User) -> Account:
    return Account(u.name, u.role, u.created_at, u.disabled_at is not None, u.locked_until)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    if password.strip() != password or "\n" in password:
        raise UserError("a password may not start or end with spaces")


def add_user(db: Database, name: str, role: str, password: str) -> Account:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if not NAME_RE.fullmatch(name):
        raise UserError("a user name is 2-64 letters, digits, Chinese characters, '.', '_' "
                        "or '-'")
    check_password(password)
    with db.write() as s:
        if s.get(User, name) is not None:
            raise UserError(f"user {name!r} already exists")
        row = User(name=name, role=role, password_hash=_hasher.hash(password),
                   created_at=utcnow(), failed_logins=0)
        s.add(row)
        s.flush()
        account = _account(row)
    log.info("user %s added as %s", name, role)
    return account


def list_users(db: Database) -> list[Account]:
    with db.read() as s:
        return [_account(u) for u in s.scalars(select(User).order_by(User.name))]


def get_user(db: Database, name: str) -> Account | None:
    with db.read() as s:
        u = s.get(User, name)
        return None if u is None else _account(u)


def disable_user(db: Database, name: str) -> bool:
    """Disable `name` and end its sessions; False when it already was disabled."""
    with db.write() as s:
        u = s.get(User, name)
        if u is None:
            raise UserError(f"no user {name!r}; see `county user list`")
        s.execute(delete(WebSession).where(WebSession.user_name == name))
        if u.disabled_at is not None:
            return False
        u.disabled_at = utcnow()
    return True


def reset_password(db: Database, name: str, password: str) -> None:
    """A new password; also lifts a lockout, re-enables nothing and ends open sessions."""
    check_password(password)
    with db.write() as s:
        u = s.get(User, name)
        if u is None:
            raise UserError(f"no user {name!r}; see `county user list`")
        u.password_hash = _hasher.hash(password)
        u.failed_logins = 0
        u.locked_until = None
        s.execute(delete(WebSession).where(WebSession.user_name == name))


def authenticate(db: Database, name: str, password: str,
                 now: datetime | None = None) -> Account:
    """The account for `name` and `password`, or UserError with a message fit for the page."""
    now = now or utcnow()
    refused = UserError("wrong name or password")
    with db.write() as s:
        u = s.get(User, name)
        if u is None:
            with contextlib.suppress(VerificationError):
                _hasher.verify(_dummy_hash(), password or "-")
            raise refused
        if u.locked_until is not None and u.locked_until > now:
            raise UserError("too many wrong passwords: this account is locked until "
                            f"{u.locked_until:%H:%M} UTC (an administrator can reset it)")
        try:
            _hasher.verify(u.password_hash, password)
        except (VerificationError, InvalidHashError):
            u.failed_logins += 1
            if u.failed_logins >= MAX_FAILURES:
                u.locked_until = now + LOCKOUT
                u.failed_logins = 0
                log.warning("user %s locked after %d failed sign-ins", name, MAX_FAILURES)
            ok = False
        else:
            ok = u.disabled_at is None
            u.failed_logins = 0
            u.locked_until = None
            if _hasher.check_needs_rehash(u.password_hash):
                u.password_hash = _hasher.hash(password)
        account = _account(u)
    if not ok:
        raise refused
    return account


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str
    token_hash: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Database, account: Account, idle: timedelta,
                  longest: timedelta) -> tuple[str, Session]:
    """A new session for `account`; returns the cookie value and the session."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    with db.write() as s:
        s.execute(delete(WebSession).where(WebSession.expires_at < now))
        s.add(WebSession(token_hash=_hash(token), user_name=account.name, csrf=csrf,
                         created_at=now, last_seen_at=now,
                         expires_at=min(now + idle, now + longest)))
    return token, Session(account, csrf, _hash(token))


def find_session(db: Database, token: str, idle: timedelta,
                 longest: timedelta) -> Session | None:
    """The live session for a cookie, its idle expiry pushed on; None when expired or gone."""
    now = utcnow()
    h = _hash(token)
    with db.read() as s:
        row = s.get(WebSession, h)
        if row is None or row.expires_at <= now:
            return None
        u = s.get(User, row.user_name)
        if u is None or u.disabled_at is not None:
            return None
        session = Session(_account(u), row.csrf, h)
        refresh = now - row.last_seen_at > timedelta(seconds=30)
        new_expiry = min(now + idle, row.created_at + longest)
    if refresh:
        with db.write() as s:
            s.execute(update(WebSession).where(WebSession.token_hash == h,
                                               WebSession.expires_at > now)
                      .values(last_seen_at=now, expires_at=new_expiry))
    return session


def end_session(db: Database, token_hash: str) -> None:
    with db.write() as s:
        s.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


def expire_sessions_of(db: Database, name: str, at: datetime | None = None) -> None:
    """Make every session of `name` expire at `at` (now): what the idle timer does, at once."""
    with db.write() as s:
        s.execute(update(WebSession).where(WebSession.user_name == name)
                  .values(expires_at=at or utcnow()))
