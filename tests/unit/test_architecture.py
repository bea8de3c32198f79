"""Walls from DESIGN.md that hold the house up, checked on every module found on disk."""

import ast
import pathlib
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest

ROOT = pathlib.Path(__file__).parents[2]
PACKAGE = ROOT / "newsdesk"


def _module_name(relative: str) -> tuple[str, bool]:
    """('newsdesk.store.db', False) for 'newsdesk/store/db.py'; packages say True."""
    parts = pathlib.PurePosixPath(relative).with_suffix("").parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _sources() -> dict[str, str]:
    """Every module of the package by its path, found on disk (a hand-kept list misses some)."""
    return {path.relative_to(ROOT).as_posix(): path.read_text()
            for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(relative: str, source: str) -> set[str]:
    """The modules a file imports anywhere in it, by absolute name (relative imports resolved)."""
    name, is_package = _module_name(relative)
    package = name if is_package else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            if node.module is None:  # "from . import x" imports the module x
                names.update(f"{base}.{alias.name}" for alias in node.names)
            else:
                names.add(base)
    return names


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@dataclass(frozen=True)
class Wall:
    """Modules in `scope` (or, with `outside`, every module not in it) import none of
    `forbidden`, except imports within `allowed` and the (module, import) pairs in `allow`."""

    name: str
    scope: tuple[str, ...]
    forbidden: tuple[str, ...]
    outside: bool = False
    allowed: tuple[str, ...] = ()
    allow: frozenset[tuple[str, str]] = frozenset()

    def covers(self, module: str) -> bool:
        return _within(module, self.scope) != self.outside


QT = ("PySide6", "shiboken6")
FACES = ("newsdesk.cli", "newsdesk.gui", "newsdesk.server")
SHARED_SQL = "newsdesk.store.sql"  # the facets every SQL backend shares
POSTGRESQL = "newsdesk.store.postgresql"
BACKENDS = ("newsdesk.store.sqlite", POSTGRESQL)

def walls(modules: set[str]) -> list[Wall]:
    """DESIGN.md's walls; a package that does not exist yet is a wall over no modules."""
    sqlite_home = "newsdesk.store.sqlite" if "newsdesk.store.sqlite" in modules else "newsdesk.store"
    return [
        Wall("sqlite only in the SQLite store", (sqlite_home,), ("sqlite3", "sqlite_utils"),
             outside=True),
        Wall("psycopg only in the PostgreSQL store", (POSTGRESQL,), ("psycopg", "psycopg_pool"),
             outside=True),
        Wall("the shared facets name no backend", (SHARED_SQL,), BACKENDS),
        Wall("Qt only in gui/", ("newsdesk.gui",), QT, outside=True),
        # Only `newsdesk gui` reaches the window, and only when it runs (an import inside it).
        Wall("only the gui command opens the window", ("newsdesk.gui",), ("newsdesk.gui",),
             outside=True, allow=frozenset({("newsdesk.cli", "newsdesk.gui.app")})),
        Wall("analysis/ is pure", ("newsdesk.analysis",),
             ("newsdesk.store", "newsdesk.ingest", "newsdesk.services", "newsdesk.formats",
              *FACES, *QT)),
        Wall("formats/ import no store", ("newsdesk.formats",),
             ("newsdesk.store", "newsdesk.services", *FACES, *QT)),
        Wall("gui/ reaches storage only through services", ("newsdesk.gui",),
             ("newsdesk.store",), allowed=("newsdesk.store.api",),
             # the app opens the store; the window and the job runner hand connections
             # to jobs (which call services): neither reads or writes through it
             allow=frozenset(pair for pair in (("newsdesk.gui.app", "newsdesk.store"),
                                               ("newsdesk.gui.mainwindow", "newsdesk.store"),
                                               ("newsdesk.gui.jobs", "newsdesk.store"))
                             if pair[0] in modules)),
        Wall("ingest/ imports nothing above it", ("newsdesk.ingest",),
             ("newsdesk.services", "newsdesk.formats", "newsdesk.clustering", "newsdesk.sources",
              "newsdesk.comparison", "newsdesk.presentation", "newsdesk.report_html",
              "newsdesk.sample", "newsdesk.topics", *FACES, *QT)),
        Wall("services/ are Qt-free", ("newsdesk.services",), (*FACES, *QT)),
    ]


def check(sources: dict[str, str], rules: list[Wall]) -> list[str]:
    """Each import that breaks a wall, and each allowance no longer used, as a sentence."""
    found = []
    imports = {_module_name(path)[0]: _imports(path, text) for path, text in sources.items()}
    for wall in rules:
        used = set()
        for module, names in sorted(imports.items()):
            if not wall.covers(module):
                continue
            for name in sorted(names):
                if not _within(name, wall.forbidden) or _within(name, wall.allowed):
                    continue
                if (module, name) in wall.allow:
                    used.add((module, name))
                    continue
                found.append(f"{module} imports {name} ({wall.name})")
        found += [f"{module} no longer imports {name}: drop it from the allowlist ({wall.name})"
                  for module, name in sorted(wall.allow - used)]
    return found


SOURCES = _sources()
MODULES = {_module_name(path)[0] for path in SOURCES}
CORE = sorted(name for name in MODULES if not name.startswith("newsdesk.gui"))


def test_the_module_list_is_discovered():
    assert {"newsdesk.offline.assets", "newsdesk.textsafe", "newsdesk.outlets",
            "newsdesk.ingest.pipeline", "newsdesk.store.query"} <= set(CORE)
    assert not any(name.startswith("newsdesk.gui") for name in CORE)


@pytest.mark.parametrize("wall", walls(MODULES), ids=lambda wall: wall.name)
def test_the_walls_hold(wall):
    assert check(SOURCES, [wall]) == []


_SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                  r"CREATE\s+(TABLE|INDEX|TRIGGER|VIRTUAL)|DROP\s+(TABLE|INDEX|TRIGGER)|PRAGMA\s+\w+)\b",
                  re.DOTALL)


def _sql_strings(source: str) -> list[str]:
    """String literals that read as SQL statements."""
    return [node.value[:60] for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and _SQL.search(node.value)]


def test_sql_text_lives_only_in_the_shared_facets_and_the_backends():
    """SQL text lives in newsdesk/store/sql/ (the facets all SQL backends share) and the
    backend folders, and nowhere else (not even the rest of store/: api.py is the
    backend-free contract). Which driver each backend imports is a wall (walls())."""
    found = {_module_name(path)[0]: text for path, text in SOURCES.items()}
    outside = [name for name in found if not _within(name, (SHARED_SQL, *BACKENDS))]
    assert {name: hits for name in outside if (hits := _sql_strings(found[name]))} == {}
    assert _sql_strings(found["newsdesk.store.sql.articles"])  # the check does see SQL
    assert "newsdesk.store.sqlite.store" not in outside  # the backends are where they say


def test_analysis_and_ingest_walls_cover_modules_today():
    """The walls over packages that exist today see their modules (a typo would see none)."""
    for wall in walls(MODULES):
        if wall.scope[0] in ("newsdesk.analysis", "newsdesk.ingest", "newsdesk.gui"):
            assert any(wall.covers(m) for m in MODULES) and not all(wall.covers(m) for m in MODULES)


# A fake tree that breaks every wall once, in the ways a file can import.
BROKEN = {
    "newsdesk/store/sqlite/__init__.py": "",
    "newsdesk/store/sqlite/articles.py": "import sqlite3\n",
    "newsdesk/store/api.py": "import sqlite3\n",
    "newsdesk/store/sql/articles.py": "import sqlite3\nfrom newsdesk.store.sqlite import fts\n",
    "newsdesk/store/sqlite/store.py": "import psycopg\n",
    "newsdesk/store/postgresql/core.py": "from psycopg.rows import dict_row\n",
    "newsdesk/outlets.py": "def f():\n    import PySide6.QtCore\n",
    "newsdesk/topics.py": "from newsdesk.gui import mainwindow\n",
    "newsdesk/cli.py": "def gui():\n    from newsdesk.gui.app import run_gui\n",
    "newsdesk/analysis/framing.py": "from ..store.db import Store\n",
    "newsdesk/analysis/__init__.py": "from . import framing\nfrom newsdesk.services import x\n",
    "newsdesk/formats/opml.py": "from newsdesk.store import api\n",
    "newsdesk/gui/actions/topics.py": "from newsdesk.store.api import Topic\n"
                                      "from newsdesk.store.sqlite.topics import rename\n",
    "newsdesk/ingest/pipeline.py": "from newsdesk.sources import discover_feeds\n"
                                   "from newsdesk.formats.opml import read\n",
    "newsdesk/services/refresh.py": "from PySide6.QtCore import QObject\nimport newsdesk.gui\n",
}


def test_the_checker_reports_every_broken_wall():
    assert check(BROKEN, walls({_module_name(p)[0] for p in BROKEN})) == [
        "newsdesk.store.api imports sqlite3 (sqlite only in the SQLite store)",
        "newsdesk.store.sql.articles imports sqlite3 (sqlite only in the SQLite store)",
        "newsdesk.store.sqlite.store imports psycopg (psycopg only in the PostgreSQL store)",
        "newsdesk.store.sql.articles imports newsdesk.store.sqlite (the shared facets name no backend)",
        "newsdesk.outlets imports PySide6.QtCore (Qt only in gui/)",
        "newsdesk.services.refresh imports PySide6.QtCore (Qt only in gui/)",
        "newsdesk.services.refresh imports newsdesk.gui (only the gui command opens the window)",
        "newsdesk.topics imports newsdesk.gui (only the gui command opens the window)",
        "newsdesk.analysis imports newsdesk.services (analysis/ is pure)",
        "newsdesk.analysis.framing imports newsdesk.store.db (analysis/ is pure)",
        "newsdesk.formats.opml imports newsdesk.store (formats/ import no store)",
        "newsdesk.gui.actions.topics imports newsdesk.store.sqlite.topics "
        "(gui/ reaches storage only through services)",
        "newsdesk.ingest.pipeline imports newsdesk.formats.opml (ingest/ imports nothing above it)",
        "newsdesk.ingest.pipeline imports newsdesk.sources (ingest/ imports nothing above it)",
        "newsdesk.services.refresh imports PySide6.QtCore (services/ are Qt-free)",
        "newsdesk.services.refresh imports newsdesk.gui (services/ are Qt-free)",
    ]


def test_sqlite_is_allowed_in_the_store_until_the_sqlite_folder_exists():
    tree = {"newsdesk/store/db.py": "import sqlite3\n"}
    assert check(tree, walls({"newsdesk.store.db"})[:1]) == []
    assert check(tree, walls({"newsdesk.store.db", "newsdesk.store.sqlite"})[:1]) == [
        "newsdesk.store.db imports sqlite3 (sqlite only in the SQLite store)"]


def test_core_never_imports_qt():
    code = (f"import sys\nfor m in {CORE!r}:\n    __import__(m)\n"
            "bad = [m for m in sys.modules if m.startswith('PySide6')]\n"
            "assert not bad, bad\nprint('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_no_print_in_the_library():
    offenders = [str(p) for p in PACKAGE.rglob("*.py")
                 if p.name != "cli.py" and re.search(r"(?<![\w.])print\(", p.read_text())]
    assert offenders == []


def test_article_ids_are_made_in_one_place():
    makers = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
              if "def article_id(" in p.read_text()]
    assert makers == ["ingest/normalize.py"]


FACET_CALL = re.compile(
    r"\b(?:store|own|writer)\.(?:sources|articles|reading|topics|stories|annotations|caches)\.[a-z_]+\(")


def test_the_window_calls_no_store_facet_itself():
    """gui/ hands each job's connection to a service; a facet call written in gui/ would
    be the window doing storage work itself (imports alone do not show it)."""
    calls = {path: hits for path, text in SOURCES.items() if path.startswith("newsdesk/gui/")
             and (hits := FACET_CALL.findall(text))}
    assert calls == {}
    assert FACET_CALL.search("store.stories.story_of(article_id)")  # the check can see one
