"""Password hashes, API tokens and the sign-in throttle (a fake clock, no sleeping)."""

import contextlib
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.server.passwords import (
    DEFAULT_PARAMETERS,
    LoginThrottle,
    PasswordHashError,
    ScryptParameters,
    TooManyAttempts,
    action_token,
    action_token_matches,
    hash_password,
    issue_token,
    needs_rehash,
    parse_hash,
    token_digest,
    token_matches,
    verify_password,
    verify_unknown_user,
)

CHEAP = ScryptParameters(n=2**4, r=1, p=1)


def test_a_hash_describes_itself_and_verifies():
    stored = hash_password("correct horse", CHEAP)
    scheme, n, r, p, _salt, _digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16", "1", "1")
    assert parse_hash(stored).params == CHEAP
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)
    assert hash_password("correct horse", CHEAP) != stored  # a fresh salt each time


def test_the_default_hash_verifies_and_needs_no_rehash():
    stored = hash_password("pässwörd ✓")
    assert verify_password("pässwörd ✓", stored)
    assert not needs_rehash(stored)
    assert stored.startswith(f"scrypt${DEFAULT_PARAMETERS.n}$8$1$")


def test_other_parameters_need_a_rehash():
    stored = hash_password("x", CHEAP)
    assert needs_rehash(stored)
    assert not needs_rehash(stored, CHEAP)
    assert needs_rehash("garbage")


@pytest.mark.parametrize("stored", [
    "", "scrypt", "bcrypt$16$1$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
    "scrypt$15$1$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",  # n not a power of two
    "scrypt$16$0$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
    "scrypt$16$1$1$A$AAAAAAAAAAAAAAAAAAAAAA",  # salt too short
    "scrypt$16$1$1$!!!!!!!!!!!$AAAAAAAAAAAAAAAAAAAAAA",
    "scrypt$1e4$1$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
    "scrypt$１６$1$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",  # full-width digits
    "scrypt$1073741824$8$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",  # 1 TiB of memory
])
def test_a_damaged_hash_is_said_so(stored):
    with pytest.raises(PasswordHashError):
        verify_password("x", stored)


@given(st.text(max_size=60))
def test_junk_stored_hashes_raise_only_our_error(stored):
    with contextlib.suppress(PasswordHashError):
        verify_password("x", stored)


def test_an_unknown_user_costs_a_verification_and_fails():
    assert verify_unknown_user("anything") is False


def test_tokens_are_stored_as_their_sha256():
    issued = issue_token()
    assert len(issued.token) >= 43
    assert issued.digest == hashlib.sha256(issued.token.encode()).hexdigest() == token_digest(issued.token)
    assert token_matches(issued.token, issued.digest)
    assert not token_matches(issued.token + "x", issued.digest)
    assert not token_matches(issued.token, "ünicode")
    assert issue_token().token != issued.token


def test_action_tokens_are_bound_to_user_and_api_token():
    secret = b"s" * 32
    token = action_token(secret, "alice", "d1")
    assert len(token) == 57
    assert action_token_matches(token, secret, "alice", "d1")
    assert not action_token_matches(token, secret, "bob", "d1")
    assert not action_token_matches(token, secret, "alice", "d2")
    assert not action_token_matches(token, b"t" * 32, "alice", "d1")
    assert not action_token_matches("é", secret, "alice", "d1")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _fail(throttle, n, user="alice", address="10.0.0.1"):
    for _ in range(n):
        throttle.check(user, address)
        throttle.record_failure(user, address)


def test_five_failures_are_free_then_the_wait_doubles_up_to_15_minutes():
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock)
    _fail(throttle, 5)
    throttle.check("alice", "10.0.0.1")  # the 6th attempt is still let through
    throttle.record_failure("alice", "10.0.0.1")
    with pytest.raises(TooManyAttempts) as refused:
        throttle.check("alice", "10.0.0.1")
    assert refused.value.retry_after == 1
    assert str(refused.value) == "Too many failed sign-ins for this user name; try again in 1 s."
    assert [throttle.delay_after(n) for n in (5, 6, 7, 8, 15, 16, 100, 10**6)] == [
        0, 1, 2, 4, 512, 900, 900, 900]


def test_the_wait_ends_and_the_name_is_case_blind():
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(8):  # the 8th failure is the 3rd beyond the free 5: a wait of 4 s
        throttle.record_failure("alice", "10.0.0.1")
    with pytest.raises(TooManyAttempts) as refused:
        throttle.check("ALICE", "10.9.9.9")
    assert refused.value.retry_after == 4
    clock.now += 3.5
    with pytest.raises(TooManyAttempts, match="try again in 1 s"):
        throttle.check("Alice", "10.9.9.9")
    clock.now += 0.5
    throttle.check("alice", "10.9.9.9")


def test_an_address_guessing_many_names_is_stopped():
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock)
    for number in range(7):
        throttle.record_failure(f"user{number}", "192.0.2.7")
    with pytest.raises(TooManyAttempts, match="from this address; try again in 2 s"):
        throttle.check("someone-else", "192.0.2.7")
    throttle.check("someone-else", "192.0.2.8")


def test_success_clears_the_user_name_but_not_the_address():
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock)
    _fail(throttle, 6, user="mallory", address="198.51.100.1")
    for number in range(3):
        throttle.record_failure(f"victim{number}", "198.51.100.1")
    throttle.record_success("mallory", "198.51.100.1")
    with pytest.raises(TooManyAttempts, match="from this address"):
        throttle.check("mallory", "198.51.100.1")
    throttle.check("mallory", "203.0.113.5")


def test_old_entries_are_forgotten_and_memory_is_bounded():
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock, max_entries=50, forget_after=60)
    for number in range(40):
        throttle.record_failure(f"u{number}", f"a{number}")
    assert len(throttle) <= 50
    clock.now += 61
    throttle.record_failure("late", "late-address")
    for number in range(100):
        throttle.record_failure(f"v{number}", "one-address")
    assert len(throttle) <= 50


def test_a_forgotten_failure_starts_again_from_one():
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock, forget_after=60)
    _fail(throttle, 6)
    clock.now += 1 + 60
    throttle.record_failure("alice", "10.0.0.1")
    throttle.check("alice", "10.0.0.1")  # one failure again: free


@pytest.mark.parametrize("kwargs", [{"free_failures": -1}, {"first_delay": 0},
                                    {"max_delay": 0.5}, {"max_entries": 1}])
def test_nonsense_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        LoginThrottle(**kwargs)


def test_parallel_guesses_get_no_more_than_the_free_ones():
    """Attempts checked and not yet answered count: ten guesses sent at once (each then
    spends ~100 ms on scrypt) do not all pass the check before any failure is noted."""
    from newsdesk.server.passwords import LoginThrottle, TooManyAttempts

    throttle = LoginThrottle(free_failures=5, clock=lambda: 100.0)
    passed = refused = 0
    for n in range(10):
        throttle.check(f"user{n}", "10.0.0.1")  # ten people behind one address: all in
        throttle.record_success(f"user{n}", "10.0.0.1")
    for n in range(10):
        try:
            throttle.check("ed", f"10.0.0.{n}")
            passed += 1
        except TooManyAttempts:
            refused += 1
    assert (passed, refused) == (5, 5)
    for n in range(5):
        throttle.record_failure("ed", f"10.0.0.{n}")
    throttle.check("ed", "10.0.0.98")  # five free failures are spent: one more may try,
    throttle.record_failure("ed", "10.0.0.98")  # and failing, it makes the next wait
    try:
        throttle.check("ed", "10.0.0.99")
        raise AssertionError("the seventh attempt must wait")
    except TooManyAttempts:
        pass
    throttle.forget_attempt("x", "y")  # nothing in flight: harmless
