"""The use-case layer's walls: ingest imports nothing above it; services and formats no Qt;
formats no store."""

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).parents[3] / "newsdesk"


def _imports(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names.add(node.module or "")
        found[path.name] = names
    return found


def _offending(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    def bad(name: str) -> bool:
        return any(name == f or name.startswith(f + ".") for f in forbidden)

    found = {module: sorted(filter(bad, names)) for module, names in _imports(folder).items()}
    return {module: names for module, names in found.items() if names}


def test_ingest_imports_nothing_above_it():
    assert _offending("ingest", ("newsdesk.services", "newsdesk.clustering", "newsdesk.cli",
                                 "newsdesk.gui", "newsdesk.formats", "newsdesk.comparison")) == {}


def test_services_import_no_qt_and_no_face():
    assert _offending("services", ("PySide6", "newsdesk.gui", "newsdesk.cli", "click")) == {}


def test_formats_import_no_store_and_no_qt():
    assert _offending("formats", ("newsdesk.store", "PySide6", "newsdesk.gui",
                                  "newsdesk.services", "sqlite3")) == {}
