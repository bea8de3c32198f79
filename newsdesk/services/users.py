"""Who may sign in to a served store (`newsdesk serve`): add, remove, list, new passwords
and API tokens, and checking a sign-in. Passwords are hashed here
(newsdesk.server.passwords, scrypt) before the store sees them; an API token is shown once
and only its SHA-256 is kept."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from newsdesk.errors import NewsdeskError
from newsdesk.models import User
from newsdesk.server.passwords import (
    hash_password,
    issue_token,
    needs_rehash,
    verify_password,
    verify_unknown_user,
)
from newsdesk.store import Store

MAX_NAME = 100  # characters of a user name


class UserError(NewsdeskError):
    """A user command that cannot be done as asked (unknown user, name taken, empty
    password); the sentence says what to do."""


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just issued: `token` is shown once (the store keeps its hash only)."""

    user: User
    token: str
    label: str


def check_name(name: str) -> str:
    """The user name as stored (spaces around it dropped); UserError for an empty one, a
    long one or one with control characters (it is typed into reader apps)."""
    clean = name.strip()
    if not clean:
        raise UserError("A user needs a name.")
    if len(clean) > MAX_NAME:
        raise UserError(f"A user name has at most {MAX_NAME} characters.")
    if any(unicodedata.category(c).startswith("C") for c in clean):
        raise UserError("A user name cannot hold control characters.")
    return clean


def check_password(password: str) -> str:
    """The password as given; UserError for an empty one (spaces are characters: kept)."""
    if not password:
        raise UserError("The password is empty; give one (nothing was changed).")
    return password


def user_named(store: Store, name: str) -> User:
    """The user of this name (any case); UserError naming `newsdesk users list` if none."""
    user = store.users.find(name.strip())
    if user is None:
        raise UserError(f"There is no user named {name.strip()!r} (see 'newsdesk users list').")
    return user


def add_user(store: Store, name: str, password: str) -> User:
    """Create a user with this password. The name and password are checked before the
    (slow) hash is made; the store checks the name again as it writes."""
    clean = check_name(name)
    check_password(password)
    taken = store.users.find(clean)
    if taken is not None:
        raise UserError(f"There is already a user named {taken.name!r}; nothing was changed.")
    return store.users.add(clean, hash_password(password))


def remove_user(store: Store, name: str) -> User:
    """Delete a user and their tokens; return the user as they were."""
    user = user_named(store, name)
    store.users.remove(user.id)
    return user


def list_users(store: Store) -> list[User]:
    """Every user, by name."""
    return store.users.list()


def set_password(store: Store, name: str, password: str) -> User:
    """Give a user a new password (their API tokens keep working: remove a token to end a
    reader app's access)."""
    user = user_named(store, name)
    store.users.set_password(user.id, hash_password(check_password(password)))
    return store.users.get(user.id)


def set_disabled(store: Store, name: str, disabled: bool = True) -> User:
    """Disable a user (or enable them again): a disabled user's password and tokens let
    them in nowhere, and are kept."""
    user = user_named(store, name)
    store.users.set_disabled(user.id, disabled)
    return store.users.get(user.id)


def new_token(store: Store, name: str, label: str = "") -> NewToken:
    """Issue an API token for a user; only its hash is stored."""
    user = user_named(store, name)
    issued = issue_token()
    store.users.add_token(user.id, issued.digest, label.strip())
    return NewToken(store.users.get(user.id), issued.token, label.strip())


def sign_in(store: Store, name: str, password: str) -> User | None:
    """The user when `password` is theirs and they are not disabled, else None. An
    unknown name takes as long as a wrong password; a hash made with older parameters is
    replaced at a successful sign-in. (Throttling failures is the server's:
    newsdesk.server.passwords.LoginThrottle.)"""
    user = store.users.find(name.strip()) if name.strip() else None
    if user is None:
        verify_unknown_user(password)  # spends a verification's time; always False
        return None
    if not verify_password(password, user.password_hash) or user.disabled:
        return None
    if needs_rehash(user.password_hash):
        store.users.set_password(user.id, hash_password(password))
    return user
