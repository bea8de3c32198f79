"""Which commands may create a database, and what a wrong --db says."""

import sqlite3

import pytest

from tests.e2e.test_cli import run


@pytest.mark.parametrize("args", [
    ["articles"], ["search", "court"], ["stories"], ["compare", "1"], ["sources", "list"],
    ["sources", "export"], ["topics", "list"],
])
def test_a_reading_command_on_a_mistyped_db_creates_nothing(tmp_path, args):
    db = tmp_path / "tpyo" / "news.db"
    proc = run(db, *args, check=False)
    assert proc.returncode == 1
    assert proc.stderr == (f"Error: There is no NewsDesk database at {db}; nothing was created. "
                           "Check the path (adding sources or loading the sample starts one).\n")
    assert list(tmp_path.iterdir()) == []


def test_a_writing_command_creates_the_database_that_reading_commands_then_use(tmp_path):
    db = tmp_path / "new" / "news.db"
    run(db, "topics", "add", "Courts", "court")
    assert "Courts" in run(db, "topics", "list").stdout


def test_another_programs_database_is_refused_by_every_command(tmp_path):
    db = tmp_path / "photos.db"
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY)")
    raw.commit()
    raw.close()
    for args in (["articles"], ["sample"]):
        proc = run(db, *args, check=False)
        assert proc.returncode == 1
        assert proc.stderr.startswith(f"Error: {db} is a database of another program")
