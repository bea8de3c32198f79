"""Who may sign in to a served store (`newsdesk serve`): add, remove, list, disable, new
passwords and API tokens, each with a sentence for a mistake.

The faces hash (newsdesk.server.passwords: scrypt for a password, SHA-256 for a token;
services import no face) and hand the hashes here: no password or token reaches this
layer or the store. Checking a sign-in is the server's (it has the throttle)."""

from __future__ import annotations

import unicodedata

from newsdesk.errors import NewsdeskError
from newsdesk.models import User
from newsdesk.store import Store

MAX_NAME = 100  # characters of a user name


class UserError(NewsdeskError):
    """A user command that cannot be done as asked (unknown user, name taken, empty
    password); the sentence says what to do."""


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


def check_new_name(store: Store, name: str) -> str:
    """`check_name`, and UserError when the name (in any case) is taken: asked before the
    face spends a slow hash on the password."""
    clean = check_name(name)
    taken = store.users.find(clean)
    if taken is not None:
        raise UserError(f"There is already a user named {taken.name!r}; nothing was changed.")
    return clean


def add_user(store: Store, name: str, password_hash: str) -> User:
    """Create a user with this password hash (the store checks the name again as it
    writes: two programs adding one name make one user)."""
    return store.users.add(check_new_name(store, name), password_hash)


def remove_user(store: Store, name: str) -> User:
    """Delete a user and their tokens; return the user as they were."""
    user = user_named(store, name)
    store.users.remove(user.id)
    return user


def list_users(store: Store) -> list[User]:
    """Every user, by name."""
    return store.users.list()


def set_password(store: Store, name: str, password_hash: str) -> User:
    """Give a user a new password's hash (their API tokens keep working: remove a token to
    end a reader app's access)."""
    user = user_named(store, name)
    store.users.set_password(user.id, password_hash)
    return store.users.get(user.id)


def set_disabled(store: Store, name: str, disabled: bool = True) -> User:
    """Disable a user (or enable them again): a disabled user's password and tokens let
    them in nowhere, and are kept."""
    user = user_named(store, name)
    store.users.set_disabled(user.id, disabled)
    return store.users.get(user.id)


def add_token(store: Store, name: str, token_hash: str, label: str = "") -> User:
    """Keep a new API token's hash for a user; return the user (with the new count)."""
    user = user_named(store, name)
    store.users.add_token(user.id, token_hash, label.strip())
    return store.users.get(user.id)


def revoke_tokens(store: Store, name: str, label: str | None = None) -> tuple[User, int]:
    """Forget a user's tokens labelled `label` (None: every token); return the user and
    how many went (their reader apps must sign in again)."""
    user = user_named(store, name)
    gone = sum(store.users.remove_token(t.token_hash) for t in store.users.tokens(user.id)
               if label is None or t.label == label.strip())
    return store.users.get(user.id), gone
