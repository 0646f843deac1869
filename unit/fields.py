"""Form fields that refuse impossible primary keys before they reach the database.

A forged post with a 40-digit id would otherwise overflow the database integer and answer 500.
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_PK = 2**63 - 1


def _check(value, field) -> None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return  # Django's own validation says "invalid choice"
    if not 0 < number <= MAX_PK:
        raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice",
                              params={"value": value})


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            _check(value, self)
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            try:
                _check(item, self)
            except ValidationError as error:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": item}) from error
        return super()._check_values(value)
