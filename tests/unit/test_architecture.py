"""Walls from DESIGN.md that hold the house up."""

import pathlib
import re
import subprocess
import sys

CORE = [
    "newsdesk.cli", "newsdesk.config", "newsdesk.errors", "newsdesk.models", "newsdesk.sources",
    "newsdesk.sample", "newsdesk.ingest.fetch", "newsdesk.ingest.parse",
    "newsdesk.ingest.normalize", "newsdesk.ingest.sanitize", "newsdesk.ingest.pipeline",
    "newsdesk.store.db", "newsdesk.store.migrations", "newsdesk.analysis.framing",
    "newsdesk.analysis.cues", "newsdesk.analysis.stories", "newsdesk.comparison",
    "newsdesk.clustering", "newsdesk.presentation", "newsdesk.report_html",
]


def test_core_never_imports_qt():
    code = (f"import sys\nfor m in {CORE!r}:\n    __import__(m)\n"
            "bad = [m for m in sys.modules if m.startswith('PySide6')]\n"
            "assert not bad, bad\nprint('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=pathlib.Path(__file__).parents[2], check=False)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_no_print_in_the_library():
    root = pathlib.Path(__file__).parents[2] / "newsdesk"
    offenders = [str(p) for p in root.rglob("*.py")
                 if p.name != "cli.py" and re.search(r"(?<![\w.])print\(", p.read_text())]
    assert offenders == []


def test_article_ids_are_made_in_one_place():
    root = pathlib.Path(__file__).parents[2] / "newsdesk"
    makers = [str(p.relative_to(root)) for p in root.rglob("*.py")
              if "def article_id(" in p.read_text()]
    assert makers == ["ingest/normalize.py"]
