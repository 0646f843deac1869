"""Each report table is declared once (`dashboards.tables.TABLES`): the page sections, the CSV downloads, the
page charts, the workbook's sheets and cover definitions and the funder profiles' sheets derive from it."""

import csv
import io
import os
import subprocess
import sys
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboards import charts, tables
from dashboards.engine import Period
from dashboards.exports import export_create, export_path
from dashboards.models import ExportRecord, FunderProfile
from dashboards.tables import Body, Definition, ReportTable
from tests import factories

YEAR = "year=2025"
YEAR_PERIOD = Period(date(2025, 1, 1), date(2025, 12, 31))


def _stays_admitted(report) -> Body:
    """A made-up table: the period's active stays beside the previous period's."""
    return Body(["Séjours", "Période", "Période précédente"],
                [["actifs", report.indicators["stays_active"], report.previous["stays_active"]]])


NEW = ReportTable("stays_probe", "Séjours (table ajoutée par le test)", "stays", _stays_admitted, chart="bars",
                  definitions=(Definition("stays_probe", "Sonde", "Une phrase de couverture propre à la table."),))


@pytest.fixture
def one_more_table(monkeypatch):
    monkeypatch.setattr(tables, "TABLES", (*tables.TABLES, NEW))
    return NEW


def _placed_on_the_page() -> list[str]:
    return [name for _section, names in tables.page_sections() for name in names] + tables.other_tables()


# ---------------------------------------------------------------- the declaration as it stands


def test_every_declared_table_is_placed_once_on_the_page():
    assert sorted(_placed_on_the_page()) == sorted(tables.table_names())
    assert len(set(tables.table_names())) == len(tables.TABLES), "a code is declared twice"


def test_every_declared_table_is_a_sheet_a_profile_may_name_in_the_declared_order():
    assert FunderProfile(name="x").sheet_names == [*tables.table_names(), tables.LINE_LIST]
    FunderProfile(name="x", sheets=list(tables.sheet_names())).clean()


def test_every_declared_chart_kind_is_drawn_and_every_definition_is_on_the_cover():
    assert {spec.chart for spec in tables.TABLES if spec.chart} <= set(charts.DRAW)
    codes = [definition.code for definition in tables.cover_definitions()]
    assert len(codes) == len(set(codes)), "an indicator is defined twice on the cover"
    for spec in tables.TABLES:
        assert set(spec.definitions) <= set(tables.cover_definitions()), spec.name


def test_the_profile_check_does_not_load_the_workbook_renderer():
    # The registry (and so the model that checks a profile's sheets) names no renderer.
    code = ("import sys, django; django.setup(); from dashboards.models import FunderProfile; "
            "FunderProfile(name='x', sheets=['age_pyramid']).clean(); FunderProfile(name='x').sheet_names; "
            "import dashboards.tables; "
            "renderers = ('dashboards.workbook', 'dashboards.charts', 'openpyxl', 'plotly'); "
            "loaded = [m for m in renderers if m in sys.modules]; "
            "print(','.join(loaded))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert out.stdout.strip() == ""


# ---------------------------------------------------------------- one more declaration appears everywhere


def test_a_table_declared_once_more_is_in_the_sections_sheets_and_cover(one_more_table):
    assert "stays_probe" in dict((s.key, n) for s, n in tables.page_sections())["stays"]
    assert "stays_probe" in tables.table_names()
    assert FunderProfile(name="x").sheet_names[-2:] == ["stays_probe", tables.LINE_LIST]
    FunderProfile(name="x", sheets=["stays_probe"]).clean()  # a profile may name it
    assert tables.cover_definitions()[-1].code == "stays_probe"


def test_without_the_declaration_a_profile_may_not_name_it():
    with pytest.raises(Exception, match="Feuilles inconnues"):
        FunderProfile(name="x", sheets=["stays_probe"]).clean()


@pytest.mark.django_db
def test_a_table_declared_once_more_is_on_the_page_with_its_chart_and_csv(one_more_table, login, facility_a,
                                                                         users_a):
    factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    client = login(users_a["manager"])
    page = client.get(f"{reverse('dashboards:index')}?{YEAR}").content.decode()
    section = page[page.index('id="stays"'):page.index('id="requests"')]
    assert 'data-testid="block-stays_probe"' in section and 'data-testid="chart-stays_probe"' in section
    assert "?table=stays_probe&amp;" in section
    response = client.get(f"{reverse('dashboards:table_csv')}?{YEAR}&table=stays_probe")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Séjours", "Période", "Période précédente"], ["actifs", "1", "0"]]


@pytest.mark.django_db
def test_a_table_declared_once_more_is_a_workbook_sheet_and_defined_on_the_cover(one_more_table, facility_a,
                                                                                settings, tmp_path):
    settings.VAR_DIR = tmp_path
    factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    profile = FunderProfile(name="Sonde", sheets=[], small_cell_threshold=1)
    profile.full_clean()
    profile.save()
    record = export_create(user=None, facilities=[facility_a], period=YEAR_PERIOD, profile=profile,
                           source=ExportRecord.Source.COMMAND)
    wb = load_workbook(export_path(record))
    assert wb.sheetnames[-2:] == ["Séjours", "Liste des séjours"]  # the title without its aside
    sheet = [list(row) for row in wb["Séjours"].iter_rows(values_only=True)]
    assert sheet[0][0] == "Séjours (table ajoutée par le test)" and sheet[3] == ["actifs", 1, 0]
    cover = {row[1]: row[2] for row in wb["Couverture"].iter_rows(values_only=True) if row and len(row) > 2}
    assert cover["stays_probe"] == "Une phrase de couverture propre à la table."



@pytest.mark.django_db
def test_a_profile_that_named_the_bayley_sheet_names_the_outcomes_sheet_after_the_migration():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("dashboards.migrations.0002_outcome_sheets")
    profile = FunderProfile.objects.create(name="Mutuelle", sheets=["age_pyramid", "bayley_change"])
    migration.forward(apps, None)
    profile.refresh_from_db()
    assert profile.sheets == ["age_pyramid", "outcome_measures"]
    profile.clean()  # every sheet it names exists
