"""Fields that feed the reports open on a prompt, never on a preselected answer (the browser picks the first
option of a select without a blank one: before this test, « Service de pédiatrie » or « Hôpital » was sent
by whoever did not look). "unknown"/"other" stay answers a user can choose."""

import pytest

from admissions import forms

pytestmark = pytest.mark.django_db


def test_report_fields_open_on_a_prompt_and_refuse_it():
    for form_class, names in ((forms.RequestForm, ("referrer_category", "reason")),
                              (forms.DecisionForm, ("decision",))):
        fields = form_class.base_fields
        for name in names:
            value, label = list(fields[name].choices)[0]
            assert value == "" and label, (form_class.__name__, name)
            assert fields[name].required
    admit = [cls for cls in vars(forms).values() if isinstance(cls, type) and "residence_before" in
             getattr(cls, "base_fields", {})]
    assert admit
    for cls in admit:
        assert list(cls.base_fields["residence_before"].choices)[0][0] == ""
