"""The users use case: names and passwords checked, sentences for unknown and taken names."""

from __future__ import annotations

import pytest

from newsdesk.services import users
from newsdesk.services.users import UserError


def test_names_are_checked_and_trimmed():
    assert users.check_name("  Ann Lee ") == "Ann Lee"
    for bad, why in (("", "needs a name"), ("a\tb", "control characters"),
                     ("x" * 101, "at most 100")):
        with pytest.raises(UserError, match=why):
            users.check_name(bad)
    assert users.check_password(" ") == " "  # spaces are characters
    with pytest.raises(UserError, match="empty"):
        users.check_password("")


def test_a_user_is_added_with_a_hash_and_found_whatever_the_case(store):
    ann = users.add_user(store, " Ann ", "scrypt$stand-in")
    assert (ann.name, ann.password_hash) == ("Ann", "scrypt$stand-in")
    assert users.user_named(store, "ANN") == ann
    with pytest.raises(UserError, match=r"^There is already a user named 'Ann'"):
        users.check_new_name(store, "ann")
    with pytest.raises(UserError, match=r"^There is already a user named 'Ann'"):
        users.add_user(store, "aNN", "scrypt$other")
    assert users.set_disabled(store, "ann").disabled is True
    assert users.set_password(store, "ann", "scrypt$new").password_hash == "scrypt$new"
    assert [u.name for u in users.list_users(store)] == ["Ann"]


def test_a_token_is_kept_as_its_hash(store):
    users.add_user(store, "ann", "scrypt$stand-in")
    assert users.add_token(store, "ANN", "f" * 64, " phone ").tokens == 1
    [kept] = store.users.tokens(store.users.find("ann").id)
    assert (kept.token_hash, kept.label) == ("f" * 64, "phone")
    assert users.remove_user(store, "ann").tokens == 1
    with pytest.raises(UserError, match="no user named 'ann'"):
        users.add_token(store, "ann", "e" * 64)
