"""Walls from DESIGN.md that hold the house up."""

import ast
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).parents[2]
PACKAGE = ROOT / "newsdesk"


def _modules() -> dict[str, pathlib.Path]:
    """Every module of the package, found on disk (a hand-kept list misses new ones)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: pathlib.Path) -> set[str]:
    """The modules a file imports, by absolute name (relative imports resolved)."""
    names: set[str] = set()
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
    return names


CORE = [name for name in _modules() if not name.startswith("newsdesk.gui")]


def _offenders(modules: list[str], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = _modules()
    bad = {}
    for name in modules:
        hits = sorted(i for i in _imports(found[name])
                      if any(i == f or i.startswith(f + ".") for f in forbidden))
        if hits:
            bad[name] = hits
    return bad


def test_the_module_list_is_discovered():
    assert {"newsdesk.offline.assets", "newsdesk.textsafe", "newsdesk.outlets",
            "newsdesk.ingest.pipeline"} <= set(CORE)
    assert not any(name.startswith("newsdesk.gui") for name in CORE)


_SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                  r"CREATE\s+(TABLE|INDEX|TRIGGER|VIRTUAL)|DROP\s+(TABLE|INDEX|TRIGGER)|PRAGMA\s+\w+)\b",
                  re.DOTALL)


def _sql_strings(path: pathlib.Path) -> list[str]:
    """String literals that read as SQL statements."""
    return [node.value[:60] for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and _SQL.search(node.value)]


def test_only_the_sqlite_store_touches_sqlite_or_writes_sql():
    """sqlite3, sqlite-utils and SQL text live in newsdesk/store/sqlite/ and nowhere else
    (not even the rest of store/: api.py is the backend-free contract)."""
    found = _modules()
    outside = [name for name in found if not name.startswith("newsdesk.store.sqlite")]
    assert _offenders(outside, ("sqlite3", "sqlite_utils")) == {}
    assert {name: hits for name in outside if (hits := _sql_strings(found[name]))} == {}
    assert _sql_strings(found["newsdesk.store.sqlite.articles"])  # the check does see SQL


def test_analysis_imports_no_store_ingest_or_gui():
    analysis = [name for name in _modules() if name.startswith("newsdesk.analysis")]
    assert analysis
    assert _offenders(analysis, ("newsdesk.store", "newsdesk.ingest", "newsdesk.gui",
                                 "newsdesk.services", "newsdesk.cli", "PySide6")) == {}


def test_nothing_outside_the_gui_imports_qt_statically():
    """Only `newsdesk gui` reaches the window, and only when it runs (an import inside it)."""
    assert _offenders(CORE, ("PySide6", "newsdesk.gui")) == {"newsdesk.cli": ["newsdesk.gui.app"]}


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
