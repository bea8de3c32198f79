"""Users of a served store and their API tokens: hashes in, records out (the hashing is
newsdesk.server.passwords', never the store's)."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime, timedelta

from newsdesk.dates import from_iso, to_iso
from newsdesk.errors import NotFoundError, StoreError
from newsdesk.models import User, UserToken
from newsdesk.store.sql.core import Core, Row

TOUCH_EVERY = timedelta(minutes=1)  # a token's last use is noted at most this often

_COLUMNS = ("u.id, u.name, u.created, u.disabled, u.password_hash, "
            "(SELECT COUNT(*) FROM user_tokens k WHERE k.user_id = u.id) AS tokens")
_SELECT = f"SELECT {_COLUMNS} FROM users u"


def _user(row: Row) -> User:
    return User(id=int(row["id"]), name=row["name"],
                created=from_iso(row["created"]) or datetime.min.replace(tzinfo=UTC),
                disabled=bool(row["disabled"]), tokens=int(row["tokens"]),
                password_hash=row["password_hash"])


def _token(row: Row) -> UserToken:
    return UserToken(token_hash=row["token_hash"], user_id=int(row["user_id"]),
                     label=row["label"],
                     created=from_iso(row["created"]) or datetime.min.replace(tzinfo=UTC),
                     last_used=from_iso(row["last_used"]))


class SqlUsers:
    """The users facet (see newsdesk.store.api.UsersFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def add(self, name: str, password_hash: str) -> User:
        """See UsersFacet.add: the name is checked under the write lock, so two programs
        adding one name at once make one user and one sentence."""
        name = name.strip()
        if not name:
            raise ValueError("A user needs a name.")
        if not password_hash:
            raise ValueError("A user needs a password hash.")
        nocase = self._core.dialect.nocase
        with self._core.write() as conn:
            taken = conn.execute(f"SELECT name FROM users WHERE {nocase('name')} = {nocase('?')}",
                                 [name]).fetchone()
            if taken is not None:
                raise StoreError(f"There is already a user named {taken[0]!r}; "
                                 "nothing was changed.")
            user_id = int(conn.execute(
                "INSERT INTO users(name, password_hash, created) VALUES (?, ?, ?) RETURNING id",
                [name, password_hash, to_iso(datetime.now(UTC))]).fetchone()[0])
        return self.get(user_id)

    def get(self, user_id: int) -> User:
        rows = self._core.read(f"{_SELECT} WHERE u.id = ?", [user_id])
        if not rows:
            raise NotFoundError(f"There is no user with id {user_id}.")
        return _user(rows[0])

    def find(self, name: str) -> User | None:
        nocase = self._core.dialect.nocase
        rows = self._core.read(f"{_SELECT} WHERE {nocase('u.name')} = {nocase('?')}",
                               [name.strip()])
        return _user(rows[0]) if rows else None

    def list(self) -> builtins.list[User]:
        rows = self._core.read(f"{_SELECT} ORDER BY {self._core.dialect.nocase('u.name')}, u.id")
        return [_user(r) for r in rows]

    def remove(self, user_id: int) -> None:
        with self._core.write() as conn:  # the tokens go by the foreign key's cascade
            gone = conn.execute("DELETE FROM users WHERE id = ?", [user_id]).rowcount
        if not gone:
            raise NotFoundError(f"There is no user with id {user_id}.")

    def set_password(self, user_id: int, password_hash: str) -> None:
        if not password_hash:
            raise ValueError("A user needs a password hash.")
        self._update(user_id, "password_hash", password_hash)

    def set_disabled(self, user_id: int, disabled: bool = True) -> None:
        self._update(user_id, "disabled", int(disabled))

    def _update(self, user_id: int, column: str, value: object) -> None:
        with self._core.write() as conn:
            found = conn.execute(f"UPDATE users SET {column} = ? WHERE id = ?",
                                 [value, user_id]).rowcount
        if not found:
            raise NotFoundError(f"There is no user with id {user_id}.")

    def add_token(self, user_id: int, token_hash: str, label: str = "") -> UserToken:
        if not token_hash:
            raise ValueError("A token needs its hash.")
        with self._core.write() as conn:
            if conn.execute("SELECT 1 FROM users WHERE id = ?", [user_id]).fetchone() is None:
                raise NotFoundError(f"There is no user with id {user_id}.")
            if conn.execute("SELECT 1 FROM user_tokens WHERE token_hash = ?",
                            [token_hash]).fetchone() is not None:
                raise StoreError("That token is stored already; nothing was changed.")
            conn.execute("INSERT INTO user_tokens(token_hash, user_id, label, created) "
                         "VALUES (?, ?, ?, ?)",
                         [token_hash, user_id, label, to_iso(datetime.now(UTC))])
        return next(t for t in self.tokens(user_id) if t.token_hash == token_hash)

    def tokens(self, user_id: int) -> builtins.list[UserToken]:
        rows = self._core.read("SELECT * FROM user_tokens WHERE user_id = ? "
                               "ORDER BY created, token_hash", [user_id])
        return [_token(r) for r in rows]

    def user_for_token(self, token_hash: str, now: datetime | None = None) -> User | None:
        """See UsersFacet.user_for_token: one read; a write only when the noted use is
        older than TOUCH_EVERY (stored to the second, so the comparison is on text)."""
        rows = self._core.read(f"SELECT t.last_used AS last_used, {_COLUMNS} FROM users u "
                               "JOIN user_tokens t ON t.user_id = u.id WHERE t.token_hash = ?",
                               [token_hash])
        if not rows or rows[0]["disabled"]:
            return None
        at = now or datetime.now(UTC)
        last = from_iso(rows[0]["last_used"])
        if last is None or at - last >= TOUCH_EVERY:
            with self._core.write() as conn:
                conn.execute("UPDATE user_tokens SET last_used = ? WHERE token_hash = ?",
                             [to_iso(at), token_hash])
        return _user(rows[0])

    def remove_token(self, token_hash: str) -> bool:
        with self._core.write() as conn:
            return conn.execute("DELETE FROM user_tokens WHERE token_hash = ?",
                                [token_hash]).rowcount > 0
