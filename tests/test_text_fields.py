"""Every text field of every form refuses control characters (issue 11, finding 1).

A control character in front of "=" hid a formula from the export check; a field that accepts it
stores text no person typed. The pages are those of the form fuzzing (every form of the product), and
every form class and every admin form must carry the shared rule, so a new one cannot ship without it.
"""

from __future__ import annotations

import html
import importlib
import re

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from tests.test_fuzz_forms import PAGE_COUNT, _pages
from tests.test_fuzz_forms import world as world  # noqa: F401 (fixture)
from unit.forms import SafeTextMixin

FORM = re.compile(r'<form\b([^>]*)>(.*?)</form>', re.S)
ACTION = re.compile(r'\baction="([^"]*)"')
TAG = re.compile(r"<(input|textarea)\b([^>]*)>")
ATTR = re.compile(r'\b(name|type)="([^"]*)"')
TEXT_TYPES = {"text", "search", "email", "tel", "url"}
HOSTILE = "\x01=cmd|' /C calc'!A0"
REFUSAL = "caractère de contrôle"
PROJECT_APPS = ("unit", "admissions", "assessments", "dashboards")


def _text_fields(page: str) -> list[str]:
    names = []
    for tag, attrs in TAG.findall(page):
        found = dict(ATTR.findall(attrs))
        if "name" in found and (tag == "textarea" or found.get("type", "text") in TEXT_TYPES):
            names.append(found["name"])
    return sorted(set(names))


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(PAGE_COUNT))
def test_every_text_field_refuses_a_control_character(client, world, users_a, index):  # noqa: F811
    role, page_url, post_url = _pages(world)[index]
    client.force_login(users_a[role])
    page = client.get(page_url).content.decode()
    if post_url:  # a page of several forms: the one that posts there
        page = "".join(body for attrs, body in FORM.findall(page) if ACTION.findall(attrs) == [post_url])
    names = _text_fields(page)
    if not names:
        pytest.skip(f"no text field on {page_url}")
    response = client.post(post_url or page_url, dict.fromkeys(names, HOSTILE), follow=True)
    assert response.status_code in (200, 400), response.status_code
    assert not response.redirect_chain or response.redirect_chain[-1][0] == page_url  # nothing was saved
    assert html.unescape(response.content.decode()).count(REFUSAL) == len(names), names


def test_every_text_field_of_the_product_is_tried():
    """The page walk above must meet text fields: a broken regular expression would skip them all."""
    page = '<input type="text" name="a" id="x"><textarea name="b"></textarea><input name="c" type="hidden">'
    assert _text_fields(page) == ["a", "b"]


def _project_form_classes() -> list[type]:
    for config in apps.get_app_configs():
        if config.name not in PROJECT_APPS:
            continue
        for module in ("forms", "views", "otp_views", "audit_views", "subject_views", "import_views"):
            try:
                importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError:
                continue
    found, todo = [], [forms.BaseForm]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.split(".")[0] in PROJECT_APPS:
                found.append(cls)
    return found


def test_every_form_class_carries_the_rule():
    classes = _project_form_classes()
    assert len(classes) >= 20
    assert [cls.__qualname__ for cls in classes if not issubclass(cls, SafeTextMixin)] == []


@pytest.mark.django_db
def test_every_admin_form_refuses_a_control_character(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    tried = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS or not model_admin.has_add_permission(request):
            continue
        form = model_admin.get_form(request)(data={})
        text = [name for name, field in form.fields.items()  # JSON is parsed before any validator runs
                if isinstance(field, forms.CharField) and not isinstance(field, forms.JSONField)]
        if not text:
            continue
        form = model_admin.get_form(request)(data=dict.fromkeys(text, HOSTILE))
        form.is_valid()
        for name in text:
            assert any(REFUSAL in message for message in form.errors.get(name, [])), (model, name)
        tried += 1
    assert tried >= 4
