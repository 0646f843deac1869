"""The contracts of reads and writes (issue 13), checked on the code itself so that a newcomer cannot
break one without a red test: selectors keyword-only and typed, one door for objects, explicit writes,
no bulk update of clinical rows, no query in views and forms."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from django.http import Http404

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
SELECTOR_MODULES = ["admissions.selectors", "assessments.selectors", "dashboards.selectors", "documents.selectors",
                    "unit.selectors"]


def _public_functions(module_name: str):
    module = importlib.import_module(module_name)
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ == module_name and not name.startswith("_"):
            yield f"{module_name}.{name}", function


SELECTORS = [pytest.param(function, id=name) for module in SELECTOR_MODULES
             for name, function in _public_functions(module)]


def test_every_selector_module_has_selectors():
    assert {module for module in SELECTOR_MODULES if any(True for _ in _public_functions(module))} == set(
        SELECTOR_MODULES)


@pytest.mark.parametrize("function", SELECTORS)
def test_selectors_are_keyword_only_and_typed(function):
    signature = inspect.signature(function)
    positional = [p.name for p in signature.parameters.values() if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    untyped = [p.name for p in signature.parameters.values() if p.annotation is inspect.Parameter.empty]
    assert positional == [], f"{function.__qualname__}: put `*` before {positional}"
    assert untyped == [], f"{function.__qualname__}: annotate {untyped}"
    assert signature.return_annotation is not inspect.Signature.empty, f"{function.__qualname__}: no return type"
    names = list(signature.parameters)
    if "user" in names:
        assert names[0] == "user", f"{function.__qualname__}: the user comes first"


def test_object_for_lives_in_the_access_module_only():
    from admissions import selectors
    from unit import access

    assert not hasattr(selectors, "object_for")
    signature = inspect.signature(access.object_for)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in signature.parameters.values())


@pytest.mark.django_db
def test_object_for_answers_404_for_missing_and_unreachable_alike(facility_a, facility_b, users_a):
    from admissions.models import Stay
    from unit import access

    mine = factories.stay(facility=facility_a)
    theirs = factories.stay(facility=facility_b)
    user = users_a["admissions"]
    assert access.object_for(user=user, queryset_or_model=Stay, pk=mine.pk) == mine
    assert access.object_for(user=user, queryset_or_model=Stay.objects.select_related("child"), pk=mine.pk) == mine
    for pk in (theirs.pk, theirs.pk + mine.pk + 1000):
        with pytest.raises(Http404):
            access.object_for(user=user, queryset_or_model=Stay, pk=pk)


def test_record_update_is_no_longer_exported():
    from admissions import services

    assert not hasattr(services, "record_update")
    for name in ("child_update", "adult_update", "family_update", "stay_update"):
        signature = inspect.signature(getattr(services, name))
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in signature.parameters.values()), name
        assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()), name


@pytest.mark.django_db
def test_an_update_names_its_fields(facility_a):
    from admissions import services

    child = factories.child(family=factories.family(facility=facility_a))
    with pytest.raises(TypeError):
        services.child_update(user=None, child=child, expected_version=child.version, reason="x", facility_id=1)
    stay = factories.stay(facility=facility_a)
    with pytest.raises(TypeError):
        services.stay_update(user=None, stay=stay, expected_version=stay.version, reason="x",
                             discharged_on=stay.admitted_on)


@pytest.mark.django_db
def test_bulk_update_of_clinical_rows_is_refused(facility_a):
    from admissions import services
    from admissions.models import Family, Stay

    family = services.family_create(user=None, facility=facility_a, reference="BULK-1", notes="before")
    with pytest.raises(PermissionError, match="through a service"):
        Family.objects.filter(pk=family.pk).update(notes="after")
    with pytest.raises(PermissionError, match="through a service"):
        Stay.objects.update(mandate="none")
    family.refresh_from_db()
    assert family.notes == "before"


def _view_and_form_modules():
    for path in sorted(ROOT.glob("*/*.py")):
        if path.parts[-2] in {"tests", "bench", "config", ".venv", "node_modules"}:
            continue
        if path.name in {"views.py", "forms.py"} or path.name.endswith("_views.py"):
            yield path


QUERY_METHODS = {"filter", "exclude", "annotate", "aggregate", "order_by", "values_list", "select_related",
                 "prefetch_related", "only", "distinct"}


def _queries(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERY_METHODS:
            found.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    return found


@pytest.mark.parametrize("path", [pytest.param(p, id=str(p.relative_to(ROOT))) for p in _view_and_form_modules()])
def test_views_and_forms_hold_no_query(path):
    assert _queries(path) == []


def test_the_query_check_sees_a_query(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def page(request):\n    return Stay.objects.filter(pk=1).order_by('pk')\n", encoding="utf-8")
    assert len(_queries(sample)) == 3, "the AST check would pass anything"


PAGE_HELPERS = {"history_rows", "version_of", "_version", "expected_status_of_role"}


def test_the_page_matrix_helper_exists_once():
    """The matrix rule and the page helpers live in tests/page_matrix.py; the page tests import them."""
    defined = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.name == "page_matrix.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in PAGE_HELPERS:
                defined.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert defined == []
    for name in ("test_permission_matrix.py", "admissions/test_pages.py", "assessments/test_pages.py"):
        assert "page_matrix" in (ROOT / "tests" / name).read_text(encoding="utf-8"), name
