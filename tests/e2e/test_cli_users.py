"""`newsdesk users` as an administrator runs it: passwords on standard input, tokens printed
once, sentences for every mistake; on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

from newsdesk.server.passwords import token_digest, verify_password
from newsdesk.store import open_store
from tests.e2e.test_cli import run


def _users(db: object) -> list[dict[str, object]]:
    return [json.loads(line) for line in run(db, "users", "list", "--json").stdout.splitlines()]


def test_users_add_token_passwd_list_and_remove(tmp_path):
    db = tmp_path / "team.db"
    assert run(db, "users", "add", "Ann", input="correct horse\n").stdout == "Added user Ann.\n"
    token = run(db, "users", "token", "ann", "--label", "phone")
    assert "shown only this once" in token.stderr and "(phone)" in token.stderr
    issued = token.stdout.strip()
    assert len(issued) >= 40 and "\n" not in issued
    assert run(db, "users", "passwd", "ANN", input="battery staple\r\n").stdout == \
        "Changed the password of Ann.\n"
    [listed] = _users(db)
    assert listed["name"] == "Ann" and listed["tokens"] == 1 and listed["disabled"] is False
    assert str(listed["created"]).endswith("Z") and "password" not in json.dumps(listed)
    with open_store(db) as store:  # hashes only: the token's SHA-256, the password's scrypt
        user = store.users.find("ann")
        assert verify_password("battery staple", user.password_hash)
        assert [t.token_hash for t in store.users.tokens(user.id)] == [token_digest(issued)]
        assert store.users.user_for_token(token_digest(issued)).name == "Ann"
    text = run(db, "users", "list").stdout
    assert text.startswith("Ann  added ") and text.endswith("  1 token\n")
    run(db, "users", "token", "ann", "--label", "laptop")
    assert run(db, "users", "revoke", "ann", "--label", "phone").stdout == \
        "Revoked 1 token of Ann; 1 left.\n"
    with open_store(db) as store:
        assert store.users.user_for_token(token_digest(issued)) is None
    assert run(db, "users", "remove", "ann").stdout == "Removed user Ann and 1 token.\n"
    assert _users(db) == []


def test_users_mistakes_are_sentences(tmp_path):
    db = tmp_path / "team.db"
    missing = run(db, "users", "list", check=False)
    assert missing.returncode == 1 and "There is no NewsDesk database" in missing.stderr
    assert not db.exists()
    empty = run(db, "users", "add", "ann", input="\n", check=False)
    assert (empty.returncode, empty.stderr) == (
        1, "Error: The password is empty; give one (nothing was changed).\n")
    run(db, "users", "add", "ann", input="pw\n")
    duplicate = run(db, "users", "add", "ANN", input="pw\n", check=False)
    assert (duplicate.returncode, duplicate.stderr) == (
        1, "Error: There is already a user named 'ann'; nothing was changed.\n")
    for args in (["remove", "bo"], ["passwd", "bo"]):  # (token and revoke: user_named too)
        unknown = run(db, "users", *args, input="pw\n", check=False)
        assert (unknown.returncode, unknown.stderr) == (
            1, "Error: There is no user named 'bo' (see 'newsdesk users list').\n"), args


def test_users_on_postgresql(pg_url):
    run(pg_url, "users", "add", "ann", input="pw\n")
    issued = run(pg_url, "users", "token", "ann").stdout.strip()
    duplicate = run(pg_url, "users", "add", "Ann", input="pw\n", check=False)
    assert "There is already a user named 'ann'" in duplicate.stderr
    [listed] = _users(pg_url)
    assert (listed["name"], listed["tokens"]) == ("ann", 1)
    with open_store(pg_url) as store:
        assert store.users.user_for_token(token_digest(issued)).name == "ann"
    assert run(pg_url, "users", "remove", "ann").stdout == "Removed user ann and 1 token.\n"
