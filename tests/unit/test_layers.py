"""The foundation names no other app: no module of unit/ imports one or names its models or pages.

The apps above it declare what it must know (unit/registry.py); import-linter (make lint) keeps the
layers of the whole project. This test reads the source, so it also covers imports inside functions
and strings such as "admissions.stay" that no import linter sees.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "unit"
OTHER_APPS = ("admissions", "assessments", "documents", "dashboards", "interchange", "config")
# "admissions.stay", "assessments:index": a model label or a URL name of another app.
NAMED = re.compile(rf"^({'|'.join(OTHER_APPS)})[.:][a-z_]")


def _modules() -> list[Path]:
    return sorted(path for path in UNIT.rglob("*.py")
                  if "migrations" not in path.parts)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            ids.add(id(body[0].value))
    return ids


def foreign_names(source: str) -> list[str]:
    """The other apps a module imports or names (model labels, URL names), as `line: what`."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            names = [node.value] if NAMED.match(node.value) else []
        else:
            continue
        found += [f"{node.lineno}: {name}" for name in names
                  if name.split(".")[0].split(":")[0] in OTHER_APPS]
    return found


def test_the_check_sees_imports_in_functions_and_labels_in_strings():
    source = ("def view():\n    from admissions.services import record_restore\n"
              "import assessments.models\nLABELS = {'dashboards.funderprofile', 'unit.organisation'}\n"
              "NAV = ('admissions:index', 'audit_list')\nROLE = 'admissions'\n")
    assert sorted(foreign_names(source)) == ["2: admissions.services", "3: assessments.models",
                                             "4: dashboards.funderprofile", "5: admissions:index"]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(UNIT).as_posix())
def test_no_module_of_the_foundation_names_another_app(path):
    assert foreign_names(path.read_text(encoding="utf-8")) == []


def test_the_layer_contract_tolerates_no_exception():
    """Everything that crossed the layers moved to interchange: the contract lists no ignored import."""
    import tomllib

    config = tomllib.loads((UNIT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert contracts and all(not contract.get("ignore_imports") for contract in contracts)
