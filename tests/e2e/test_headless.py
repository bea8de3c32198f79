"""A headless install (no `newsdesk[gui]` extra): the CLI works, and `newsdesk gui` says why not."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).parents[2]

# Runs the CLI as if PySide6 were not installed: a finder ahead of all others refuses it.
WITHOUT_QT = """
import sys

class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("PySide6", "shiboken6"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoQt())
from newsdesk.cli import main
code = main(sys.argv[1:])
assert not any(m.partition(".")[0] in ("PySide6", "shiboken6") for m in sys.modules)
sys.exit(code)
"""


def run_without_qt(*args):
    return subprocess.run([sys.executable, "-c", WITHOUT_QT, *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, check=False)


def test_the_blocker_really_hides_qt():
    proc = subprocess.run([sys.executable, "-c", WITHOUT_QT.split("from newsdesk")[0]
                           + "import PySide6.QtCore"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 1
    assert proc.stderr.endswith("ModuleNotFoundError: No module named 'PySide6'\n")


def test_help_works_without_qt():
    proc = run_without_qt("--help")
    assert proc.returncode == 0, proc.stderr
    assert "Usage: newsdesk" in proc.stdout and "gui" in proc.stdout


def test_commands_work_without_qt(tmp_path):
    db = str(tmp_path / "headless.db")
    for args in (["sample"], ["sources", "list"], ["articles", "--limit", "3"], ["search", "court"],
                 ["topics", "add", "Courts", "court OR judge"], ["topics", "list"], ["stories"]):
        proc = run_without_qt("--db", db, *args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert proc.stdout, args


def test_the_window_says_it_needs_pyside6(tmp_path):
    proc = run_without_qt("--db", str(tmp_path / "headless.db"), "gui")
    assert proc.returncode == 1
    assert proc.stderr == "Error: The window needs PySide6: pip install 'newsdesk[gui]'\n"
    assert proc.stdout == ""
