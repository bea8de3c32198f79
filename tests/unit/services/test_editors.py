"""Who annotates: the option, the environment, the settings file, the OS user; a broken
settings file is a warning, never a traceback; saving it is atomic."""

from __future__ import annotations

import json
import logging
import os

import pytest

from newsdesk import config
from newsdesk.services import editors
from newsdesk.services.editors import (
    EditorNameError,
    default_editor,
    resolve_editor,
    save_default_editor,
)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    path = tmp_path / "conf" / "settings.json"
    monkeypatch.setenv("NEWSDESK_CONFIG", str(path))
    monkeypatch.delenv("NEWSDESK_EDITOR", raising=False)
    monkeypatch.setattr(editors.getpass, "getuser", lambda: "osuser")
    return path


def test_the_order_option_env_settings_os_user(settings, monkeypatch):
    assert default_editor() == "osuser"
    save_default_editor("  Saved Name ")
    assert json.loads(settings.read_text()) == {"editor": "Saved Name"}
    assert default_editor() == "Saved Name"
    monkeypatch.setenv("NEWSDESK_EDITOR", "from-env")
    assert default_editor() == "from-env" == resolve_editor()
    assert resolve_editor(" alice ") == "alice"


def test_the_settings_path(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "x.json"))
    assert config.settings_path() == tmp_path / "x.json"
    monkeypatch.delenv("NEWSDESK_CONFIG")
    assert config.settings_path().name == "settings.json"
    assert "NewsDesk" in str(config.settings_path())


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe", b'{"editor": 42}',
                                     b'{"editor": "a\\nb"}', b'{"editor": "  "}'])
def test_a_broken_settings_file_is_a_warning(settings, content, caplog):
    settings.parent.mkdir(parents=True)
    settings.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        assert default_editor() == "osuser"
    if content != b'{"editor": "  "}':
        assert "Ignoring" in caplog.text


def test_saving_keeps_other_keys_and_replaces_a_broken_file(settings):
    settings.parent.mkdir(parents=True)
    settings.write_text('{"theme": "dark"}')
    save_default_editor("alice")
    assert json.loads(settings.read_text()) == {"editor": "alice", "theme": "dark"}
    settings.write_text("{broken")
    save_default_editor("bob")
    assert json.loads(settings.read_text()) == {"editor": "bob"}
    assert [p.name for p in settings.parent.iterdir()] == ["settings.json"]  # no temp left


def test_a_failed_write_leaves_the_old_file(settings, monkeypatch):
    save_default_editor("alice")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        save_default_editor("bob")
    assert json.loads(settings.read_text()) == {"editor": "alice"}
    assert [p.name for p in settings.parent.iterdir()] == ["settings.json"]


@pytest.mark.parametrize(("name", "message"), [
    ("", "empty"), ("   ", "empty"), ("a\tb", "control characters"), ("x" * 101, "longer")])
def test_names_that_cannot_be_recorded(settings, name, message):
    with pytest.raises(EditorNameError, match=message):
        resolve_editor(name)
    with pytest.raises(EditorNameError):
        save_default_editor(name)
    assert not settings.exists()


def test_a_bad_environment_value_falls_through(settings, monkeypatch, caplog):
    monkeypatch.setenv("NEWSDESK_EDITOR", "bad\x01name")
    with caplog.at_level(logging.WARNING):
        assert default_editor() == "osuser"
    assert "NEWSDESK_EDITOR" in caplog.text


def test_no_os_user(settings, monkeypatch):
    def fails() -> str:
        raise OSError("no user")

    monkeypatch.setattr(editors.getpass, "getuser", fails)
    assert default_editor() == "editor"
