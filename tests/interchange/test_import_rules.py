"""What the import shares with the entry forms: EPDS item scores after keying, one birth-date rule."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from django.utils import timezone

from admissions.forms import AdultForm, ChildForm
from interchange import importer
from interchange.importer import SHEETS, import_workbook
from tests import factories
from tests.interchange import import_corpus as corpus
from unit.ages import EARLIEST_BIRTH_DATE, birth_date_problem


def _help(workbook, sheet: str, code: str) -> str:
    header = workbook[sheet][1]
    return next(cell.comment.text for cell in header if cell.value == code)


def test_the_template_says_epds_columns_hold_item_scores_after_keying(tmp_path):
    path = tmp_path / "modele.xlsx"
    importer.build_template(path)
    workbook = openpyxl.load_workbook(path)
    # Item 3 is reverse-keyed (its first answer scores 3), item 1 is not.
    assert "après cotation" in _help(workbook, "assessments", "e03")
    assert "1re à 4e réponse : 3, 2, 1, 0" in _help(workbook, "assessments", "e03")
    assert "1re à 4e réponse : 0, 1, 2, 3" in _help(workbook, "assessments", "e01")
    assert "après cotation" not in _help(workbook, "assessments", "cog_ss")
    readme = " ".join(str(c.value) for c in workbook["README"]["A"])
    assert "EPDS" in readme and "pas le rang de la réponse cochée" in readme
    assert {c.code for c in SHEETS["assessments"]} >= {f"e{n:02d}" for n in range(1, 11)}


# ---------------------------------------------------------------- one birth-date rule for forms and import


def _birth_dates():
    today = timezone.localdate()
    return [date(1, 1, 1), date(1899, 12, 31), date(1900, 1, 1), date(2024, 11, 10), today,
            today + timedelta(days=1), date(9999, 12, 31)]


def test_plausible_birth_dates_run_from_1900_to_today():
    today = date(2026, 12, 1)
    assert EARLIEST_BIRTH_DATE == date(1900, 1, 1)
    assert birth_date_problem(date(1900, 1, 1), today) is None
    assert birth_date_problem(today, today) is None
    assert "1900" in birth_date_problem(date(1899, 12, 31), today)
    assert "1900" in birth_date_problem(date(1, 1, 1), today)
    assert "futur" in birth_date_problem(date(2026, 12, 2), today)


def _form_error(form_class, birth: date) -> str | None:
    data = {"first_name": "Léa", "last_name": "Dupont", "sex": "F", "role": "mother", "birth_date": birth.isoformat()}
    form = form_class(data=data)
    form.is_valid()
    errors = form.errors.get("birth_date")
    return errors[0] if errors else None


def _import_error(tmp_path, sheet: str, birth: date, admin_user) -> str | None:
    rows = corpus.cohort()
    rows[sheet][0]["birth_date"] = birth.isoformat()  # as ISO text: an Excel date cannot hold year 1
    result = import_workbook(corpus.write(tmp_path / f"{sheet}-{birth.isoformat()}.xlsx", rows), user=admin_user)
    errors = [e.reason for e in result.errors if (e.sheet, e.row, e.column) == (sheet, 2, "birth_date")]
    return errors[0] if errors else None


@pytest.mark.django_db
@pytest.mark.parametrize("form_class,sheet", [(ChildForm, "children"), (AdultForm, "adults")])
def test_forms_and_import_refuse_the_same_birth_dates_with_the_same_words(tmp_path, facility_a, form_class, sheet):
    admin_user = factories.user(role="admin", facility=facility_a, username="admin_birth")
    today = timezone.localdate()
    for birth in _birth_dates():
        expected = birth_date_problem(birth, today)
        assert _form_error(form_class, birth) == expected, birth
        assert _import_error(tmp_path, sheet, birth, admin_user) == expected, birth
    assert _form_error(form_class, date(1, 1, 1))  # the rule refuses it, so both do


@pytest.mark.django_db
def test_the_services_hold_the_same_rule_for_writes_that_skip_the_forms(facility_a):
    from django.core.exceptions import ValidationError

    from admissions import services

    family = factories.family(facility=facility_a)
    with pytest.raises(ValidationError, match="1900"):
        services.child_add(user=None, family=family, first_name="Léa", last_name="Dupont", sex="F",
                           birth_date=date(1, 1, 1))
    with pytest.raises(ValidationError, match="1900"):
        services.adult_add(user=None, family=family, role="mother", first_name="Ana", last_name="Dupont",
                           birth_date=date(1899, 12, 31))
    child = factories.child(family=family)
    with pytest.raises(ValidationError, match="1900"):
        services.child_update(user=None, child=child, birth_date=date(1, 1, 1),
                               expected_version=child.version, reason="Correction")


# ---------------------------------------------------------------- one home for each date-order rule

IN_S3 = "La présence doit être comprise dans le séjour (du 10/05/2025 au 30/09/2025)."


@pytest.mark.django_db
@pytest.mark.parametrize("sheet,index,change,column,expected", [
    ("requests", 0, {"decided_on": date(2025, 1, 4)}, "decided_on",
     "La décision ne peut précéder la réception de la demande."),
    ("stays", 0, {"discharged_on": date(2025, 1, 14)}, "discharged_on", "La sortie ne peut précéder l'admission."),
    ("stays", 1, {"admitted_on": date(2025, 1, 20)}, "admitted_on",
     "L'admission ne peut précéder la naissance de l'enfant."),
    ("presence", 3, {"to": date(2025, 5, 31)}, "to", "La fin de présence ne peut précéder son début."),
    ("presence", 3, {"from": date(2025, 5, 9)}, "from", IN_S3),
    ("presence", 3, {"to": date(2025, 10, 1)}, "to", IN_S3),
])
def test_the_import_refuses_dates_out_of_order_with_the_services_words(tmp_path, facility_a, sheet, index, change,
                                                                       column, expected):
    """The words the services raise (tests/admissions/test_services.py): the import calls the same rule."""
    admin_user = factories.user(role="admin", facility=facility_a, username="admin_dates")
    rows = corpus.cohort()
    rows[sheet][index].update(change)
    result = import_workbook(corpus.write(tmp_path / "dates.xlsx", rows), user=admin_user)
    assert [e.reason for e in result.errors if (e.sheet, e.row, e.column) == (sheet, index + 2, column)] == [expected]
