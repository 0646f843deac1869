"""The Excel workbook: sheets per profile, cover, French headers, figures of the one report, native charts,
the pseudonymised line list, small cells, safe cells, the download page and the command."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from admissions import services as adm
from dashboards import engine, linelist, workbook
from dashboards.exports import export_create, export_path, indicators_sha256
from dashboards.models import ExportRecord, FunderProfile
from dashboards.tables import build_tables
from tests import factories
from tests.hostile import hostile_texts, is_inert, storable
from unit.cells import safe_text

pytestmark = pytest.mark.django_db

YEAR = engine.Period(date(2025, 1, 1), date(2025, 12, 31))
BIRTH = date(2024, 11, 10)
FIRST, LAST = "Zéphyrine", "Vandermeulen"


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _profile(name: str, *, sheets=(), k: int = 1) -> FunderProfile:
    profile = FunderProfile(name=name, sheets=list(sheets), small_cell_threshold=k)
    profile.full_clean()
    profile.save()
    return profile


@pytest.fixture
def unit(facility_a):
    """Three children in 2025: one discharged with diagnoses, two open; one stay in 2024 too."""
    fam = factories.family(facility=facility_a, reference="UPB-2025-001")
    kid = adm.child_add(user=None, family=fam, first_name=FIRST, last_name=LAST, sex="F", birth_date=BIRTH)
    s1 = factories.stay(facility=facility_a, child=kid, admitted_on=date(2025, 1, 15), residence_before="hospital")
    adm.diagnosis_add(user=None, stay=s1, timepoint="entry", classification="icd10", code="F43.2", primary=True,
                      child=kid)
    adm.diagnosis_add(user=None, stay=s1, timepoint="exit", classification="icd10", code="F43.0", primary=True,
                      child=kid)
    adm.stay_discharge(user=None, stay=s1, discharged_on=date(2025, 4, 15), discharge_kind="planned",
                       residence_after="home_with_parent")
    for birth, admitted, sex in ((date(2025, 3, 1), date(2025, 9, 10), "M"),
                                 (date(2024, 1, 20), date(2024, 6, 1), "F")):
        other = factories.family(facility=facility_a)
        factories.stay(facility=facility_a, child=factories.child(family=other, birth_date=birth, sex=sex),
                       admitted_on=admitted)
    return facility_a


def _export(facility, profile, user=None):
    record = export_create(user=user, facilities=[facility], period=YEAR, profile=profile,
                           source=ExportRecord.Source.COMMAND)
    return record, load_workbook(export_path(record))


def _report(facility):
    report = engine.build([facility], YEAR)
    with translation.override("fr"):
        return report, build_tables(report)


def _tab(name: str) -> str:
    """The French tab of a table's sheet."""
    return workbook.sheet_title(name)


def _values(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


# ---------------------------------------------------------------- sheets and cover


def test_the_sheet_names_are_the_tables_of_build_tables(unit):
    _report_, tables = _report(unit)
    assert tuple(tables) == workbook.TABLE_NAMES


@pytest.mark.parametrize("sheets,expected", [
    ([], [*workbook.TABLE_NAMES, "line_list"]),
    (["requests", "age_pyramid"], ["age_pyramid", "requests"]),
    (["line_list"], ["line_list"]),
])
def test_sheets_present_per_profile(unit, sheets, expected):
    _record, wb = _export(unit, _profile("Financeur", sheets=sheets))
    assert wb.sheetnames == ["Couverture", *(_tab(name) for name in expected)]


def test_without_a_profile_every_table_but_no_line_list(unit):
    record, wb = _export(unit, None)
    assert wb.sheetnames == ["Couverture", *(_tab(name) for name in workbook.TABLE_NAMES)]
    assert record.profile is None and record.small_cell_threshold == 5 and record.line_list_rows == 0


def test_an_unknown_sheet_name_is_refused():
    with pytest.raises(Exception, match="Feuilles inconnues"):
        FunderProfile(name="x", sheets=["age_pyramid", "everything"]).full_clean()


def test_the_cover_says_what_the_workbook_is(unit):
    user = factories.user(role="reporting", facility=unit, username="rapporteuse", first_name="Rita",
                          last_name="Porteuse")
    record, wb = _export(unit, _profile("Mutuelle", k=5), user=user)
    cover = _values(wb["Couverture"])
    head = cover[:[row[0] for row in cover].index("Définitions")]
    facts = {row[0]: row[1] for row in head if row and row[0]}
    assert facts["Structures"] == f"{unit.name} ({unit.code})"
    assert facts["Période"] == "du 01/01/2025 au 31/12/2025"
    assert facts["Période précédente"] == "du 01/01/2024 au 31/12/2024"
    assert facts["Généré par"] == "Rita Porteuse (rapporteuse)"
    assert facts["Profil"] == "Mutuelle"
    assert facts["Généré le"] == record.generated_at.astimezone(
        ZoneInfo(settings.TIME_ZONE)).strftime("%d/%m/%Y %H:%M")
    assert facts["Empreinte des indicateurs (SHA-256)"] == record.indicators_sha256
    assert facts["Seuil des petits effectifs"].startswith("5")
    definitions = {row[1]: row[2] for row in cover if row and len(row) > 2 and row[2]}
    assert set(definitions) >= {key for key, _name, _text in workbook.DEFINITIONS}
    report, _tables = _report(unit)
    assert set(report.indicators) <= set(definitions), "every JSON key is defined on the cover"


def test_the_definitions_are_those_of_docs_reports():
    doc = (Path(settings.BASE_DIR) / "docs" / "reports.md").read_text(encoding="utf-8")
    for key, _name, text in workbook.DEFINITIONS:
        assert text in doc, key


# ---------------------------------------------------------------- tables: the figures of the one report


def test_french_headers_and_the_figures_of_build_tables(unit):
    _record, wb = _export(unit, _profile("Tout", k=1))
    _report_, tables = _report(unit)
    for name, table in tables.items():
        rows = _values(wb[_tab(name)])
        assert rows[0][0] == table.title
        assert rows[2][:len(table.headers)] == table.headers
        body = [row[:len(table.headers)] for row in rows[3:3 + len(table.rows)]]
        assert body == [[safe_text(c) for c in row] for row in table.rows], name
    assert _values(wb[_tab("age_pyramid")])[2][:3] == ["Tranche d'âge", "Filles", "Garçons"]


def test_native_charts_for_the_pyramid_and_the_main_distributions(unit):
    record, wb = _export(unit, _profile("Tout", k=1))
    for name in ("age_pyramid", "residence_before", "referrer_category", "admission_mode", "requests"):
        assert len(wb[_tab(name)]._charts) == 1, name
    assert wb[_tab("families")]._charts == []
    names = zipfile.ZipFile(export_path(record)).namelist()
    assert "xl/charts/chart1.xml" in names and "xl/charts/chart5.xml" in names


def test_small_counts_are_hidden_for_a_profile_with_a_threshold(unit):
    _record, wb = _export(unit, _profile("Mutuelle", k=5))
    _report_, tables = _report(unit)
    shown = _values(wb[_tab("residence_before")])[3:3 + len(tables["residence_before"].rows)]
    # 2025: hospital 1, family_home 1 → both under 5; the column total (2 stays) is public: table withheld
    cells = [row[1] for row in shown]
    assert all(cell in ("< 5", "s") for cell in cells)
    assert "masqué" in _values(wb[_tab("residence_before")])[1][0]
    # Non-count tables are never masked: the monthly mean of children present, the places.
    assert not tables["occupancy"].counts
    occupancy = _values(wb[_tab("occupancy")])[3]
    assert occupancy[1:3] == tables["occupancy"].rows[0][1:3]
    # The length of stay is now a distribution of stays: counts, masked like the others.
    assert tables["length_of_stay"].counts
    assert all(row[1] in (0, "< 5", "s") for row in _values(wb[_tab("length_of_stay")])[3:8])


def test_linked_tables_are_suppressed_together():
    from dashboards.tables import Table

    after = Table("residence_after", "t", ["Catégorie", "Période", "Période précédente"],
                  [["A", 30, 20], ["B", 12, 7], ["C", 9, 0]])
    flow = Table("residence_flow", "t", ["Avant", "Après", "Enfants", "Période précédente"],
                 [["x", "A", 28, 17], ["y", "A", 2, 3], ["x", "B", 12, 7], ["y", "C", 9, 0]])
    published = workbook.suppress_tables({"residence_after": after, "residence_flow": flow}, 5)
    flow_rows = published["residence_flow"].rows
    # The period (column 2) and the previous period (column 3) are each protected against their totals.
    for col, total in ((2, 30), (3, 20)):
        assert flow_rows[1][col] == "< 5"
        # x→A is then shown or hidden; whenever A's total is visible, another A cell must be hidden.
        a_total_visible = published["residence_after"].rows[0][col - 1] == total
        assert not a_total_visible or flow_rows[0][col] == "s"


# ---------------------------------------------------------------- the line list


def _line_list(wb) -> list[list]:
    return _values(wb[_tab("line_list")])


def test_the_line_list_has_no_names_and_no_full_birth_dates(unit):
    _record, wb = _export(unit, _profile("Liste", sheets=["line_list"]))
    rows = _line_list(wb)
    assert rows[0] == linelist.HEADERS
    assert len(rows) == 1 + 3
    forbidden = {FIRST, LAST, BIRTH.isoformat(), BIRTH.strftime("%d/%m/%Y"), BIRTH.strftime("%d.%m.%Y"),
                 BIRTH.strftime("%d-%m-%Y")}
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for cell in row:
                if isinstance(cell, datetime):
                    assert cell.date() != BIRTH
                elif isinstance(cell, str):
                    assert not any(word.lower() in cell.lower() for word in forbidden), cell
    first = next(r for r in rows[1:] if r[5].date() == date(2025, 1, 15))
    assert first[2:5] == ["F", 2, "11/2024"]
    assert first[6].date() == date(2025, 4, 15) and first[7] == 90
    assert first[8:] == ["hospital", "home_with_parent", "none", "F43.2", "F43.0"]
    still_open = next(r for r in rows[1:] if r[5].date() == date(2025, 9, 10))
    assert still_open[6] is None and still_open[7] == (date(2025, 12, 31) - date(2025, 9, 10)).days


def test_pseudonyms_are_stable_for_a_funder_and_differ_between_funders(unit):
    one, other = _profile("Un", sheets=["line_list"]), _profile("Autre", sheets=["line_list"])
    first = sorted(r[0] for r in _line_list(_export(unit, one)[1])[1:])
    again = sorted(r[0] for r in _line_list(_export(unit, one)[1])[1:])
    elsewhere = sorted(r[0] for r in _line_list(_export(unit, other)[1])[1:])
    assert first == again and len(set(first)) == 3
    assert not set(first) & set(elsewhere)
    child_id = unit.stays.order_by("admitted_on").first().child_id
    expected = hmac.new(one.pseudonym_secret.encode(), str(child_id).encode(), hashlib.sha256).hexdigest()[:12]
    assert expected in first


def test_the_line_list_costs_one_query_whatever_the_rows(unit):
    calls = []
    with CaptureQueriesContext(connection) as queries:
        rows = list(linelist.rows([unit], YEAR, "secret", chunk_size=2, progress=calls.append))
    assert len(rows) == 3
    assert len(queries.captured_queries) == 1  # the stays with their primary diagnoses, streamed
    assert calls == [2, 3]


# ---------------------------------------------------------------- safe cells


HOSTILE_PAYLOAD = "1+cmd|A0"  # a diagnosis code holds 20 characters
HOSTILE = ['=HYPERLINK("//x")', "+1", "-2+3", "@SUM(A1)", "A\x01B\x7f"]


def test_hostile_text_is_never_a_formula(unit):
    from unit import labels
    from unit.models import ReferenceItem

    unit.name = "=cmd|' /C calc'!A0"
    unit.save()
    for code, text in (("hospital", "\tHôpital"), ("family_home", "\rMaison")):
        ReferenceItem.objects.update_or_create(vocabulary="residence_before", code=code,
                                               defaults={"label_fr": text, "label_en": text})
    labels.forget()
    stay = unit.stays.order_by("-admitted_on").first()
    mother = factories.adult(family=stay.child.family)
    adm.presence_add(user=None, stay=stay, adult=mother, start=stay.admitted_on)
    for code in HOSTILE:  # the parent-diagnoses table lists every code of an admitted parent
        adm.diagnosis_add(user=None, stay=stay, timepoint="entry", classification="local", code=code, adult=mother)
    adm.diagnosis_add(user=None, stay=stay, timepoint="entry", classification="local", code="-1", primary=True,
                      child=stay.child)
    record, wb = _export(unit, _profile("=Financeur", k=1))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    texts = [t.replace("\n", "\r") for t in texts]  # XML reads a stored CR back as LF
    for expected in ["'=cmd|' /C calc'!A0 (upb-a)", "'=Financeur", "'\tHôpital", "'\rMaison", "'-1",
                     *(safe_text(code) for code in HOSTILE)]:
        assert any(t == expected or t.startswith(expected) for t in texts), expected
    assert "AB" in texts and not any("\x01" in t or "\x7f" in t for t in texts)
    # the raw sheets hold no formula element at all
    archive = zipfile.ZipFile(export_path(record))
    assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    labels.forget()


# ---------------------------------------------------------------- the download page


def _download(client, facility_codes, profile=""):
    data = {"facility": facility_codes, "period": "custom", "start": "2025-01-01", "end": "2025-12-31",
            "profile": profile}
    return client.post(reverse("dashboards:export_download"), data, follow=True)  # the job's page, then the file


@pytest.mark.parametrize("role,expected", [("manager", 200), ("reporting", 200), ("therapist", 403),
                                           ("admissions", 403), ("admin", 403)])
def test_download_status_by_role(login, unit, users_a, role, expected):
    profile = _profile("Mutuelle", k=5)
    response = _download(login(users_a[role]), [unit.code], profile.pk)
    assert response.status_code == expected
    if expected == 200:
        content = b"".join(response.streaming_content)
        assert content[:2] == b"PK" and "attachment" in response["Content-Disposition"]
        wb = load_workbook(io.BytesIO(content))
        assert _tab("age_pyramid") in wb.sheetnames
        record = ExportRecord.objects.get()
        assert record.source == "page" and record.created_by == users_a[role] and record.profile == profile
        assert hashlib.sha256(content).hexdigest() == record.file_sha256
        report, _tables = _report(unit)
        assert record.indicators_sha256 == indicators_sha256(report.indicators)
    else:
        assert not ExportRecord.objects.exists()


def test_download_is_scoped_to_the_users_facilities(login, unit, users_a, facility_b):
    client = login(users_a["manager"])
    assert _download(client, [facility_b.code]).status_code == 404
    assert _download(client, [unit.code, facility_b.code]).status_code == 404
    assert client.get(reverse("dashboards:export_download")).status_code == 405
    assert not ExportRecord.objects.exists()


def test_bad_download_requests_get_the_exports_page_with_a_french_message(login, unit, users_a):
    client = login(users_a["manager"])
    for profile in ("999", "abc", "9" * 40):
        response = _download(client, [unit.code], profile=profile)
        assert response.status_code == 400
        assert "Ce profil de financeur n&#x27;existe pas" in response.content.decode()
    response = client.post(reverse("dashboards:export_download"), {"facility": [unit.code], "period": "custom",
                                                                   "start": "2025-02-30", "end": "2025-12-31"})
    assert response.status_code == 400
    assert "alert-danger" in response.content.decode()
    assert not ExportRecord.objects.exists()


def test_the_dashboard_links_to_the_workbook(login, unit, users_a):
    page = login(users_a["manager"]).get(reverse("dashboards:index") + "?year=2025").content.decode()
    assert "Télécharger le classeur" in page and reverse("dashboards:exports") in page
    form = login(users_a["reporting"]).get(reverse("dashboards:exports") + f"?facility={unit.code}&year=2025")
    assert form.status_code == 200 and 'name="profile"' in form.content.decode()


# ---------------------------------------------------------------- the command


def test_the_command_writes_a_workbook_that_opens(unit, tmp_path, capsys):
    factories.user(username="cli-user")
    _profile("Ministère", sheets=["age_pyramid", "line_list"], k=5)
    out = tmp_path / "out" / "rapport.xlsx"
    call_command("export_report", "--facility", unit.code, "--start", "2025-01-01", "--end", "2025-12-31",
                 "--out", str(out), "--profile", "Ministère", "--user", "cli-user")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Couverture", "Âge et sexe", "Liste des séjours"]
    captured = capsys.readouterr()
    assert "3 / 3" in captured.err
    record = ExportRecord.objects.get()
    assert record.created_by.username == "cli-user" and record.line_list_rows == 3
    assert record.facility_codes == [unit.code] and (record.start, record.end) == (YEAR.start, YEAR.end)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == record.file_sha256
    assert record.file_sha256 in captured.out


def test_the_command_refuses_an_unknown_profile(unit, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Profil inconnu"):
        call_command("export_report", "--facility", unit.code, "--start", "2025-01-01", "--end", "2025-12-31",
                     "--out", str(tmp_path / "x.xlsx"), "--profile", "Nobody")


def _hostile_diagnoses(facility, texts):
    """Every hostile text as a parent's diagnosis code (the parent-diagnoses table lists each code)."""
    stay = facility.stays.order_by("-admitted_on").first()
    mother = factories.adult(family=stay.child.family)
    adm.presence_add(user=None, stay=stay, adult=mother, start=stay.admitted_on)
    for number, code in enumerate(texts):  # numbered: two codes differing by a control character are one code
        code = f"{code}{number:02d}"
        adm.diagnosis_add(user=None, stay=stay, timepoint="entry", classification="local", code=code, adult=mother)


def test_control_characters_and_unicode_spaces_never_hide_a_formula(unit):
    """Issue 11, finding 1: "\\x01=cmd…" used to be checked before the control character was removed."""
    texts = storable(hostile_texts(HOSTILE_PAYLOAD))
    _hostile_diagnoses(unit, texts)
    unit.name = "\x01=" + HOSTILE_PAYLOAD
    unit.save()
    _record, wb = _export(unit, _profile("\u3000=" + HOSTILE_PAYLOAD, k=1))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type != "s" or not is_inert(c.value)]
    written = [c.value for c in cells if HOSTILE_PAYLOAD in c.value]
    assert len(written) >= len(texts) + 2  # every code, the facility and the profile's name


def test_the_line_list_writes_hostile_text_as_inert_strings():
    texts = hostile_texts(HOSTILE_PAYLOAD)
    wb = Workbook(write_only=True)
    rows = [["P1", text, "F", 3, "01/2025", date(2025, 1, 2), None, 10, text, text, text, text, text]
            for text in texts]
    assert workbook.line_list_sheet(wb, rows) == len(texts)
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))[workbook.LINE_LIST_TITLE]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    assert len([c for c in cells if HOSTILE_PAYLOAD in c.value]) == 6 * len(texts)
    assert not [(c.coordinate, c.value) for c in cells if c.data_type != "s" or not is_inert(c.value)]


def test_the_csv_tables_write_hostile_text_inert(unit, login):
    texts = storable(hostile_texts(HOSTILE_PAYLOAD))
    _hostile_diagnoses(unit, texts)
    manager = factories.user(role="manager", facility=unit, username="gestionnaire")
    response = login(manager).get(f"{reverse('dashboards:table_csv')}?year=2025&table=parent_diagnoses")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert len([c for c in cells if HOSTILE_PAYLOAD in c]) == len(texts)
    assert not [c for c in cells if not is_inert(c)]
