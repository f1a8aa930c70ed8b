"""One owner per noun, arrows one way: the content (topics) knows nothing of users' progress,
and no app imports the project package (settings come through django.conf)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "core", "progress", "topics"]


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules_of(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


def importers(app: str, of: str) -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for path in modules_of(app)
        if any(name == of or name.startswith(of + ".") for name in imported_modules(path))
    ]


def test_topics_never_imports_progress():
    assert modules_of("topics")
    assert importers("topics", "progress") == []


@pytest.mark.parametrize("app", APPS)
def test_apps_import_nothing_from_the_project_package(app):
    assert importers(app, "prepsite") == []
