"""Rules every form of the product shares: typed text holds no control character."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from unit.cells import CONTROL


def _texts(value):
    """The strings of a value: itself, or those inside a JSON value (keys and items)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def refuse_control_characters(value) -> None:
    """No person types a control character; pasted, one can hide a formula from a spreadsheet (issue 11)."""
    for text in _texts(value):
        if found := CONTROL.search(text):
            raise ValidationError(
                _("Ce texte contient un caractère de contrôle invisible (%(code)s) : retapez-le au lieu de le "
                  "copier depuis un autre logiciel."),
                code="control_character", params={"code": f"U+{ord(found.group()):04X}"})


def guard_text_fields(fields) -> None:
    for field in fields.values():
        if isinstance(field, forms.CharField) and refuse_control_characters not in field.validators:
            field.validators.append(refuse_control_characters)


class SafeTextMixin:
    """Every text field of the form, declared or added in `__init__`, refuses control characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self.fields)

    def full_clean(self):
        guard_text_fields(self.fields)  # fields added after __init__ as well
        super().full_clean()


class SafeModelForm(SafeTextMixin, forms.ModelForm):
    """The admin's forms."""
