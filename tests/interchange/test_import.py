"""The workbook import: the template, the round trip to the report, idempotence, the bad corpus and the page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from admissions.models import AdmissionRequest, Child, Stay
from dashboards.engine import Period, build
from interchange import importer
from interchange.importer import SHEETS, import_workbook
from tests import factories
from tests.interchange import import_corpus as corpus
from unit.models import Facility

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
ROLES = ["admissions", "therapist", "manager", "reporting", "admin"]


def row_counts() -> dict[str, int]:
    """Rows of every model (history tables included) of the apps an import writes to (not its job)."""
    models = [m for label in ("admissions", "assessments", "unit") for m in apps.get_app_config(label).get_models()]
    # The audit trail grows with every preview shown, and a job is the product's bookkeeping: neither is a record.
    return {m._meta.label: m._default_manager.count() for m in models
            if m._meta.label not in ("unit.AuditEntry", "unit.Job")}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def admin_user(facility_a):
    return factories.user(role="admin", facility=facility_a, username="admin_imp")


# ---------------------------------------------------------------- the template


def test_template_has_every_sheet_and_column_in_order_with_help_and_lists(tmp_path):
    path = tmp_path / "modele.xlsx"
    importer.build_template(path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["README", *SHEETS, "_listes"]
    assert workbook["_listes"].sheet_state == "hidden"
    assert "rien n'est écrit" in " ".join(str(c.value) for c in workbook["README"]["A"])
    for name, columns in SHEETS.items():
        sheet = workbook[name]
        assert [c.value for c in sheet[1]] == [c.code for c in columns]
        assert all(cell.comment is not None and cell.comment.text.strip() for cell in sheet[1])
        lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
                 for dv in sheet.data_validations.dataValidation}
        for index, column in enumerate(columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            if column.vocabulary:
                assert lists.get(letter) == importer.list_name(column.vocabulary), (name, column.code)
            else:
                assert letter not in lists
    # The long lists live on the hidden sheet, referenced by name (inline lists stop at 255 characters).
    region = workbook.defined_names[importer.list_name("region")]
    first, last = region.attr_text.split("!")[1].split(":")
    assert int(last.split("$")[-1]) - int(first.split("$")[-1]) + 1 == len(importer.list_codes("region"))
    assert sum(len(code) + 1 for code in importer.list_codes("region")) > 255
    assert [c.value for c in workbook["_listes"]["A"]][:3] == ["facility_kind", "parent_baby_unit", "maternal_centre"]


def test_template_command_writes_the_workbook(tmp_path):
    out = tmp_path / "modele.xlsx"
    call_command("import_template", str(out), stdout=io.StringIO())
    assert openpyxl.load_workbook(out).sheetnames[1] == "facilities"
    with pytest.raises(CommandError):
        call_command("import_template", str(tmp_path / "modele.csv"), stdout=io.StringIO())


def test_assessment_score_columns_are_the_instruments_field_codes():
    from assessments import instruments

    columns = {c.code for c in SHEETS["assessments"]}
    for instrument in instruments.registry().values():
        assert {f.code for f in instrument.fields} <= columns


# ---------------------------------------------------------------- round trip and idempotence


@pytest.mark.django_db
def test_round_trip_gives_the_hand_computed_report(tmp_path, admin_user):
    result = import_workbook(corpus.good(tmp_path), user=admin_user)
    assert result.ok, [str(e) for e in result.errors]
    assert result.applied
    assert result.created == {"facilities": 1, "families": 4, "children": 4, "adults": 4, "requests": 6,
                              "stays": 3, "presence": 4, "diagnoses": 5, "assessments": 4, "interventions": 3,
                              "signalements": 1}
    facility = Facility.objects.get(code=corpus.FACILITY)
    report = build([facility], YEAR).indicators
    assert report["stays_active"] == 3
    assert report["children_by_sex"] == {"F": 2, "M": 1}
    assert report["age_band_by_sex"]["0-5m"] == {"F": 1, "M": 1}  # Lina 2 months, Noé 1 month
    assert report["age_band_by_sex"]["12-23m"] == {"F": 1, "M": 0}  # Zoé 14 months
    assert report["admission_mode"] == {"mother_only": 1, "father_only": 1, "both_whole_stay": 1,
                                        "both_partial": 0, "none": 0}
    assert report["requests"] == {"received": 6, "accepted": 3, "waiting_list": 1, "refused": 1, "pending": 1}
    assert report["refusal_reason"] == {"no_capacity": 1}
    assert report["residence_before"] == {"family_home": 1, "hospital": 1, "nursery_or_creche": 1}
    assert report["residence_after"] == {"home_with_parent": 1, "other_private_care": 1}
    assert report["discharge_kind"] == {"early_family": 1, "planned": 1}
    assert report["referrer_category"] == {"cpas": 1, "family_self": 1, "hospital_maternity": 1}
    assert report["mandate"] == {"none": 2, "saj": 1}
    assert report["region"] == {"BE-BRU": 1, "BE-WHT": 1}
    assert report["diagnosis_entry_exit"] == [{"entry": "6B40", "exit": "6B40", "n": 1},
                                              {"entry": "6B40", "exit": "QA00", "n": 1}]
    assert report["parent_diagnoses"] == {"6A70": 1}
    # 15/01→30/06 = 166 days, 01/03→31/12 = 305, 10/05→30/09 = 143
    assert report["length_of_stay_days"] == {"n": 3, "median": 166, "mean": 204.7, "min": 143, "max": 305}
    assert report["families"] == {"followed": 3, "new": 3, "continuing": 0, "closed": 2}
    assert report["gestational_category"] == {"preterm": 1, "term": 1, "post_term": 0, "unknown": 1}
    assert report["interventions"] == {"home_visit": 1, "phone_consultation": 2}
    assert report["signalements"] == 1
    # Only S1 has an entry and an exit Bayley; S3 has an entry only.
    assert report["bayley_change"]["cog"] == {"n": 1, "entry_mean": 85.0, "exit_mean": 95.0, "mean_change": 10.0}
    assert report["bayley_change"]["lang"] == {"n": 1, "entry_mean": 90.0, "exit_mean": 100.0, "mean_change": 10.0}
    assert report["bayley_change"]["se"]["n"] == 0


@pytest.mark.django_db
def test_round_trip_to_the_funders_workbook_and_back(tmp_path, admin_user):
    """Import the spreadsheet, export the workbook with the command, read the figures back from the .xlsx."""
    from dashboards.models import FunderProfile
    from unit.history import record_save

    assert import_workbook(corpus.good(tmp_path), user=admin_user).ok
    # A profile without masking (k = 1), so that the hand-computed counts appear as they are.
    record_save(FunderProfile(name="Sans masquage", small_cell_threshold=1), user=admin_user, reason="test")
    out = tmp_path / "rapport.xlsx"
    call_command("export_report", facility=[corpus.FACILITY], start="2025-01-01", end="2025-12-31", out=str(out),
                 profile="Sans masquage", user=admin_user.username, stdout=io.StringIO(), stderr=io.StringIO())
    wb = openpyxl.load_workbook(out, read_only=True)
    from dashboards.workbook import sheet_title

    def rows(sheet):
        return [list(row) for row in wb[sheet_title(sheet)].iter_rows(min_row=4, values_only=True)]

    pyramid = {row[0]: row[1:4] for row in rows("age_pyramid")}
    assert pyramid["0–5 mois"] == [1, 1, 2]  # Lina 2 months, Noé 1 month
    assert pyramid["12–23 mois"] == [1, 0, 1]  # Zoé 14 months
    requests = {row[0]: row[1] for row in rows("requests")}
    assert (requests["Reçues"], requests["Acceptées"], requests["Liste d'attente"], requests["Refusées"],
            requests["Sans décision"]) == (6, 3, 1, 1, 1)
    flows = {(row[0], row[1]): row[2] for row in rows("diagnosis_entry_exit")}
    # Each diagnosis by its recorded title with the code beside it.
    ptsd = "Trouble de stress post-traumatique (6B40)"
    assert flows == {(ptsd, ptsd): 1, (ptsd, "Examen de santé (QA00)"): 1}
    interventions = {row[0]: row[1] for row in rows("interventions")}
    assert sorted(interventions.values()) == [1, 2]  # home visit 1, phone consultation 2
    bayley = {row[0]: row[1:5] for row in rows("outcome_measures")}
    assert bayley["Bayley : cognitif"] == [1, 85, 95, 10]
    assert bayley["Bayley : langage"] == [1, 90, 100, 10]
    lines = [list(row) for row in wb[sheet_title("line_list")].iter_rows(min_row=2, values_only=True)]
    assert sorted(row[3] for row in lines) == [1, 2, 14]  # one row per stay: age at admission in months
    # Every sheet holds the very cells of the report's tables, which the hand-computed test above checks
    # through the indicators: nothing is lost or changed on the way to Excel.
    from django.utils import translation

    from dashboards.tables import build_tables

    with translation.override("fr"):
        tables = build_tables(build([Facility.objects.get(code=corpus.FACILITY)], YEAR))
    for name, table in tables.items():
        width = len(table.headers)  # read-only rows drop their trailing empty cells
        written = [(row + [None] * width)[:width] for row in rows(name)][:len(table.rows)]
        expected = [[str(cell) if not isinstance(cell, int | float) and cell is not None else cell
                     for cell in row] for row in table.rows]
        assert written == expected, name
    cover = {row[0]: row[1] for row in wb["Couverture"].iter_rows(values_only=True) if len(row) > 1 and row[0]}
    assert cover["Profil"] == "Sans masquage"
    assert "aucun masquage" in cover["Seuil des petits effectifs"]


@pytest.mark.django_db
def test_every_write_has_the_import_reason_and_the_user(tmp_path, admin_user):
    import_workbook(corpus.good(tmp_path), user=admin_user)
    child = Child.objects.get(first_name="Lina")
    record = child.history.earliest()
    assert record.history_change_reason == "importé depuis cohorte.xlsx par admin_imp"
    assert record.history_user == admin_user
    stay = Stay.objects.get(child=child)
    assert stay.history.earliest().history_change_reason.startswith("importé depuis cohorte.xlsx")
    refused = AdmissionRequest.objects.get(refusal_reason="no_capacity")
    assert refused.decision == "refused" and refused.decided_by == admin_user


@pytest.mark.django_db
def test_reimporting_the_same_workbook_creates_nothing(tmp_path, admin_user):
    path = corpus.good(tmp_path)
    first = import_workbook(path, user=admin_user)
    before = row_counts()
    second = import_workbook(path, user=admin_user)
    assert second.ok and second.applied
    assert row_counts() == before
    assert sum(second.created.values()) == 0
    assert second.skipped == first.created


@pytest.mark.django_db
def test_dry_run_counts_what_would_be_created_and_writes_nothing(tmp_path, admin_user):
    before = row_counts()
    result = import_workbook(corpus.good(tmp_path), user=admin_user, commit=False)
    assert result.ok and not result.applied
    assert result.created["stays"] == 3 and result.created["families"] == 4
    assert row_counts() == before


@pytest.mark.django_db
def test_progress_is_reported_row_by_row_up_to_the_total(tmp_path, admin_user):
    calls = []
    import_workbook(corpus.good(tmp_path), user=admin_user, progress=lambda done, total: calls.append((done, total)))
    rows = sum(len(v) for v in corpus.cohort().values())
    assert calls[0] == (1, 2 * rows)
    assert calls[-1] == (2 * rows, 2 * rows)
    assert [done for done, _total in calls[:-1]] == sorted(done for done, _total in calls[:-1])


@pytest.mark.django_db
def test_extra_columns_are_a_warning_not_an_error(tmp_path, admin_user):
    path = corpus.write(tmp_path / "extra.xlsx", corpus.cohort(), extra_column=("children", "remarque"))
    result = import_workbook(path, user=admin_user, commit=False)
    assert result.ok
    assert any(w.sheet == "children" and w.column == "remarque" for w in result.warnings)


# ---------------------------------------------------------------- the bad corpus: nothing written


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(corpus.BAD))
def test_a_bad_workbook_is_refused_with_a_located_french_error_and_nothing_written(tmp_path, admin_user, case):
    build_file, sheet, row, column = corpus.BAD[case]
    path = build_file(tmp_path)
    before = row_counts()
    result = import_workbook(path, user=admin_user)
    assert row_counts() == before
    assert not result.ok and not result.applied
    assert sum(result.created.values()) == 0
    located = [e for e in result.errors if (e.sheet, e.row, e.column) == (sheet, row, column)]
    assert located, [str(e) for e in result.errors]
    text = str(located[0])
    assert (f"ligne {row}" in text) if row else True
    assert (f"colonne {column}" in text) if column else True
    assert any(word in text.lower() for word in ("feuille", "code", "date", "référence", "naissance",
                                                 "formule", "classeur", "fichier"))


@pytest.mark.django_db
def test_the_command_lists_errors_exits_with_an_error_and_writes_nothing(tmp_path):
    before = row_counts()
    out = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_workbook", str(corpus.bad_unknown_code(tmp_path)), stdout=out, stderr=io.StringIO())
    assert "children, ligne 3, colonne sex (E) : Code inconnu « X »" in out.getvalue()
    assert "Enfants (children) : 4 ligne(s) lue(s) = 0 à créer + 0 déjà présent(s) + 4 refusée(s)" in out.getvalue()
    assert row_counts() == before
    with pytest.raises(CommandError):
        call_command("import_workbook", str(corpus.bad_not_a_workbook(tmp_path)), stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert row_counts() == before


@pytest.mark.django_db
def test_capacity_is_checked_when_writing_and_rolls_everything_back(tmp_path, admin_user):
    before = row_counts()
    result = import_workbook(corpus.over_capacity(tmp_path), user=admin_user)
    assert row_counts() == before
    assert not result.applied
    full = [e for e in result.errors if e.sheet == "stays"]
    assert full and full[0].row == 3 and full[0].column == "admitted_on"  # S2, the second child in 1 place
    assert "complète" in full[0].reason


@pytest.mark.django_db
def test_several_checks_of_one_workbook_are_all_reported(tmp_path, admin_user):
    rows = corpus.cohort()
    rows["stays"][0]["discharged_on"] = date(2025, 1, 1)  # before admission
    rows["presence"][3]["from"] = date(2025, 10, 1)  # after S3 ended
    rows["stays"][1]["child_ref"] = "C9"  # unknown child
    rows["interventions"][0]["date"] = timezone.localdate() + timedelta(days=1)  # future
    rows["requests"][2]["refusal_reason"] = None  # a refusal without reason
    result = import_workbook(corpus.write(tmp_path / "plusieurs.xlsx", rows), user=admin_user)
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert {("stays", 2, "discharged_on"), ("presence", 5, "from"), ("stays", 3, "child_ref"),
            ("interventions", 2, "date"), ("requests", 4, "refusal_reason")} <= found


@pytest.mark.django_db
def test_a_parent_scale_needs_an_adult_and_a_formula_date_is_refused(tmp_path, admin_user):
    rows = corpus.cohort()
    rows["assessments"][3]["subject_ref"] = "C1"  # EPDS is about a parent
    rows["signalements"][0]["date"] = "=DATE(2025,4,1)"
    result = import_workbook(corpus.write(tmp_path / "sujets.xlsx", rows), user=admin_user)
    errors = {(e.sheet, e.row, e.column): e.reason for e in result.errors}
    assert "évalue un parent" in errors[("assessments", 5, "subject_ref")]
    assert errors[("signalements", 2, "date")].startswith("Formule refusée")


@pytest.mark.django_db
def test_command_dry_run_and_user(tmp_path, admin_user):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_workbook", str(corpus.good(tmp_path)), "--dry-run", "--user", "admin_imp",
                 stdout=out, stderr=err)
    assert "rien n'a été écrit" in out.getvalue()
    assert "Séjours (stays) : 3 ligne(s) lue(s) = 3 à créer" in out.getvalue()
    assert "100 %" in err.getvalue()
    assert not Stay.objects.exists()
    call_command("import_workbook", str(corpus.good(tmp_path)), "--user", "admin_imp", stdout=out, stderr=err)
    assert Stay.objects.count() == 3
    with pytest.raises(CommandError, match="Utilisateur inconnu"):
        call_command("import_workbook", str(corpus.good(tmp_path)), "--user", "nobody", stdout=out, stderr=err)


@pytest.mark.django_db
def test_assessments_need_a_user_on_the_command_line(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_workbook", str(corpus.good(tmp_path)), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Stay.objects.exists()


# ---------------------------------------------------------------- rights


@pytest.mark.django_db
def test_rows_of_a_facility_outside_the_users_rights_are_refused(tmp_path, facility_a, facility_b, users_a):
    path = corpus.good(tmp_path, facility_code=facility_b.code, with_facility_row=False)
    before = row_counts()
    result = import_workbook(path, user=users_a["admin"])
    assert row_counts() == before
    assert any(e.sheet == "requests" and e.column == "facility_code" and "Structure inconnue" in e.reason
               for e in result.errors)


@pytest.mark.django_db
def test_only_an_administrator_creates_facilities(tmp_path, users_a):
    result = import_workbook(corpus.good(tmp_path), user=users_a["admissions"], commit=False)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("facilities", 2, "facility_code")]
    assert import_workbook(corpus.good(tmp_path), user=users_a["admin"], commit=False).ok


@pytest.mark.django_db
def test_an_existing_facility_in_the_sheet_is_used_not_created(tmp_path, facility_a, users_a):
    result = import_workbook(corpus.good(tmp_path, facility_code=facility_a.code), user=users_a["admin"])
    assert result.ok, [str(e) for e in result.errors]
    assert result.skipped["facilities"] == 1 and result.created["facilities"] == 0
    assert Stay.objects.filter(facility=facility_a).count() == 3


# ---------------------------------------------------------------- the page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_upload_page_answers_the_permission_matrix(login, users_a, role):
    client = login(users_a[role])
    expected = 200 if role == "admin" else 403
    assert client.get(reverse("interchange:import_upload")).status_code == expected
    response = client.get(reverse("interchange:import_template"))
    assert response.status_code == expected
    if expected == 200:
        assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[0] == "README"
    assert client.post(reverse("interchange:import_confirm"), {"token": "0" * 32}).status_code in (
        {403} if expected == 403 else {404})


@pytest.mark.django_db
def test_the_subnav_links_the_importer_for_admins_only_among_record_readers(login, users_a):
    page = login(users_a["admin"]).get(reverse("admissions:index")).content.decode()
    assert reverse("interchange:import_upload") in page
    page = login(users_a["admissions"]).get(reverse("admissions:index")).content.decode()
    assert reverse("interchange:import_upload") not in page


def _upload(client, path):
    """Upload, then follow the job's page to the preview (the job ran at once: the immediate backend)."""
    with path.open("rb") as handle:
        return client.post(reverse("interchange:import_upload"), {"workbook": handle}, follow=True)


@pytest.mark.django_db
def test_the_preview_shows_every_error_and_offers_no_confirmation(tmp_path, login, users_a):
    client = login(users_a["admin"])
    response = _upload(client, corpus.bad_stay_before_birth(tmp_path))
    assert response.status_code == 400
    page = response.content.decode()
    assert "ne peut précéder la naissance de l" in page and "admitted_on" in page
    assert "Confirmer l" not in page
    assert not list((tmp_path / "var" / "imports").glob("*.xlsx"))  # a refused upload is not kept


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(corpus.BAD))
def test_every_bad_workbook_sent_through_the_page_gets_a_french_answer(tmp_path, login, users_a, case):
    """The whole bad corpus through the upload page: 400, the errors listed in French, nothing written or kept."""
    build_file, sheet, row, column = corpus.BAD[case]
    before = row_counts()
    response = _upload(login(users_a["admin"]), build_file(tmp_path))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Traceback" not in page and "Confirmer l" not in page
    if "result" in response.context:  # read and refused: every problem located in the preview table
        problems = response.context["result"].errors
        assert problems and all(escape(problem.reason) in page for problem in problems)
        assert any((p.sheet, p.row, p.column) == (sheet, row, column) for p in problems)
    else:  # refused before reading (an empty file): the form's own message
        messages = [m for field_errors in response.context["form"].errors.values() for m in field_errors]
        assert messages and all(escape(m) in page for m in messages)
        assert "vide" in " ".join(messages)
    assert row_counts() == before
    assert not list((tmp_path / "var" / "imports").glob("*.xlsx"))


@pytest.mark.django_db
def test_upload_refuses_a_non_xlsx_name(tmp_path, login, users_a):
    path = tmp_path / "notes.csv"
    path.write_text("a;b\n")
    response = _upload(login(users_a["admin"]), path)
    assert response.status_code == 400
    assert "xlsx" in response.content.decode()


@pytest.mark.django_db
def test_preview_then_confirm_applies_the_import(tmp_path, login, users_a, facility_a):
    client = login(users_a["admin"])
    response = _upload(client, corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False))
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "Confirmer l" in response.content.decode()
    assert not Stay.objects.exists()
    token = response.context["token"]
    assert (tmp_path / "var" / "imports" / f"{token}.xlsx").exists()
    response = client.post(reverse("interchange:import_confirm"), {"token": token}, follow=True)
    assert response.status_code == 200
    assert response.context["result"].applied
    assert Stay.objects.filter(facility=facility_a).count() == 3
    assert not (tmp_path / "var" / "imports" / f"{token}.xlsx").exists()
    # The token is spent: confirming again finds nothing.
    assert client.post(reverse("interchange:import_confirm"), {"token": token}).status_code == 404


@pytest.mark.django_db
def test_a_file_uploaded_in_another_session_cannot_be_confirmed(tmp_path, users_a, facility_a, client):
    owner = Client()
    owner.force_login(users_a["admin"])
    response = _upload(owner, corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False))
    token = response.context["token"]
    other = factories.user(role="admin", facility=facility_a, username="other_admin")
    client.force_login(other)
    before = row_counts()
    assert client.post(reverse("interchange:import_confirm"), {"token": token}).status_code == 404
    assert row_counts() == before


# Spaces and invisible characters openpyxl can write in front of a formula (it refuses other controls).
SPACES_BEFORE_A_FORMULA = [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u202f", "\u3000", "\ufeff",
                           "\u200b", " \u00a0\t"]


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", SPACES_BEFORE_A_FORMULA, ids=[f"U+{ord(p[0]):04X}x{len(p)}"
                                                                  for p in SPACES_BEFORE_A_FORMULA])
def test_a_formula_behind_spaces_is_refused_after_trimming(tmp_path, admin_user, prefix):
    """Issue 11, finding 1: the refusal looked at the first character before the text was trimmed."""
    before = row_counts()
    rows = corpus.cohort()
    rows["adults"][0]["first_name"] = prefix + '=HYPERLINK("http://x","y")'
    result = import_workbook(corpus.write(tmp_path / "espaces.xlsx", rows), user=admin_user)
    errors = {(e.sheet, e.row, e.column): e.reason for e in result.errors}
    assert errors[("adults", 2, "first_name")].startswith("Formule refusée")
    assert not result.applied and row_counts() == before


@pytest.mark.django_db
def test_text_typed_in_the_template_comes_back_inert_in_every_export(tmp_path, admin_user):
    """The round trip: text that is no formula once trimmed is imported, and leaves every export inert."""
    from openpyxl import load_workbook

    from interchange.subject_access import subject_access_workbook
    from tests.hostile import is_inert

    rows = corpus.cohort()
    rows["children"][0].update({"first_name": "\ufeff\u3000+cmd|A0", "last_name": "\u200b\u00a0-cmd|A0 "})
    result = import_workbook(corpus.write(tmp_path / "tapes.xlsx", rows), user=admin_user)
    assert result.errors == [] and result.applied
    child = Child.objects.get(first_name="+cmd|A0")  # trimmed on the way in
    assert child.last_name == "-cmd|A0"
    book = load_workbook(io.BytesIO(subject_access_workbook(child, {child.family.facility_id})))
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert len([c for c in cells if "cmd|A0" in c.value]) >= 4  # both names, in the record and its history
    assert not [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type != "s" or not is_inert(c.value)]
# ---------------------------------------------------------------- identical rows (DOMAIN.md settled reading 10)


def _assert_summary_adds_up(result):
    """Per sheet: rows read = created (or to create) + already present + refused."""
    for sheet in SHEETS:
        read = result.rows.get(sheet, 0)
        assert read == result.created[sheet] + result.skipped[sheet] + result.refused[sheet], (
            sheet, read, result.created[sheet], result.skipped[sheet], result.refused[sheet])


def _model(sheet):
    from admissions import models as adm_models
    from assessments.models import Assessment

    return {"interventions": adm_models.Intervention, "signalements": adm_models.Signalement,
            "diagnoses": adm_models.Diagnosis, "assessments": Assessment, "requests": AdmissionRequest,
            "adults": adm_models.Adult, "children": Child}[sheet]


# sheet -> (index of the row copied, the ref column given a new value in the copy, or "")
IDENTICAL = {
    "interventions": (1, ""),  # two phone consultations of 15 minutes on one day
    "signalements": (0, ""),
    "diagnoses": (2, ""),  # the mother's entry diagnosis, not primary
    "assessments": (2, ""),
    "requests": (5, "request_ref"),  # two pending requests of one family received on one day
    "adults": (3, "adult_ref"),
    "children": (3, "child_ref"),  # twins with the same name would be two children too
}


@pytest.mark.django_db
@pytest.mark.parametrize("sheet", sorted(IDENTICAL))
def test_identical_rows_are_two_records_and_a_second_import_creates_nothing(tmp_path, admin_user, sheet):
    index, ref_column = IDENTICAL[sheet]
    rows = corpus.cohort()
    twin = dict(rows[sheet][index])
    if ref_column:
        twin[ref_column] = twin[ref_column] + "-bis"
    rows[sheet].append(twin)
    path = corpus.write(tmp_path / "jumeaux.xlsx", rows)
    model = _model(sheet)
    before = model._default_manager.count()

    first = import_workbook(path, user=admin_user)
    assert first.ok, [str(e) for e in first.errors]
    assert first.created[sheet] == len(rows[sheet])
    assert model._default_manager.count() - before == len(rows[sheet])
    _assert_summary_adds_up(first)

    counts = row_counts()
    second = import_workbook(path, user=admin_user)
    assert second.ok and second.applied
    assert row_counts() == counts
    assert second.created[sheet] == 0 and second.skipped[sheet] == len(rows[sheet])
    _assert_summary_adds_up(second)


@pytest.mark.django_db
@pytest.mark.parametrize(("sheet", "index"), [("presence", 0), ("stays", 2)])
def test_an_identical_row_that_cannot_be_a_second_record_is_refused_not_merged(tmp_path, admin_user, sheet, index):
    """Two presences of one adult from one day, two stays of one child from one day: the service refuses the
    copy with its row, and nothing is written (they were silently merged into one before)."""
    rows = corpus.cohort()
    twin = dict(rows[sheet][index])
    if sheet == "stays":
        twin["stay_ref"] = twin["stay_ref"] + "-bis"
    rows[sheet].append(twin)
    before = row_counts()
    result = import_workbook(corpus.write(tmp_path / "jumeaux.xlsx", rows), user=admin_user)
    assert not result.ok and not result.applied
    assert any(e.sheet == sheet and e.row == len(rows[sheet]) + 1 for e in result.errors), [
        str(e) for e in result.errors]
    assert row_counts() == before
    _assert_summary_adds_up(result)


@pytest.mark.django_db
def test_an_identical_row_added_later_is_the_only_one_created(tmp_path, admin_user):
    """The k-th identical row matches the k-th identical record: a third home visit added to the workbook
    after a first import is created, the two already imported are not."""
    rows = corpus.cohort()
    rows["interventions"].append(dict(rows["interventions"][0]))
    import_workbook(corpus.write(tmp_path / "v1.xlsx", rows), user=admin_user)
    rows["interventions"].append(dict(rows["interventions"][0]))
    result = import_workbook(corpus.write(tmp_path / "v2.xlsx", rows), user=admin_user)
    assert result.ok and result.applied
    assert (result.created["interventions"], result.skipped["interventions"]) == (1, 4)
    from admissions.models import Intervention

    assert Intervention.objects.filter(kind="home_visit").count() == 3


@pytest.mark.django_db
def test_the_summary_adds_up_per_sheet_in_every_outcome(tmp_path, admin_user):
    path = corpus.good(tmp_path)
    for result in (import_workbook(path, user=admin_user, commit=False),  # dry run
                   import_workbook(path, user=admin_user),  # first import
                   import_workbook(path, user=admin_user),  # again: all present
                   import_workbook(corpus.bad_unknown_code(tmp_path), user=admin_user),  # refused when read
                   import_workbook(corpus.over_capacity(tmp_path), user=admin_user)):  # refused when written
        _assert_summary_adds_up(result)
        if not result.ok:
            assert sum(result.refused.values()) == sum(result.rows.values()) > 0


@pytest.mark.django_db
def test_the_command_and_the_page_show_rows_read_created_present_and_refused_per_sheet(
        tmp_path, login, admin_user, facility_a):
    out = io.StringIO()
    call_command("import_workbook", str(corpus.good(tmp_path)), "--dry-run", "--user", admin_user.username,
                 stdout=out, stderr=io.StringIO())
    assert "Interventions (interventions) : 3 ligne(s) lue(s) = 3 à créer + 0 déjà présent(s) + 0 refusée(s)" \
        in out.getvalue()
    response = _upload(login(admin_user), corpus.good(tmp_path))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Refusées" in page
    counts = {line["sheet"]: line for line in response.context["result"].table()}
    assert counts["interventions"]["refused"] == 0 and counts["interventions"]["rows"] == 3


# ---------------------------------------------------------------- a new installation's first import


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(username="root", password=factories.PASSWORD,
                                                     email="root@example.org")


@pytest.mark.django_db
def test_a_superuser_imports_a_new_installation_in_one_go_from_the_command(tmp_path):
    assert not Facility.objects.exists()
    _superuser()
    out = io.StringIO()
    call_command("import_workbook", str(corpus.good(tmp_path)), "--user", "root", stdout=out, stderr=io.StringIO())
    assert "Import terminé" in out.getvalue()
    assert Stay.objects.filter(facility__code=corpus.FACILITY).count() == 3
    from assessments.models import Assessment

    assert Assessment.objects.count() == 4


@pytest.mark.django_db
def test_a_superuser_imports_a_new_installation_in_one_go_from_the_page(tmp_path, client):
    assert not Facility.objects.exists()
    client.force_login(_superuser())
    assert client.get(reverse("interchange:import_upload")).status_code == 200
    response = _upload(client, corpus.good(tmp_path))
    assert response.status_code == 200, [str(e) for e in response.context["result"].errors]
    response = client.post(reverse("interchange:import_confirm"), {"token": response.context["token"]}, follow=True)
    assert response.status_code == 200 and response.context["result"].applied
    assert Stay.objects.filter(facility__code=corpus.FACILITY).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["command", "page"])
def test_an_administrator_role_imports_a_new_unit_in_one_go(tmp_path, client, facility_a, path):
    """An administrator of the installation's first facility brings a second unit's history in one workbook."""
    admin = factories.user(role="admin", facility=facility_a, username="admin_first")
    if path == "command":
        call_command("import_workbook", str(corpus.good(tmp_path)), "--user", admin.username,
                     stdout=io.StringIO(), stderr=io.StringIO())
    else:
        client.force_login(admin)
        response = _upload(client, corpus.good(tmp_path))
        assert response.status_code == 200, [str(e) for e in response.context["result"].errors]
        assert client.post(reverse("interchange:import_confirm"),
                           {"token": response.context["token"]}, follow=True).context["result"].applied
    assert Stay.objects.filter(facility__code=corpus.FACILITY).count() == 3


# ---------------------------------------------------------------- who may import named records


@pytest.mark.django_db
def test_the_reporting_officer_cannot_import_named_records(tmp_path, login, users_a, facility_a):
    """Reporting officers do not read named records: neither the page nor the importer lets them write any."""
    before = row_counts()
    client = login(users_a["reporting"])
    assert client.get(reverse("interchange:import_upload")).status_code == 403
    assert _upload(client, corpus.good(tmp_path, facility_code=facility_a.code,
                                       with_facility_row=False)).status_code == 403
    result = import_workbook(corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False),
                             user=users_a["reporting"])
    assert not result.applied
    assert {e.sheet for e in result.errors} >= {"requests", "stays"}
    assert row_counts() == before


@pytest.mark.django_db
def test_a_family_outside_the_users_rights_gets_the_answer_of_a_missing_facility_record(
        tmp_path, facility_a, facility_b, users_a):
    """The preview does not say that a reference exists in another facility, nor which."""
    factories.family(facility=facility_b, reference="IMP-001")
    result = import_workbook(corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False),
                             user=users_a["admin"], commit=False)
    text = " ".join(str(p) for p in result.errors + result.warnings)
    assert "hors de vos droits" not in text and facility_b.code not in text
    # A row naming a facility outside the user's rights reads as one naming a facility that does not exist.
    unknown = import_workbook(corpus.good(tmp_path, facility_code="nulle-part", with_facility_row=False),
                              user=users_a["admin"], commit=False)
    foreign = import_workbook(corpus.good(tmp_path, facility_code=facility_b.code, with_facility_row=False),
                              user=users_a["admin"], commit=False)
    assert [(e.sheet, e.row, e.column, e.reason.replace("nulle-part", "X")) for e in unknown.errors] == \
        [(e.sheet, e.row, e.column, e.reason.replace(facility_b.code, "X")) for e in foreign.errors]


@pytest.mark.django_db
def test_import_rights_without_the_right_to_read_named_records_write_nothing(tmp_path, monkeypatch, facility_a,
                                                                          users_a):
    """The importer's own rule, whatever the role matrix says: import_data without view_records writes no row."""
    from unit import access

    monkeypatch.setitem(access.ROLE_PERMISSIONS, "reporting",
                        access.ROLE_PERMISSIONS["reporting"] | {access.IMPORT_DATA})
    reporting = users_a["reporting"]
    assert access.may_import(reporting) and not access.import_facility_ids(reporting)
    before = row_counts()
    result = import_workbook(corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False),
                             user=reporting)
    assert not result.applied and any(e.sheet == "stays" and e.column == "facility_code" for e in result.errors)
    assert row_counts() == before


@pytest.mark.django_db
def test_the_navigation_offers_the_import_to_a_superuser_before_any_facility_exists(client):
    client.force_login(_superuser())
    page = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("interchange:import_upload") in page


@pytest.mark.django_db
def test_a_reference_used_only_outside_the_users_rights_imports_like_a_new_one(tmp_path, facility_a, facility_b,
                                                                               users_a):
    """Issue 11, finding 6: references are unique per facility, so a reference held only by a facility out of
    reach answers exactly as a missing one: the dossier is created in the importer's facility, the other untouched."""
    from admissions.models import Family

    path = corpus.good(tmp_path, facility_code=facility_a.code, with_facility_row=False)
    missing = import_workbook(path, user=users_a["admin"], commit=False)
    foreign = factories.family(facility=facility_b, reference="IMP-001")
    held_elsewhere = import_workbook(path, user=users_a["admin"], commit=False)
    assert [str(p) for p in held_elsewhere.errors + held_elsewhere.warnings] == \
        [str(p) for p in missing.errors + missing.warnings]
    result = import_workbook(path, user=users_a["admin"])
    assert result.applied, [str(e) for e in result.errors]
    assert Family.objects.get(facility=facility_a, reference="IMP-001").children.exists()
    foreign.refresh_from_db()
    assert not foreign.children.exists()
