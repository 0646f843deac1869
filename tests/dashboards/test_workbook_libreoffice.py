"""The workbook as a funder opens it: converted by LibreOffice (headless), it prints on few pages, every
sheet fitting one page wide, and every chart draws numbers — never a masked cell, the pyramid staying a
pyramid when one of its cells is masked. Skipped, saying why, where LibreOffice or poppler is missing
(`make test-deps` installs them)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from dashboards import workbook
from dashboards.tables import Table

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(not (SOFFICE and PDFTOTEXT),
                                reason="LibreOffice (soffice) or poppler (pdftotext) is not installed: "
                                       "make test-deps installs them")

PERIOD = SimpleNamespace(start=date(2025, 1, 1), end=date(2025, 12, 31))
PREVIOUS = SimpleNamespace(start=date(2024, 1, 1), end=date(2024, 12, 31))
REPORT = SimpleNamespace(facilities=[SimpleNamespace(name="Unité Bleue", code="upb-a")], period=PERIOD,
                         previous_period=PREVIOUS)
PYRAMID = Table("age_pyramid", "Âge à l'admission et sexe",
                ["Tranche d'âge", "Filles", "Garçons", "Total", "Total période précédente"],
                [["0–5 mois", 12, 9, 21, 18], ["6–11 mois", 3, 8, 11, 10], ["12–23 mois", 7, 6, 13, 12],
                 ["24–35 mois", 5, 5, 10, 9], ["36 mois et plus", 6, 7, 13, 11]])
REQUESTS = Table("requests", "Demandes reçues", ["Étape", "Période", "Période précédente"],
                 [["Reçues", 40, 30], ["Éligibles", 30, 20], ["Acceptées", 20, 15], ["Admises", 18, 14],
                  ["Liste d'attente", 8, 2], ["Refusées", 10, 10], ["Sans décision", 2, 3]])
OUTCOMES = Table("outcome_measures", "Évolution entre l'entrée et la sortie, par mesure",
                 ["Mesure", "Enfants ou parents", "Moyenne entrée", "Moyenne sortie", "Évolution moyenne",
                  "IC 95 % bas", "IC 95 % haut", "Taille d'effet", "Sortis de la zone clinique",
                  "Entrés dans la zone clinique", "Améliorés", "Inchangés", "Aggravés", "Période précédente",
                  "Évolution, période précédente"],
                 [["Cognitif", 3, 85.0, 92.0, 7.0, 1.0, 13.0, 0.9, 1, 0, 2, 1, 0, 6, 4.0],
                  ["Langage", 8, 80.0, 90.0, 10.0, 4.0, 16.0, 1.2, 0, 0, 5, 3, 0, 7, 1.0]])
TABLES = {"age_pyramid": PYRAMID, "requests": REQUESTS, "outcome_measures": OUTCOMES}


def _sheets(pages: list[str]) -> dict[str, int]:
    """Pages per sheet, read from each page's header (its right part names the sheet)."""
    counts: dict[str, int] = {}
    for page in pages:
        tab = re.split(r"\s{2,}", page.strip().splitlines()[0])[-1]
        counts[tab] = counts.get(tab, 0) + 1
    return counts


def _write(path: Path, k: int, tables=TABLES) -> Path:
    info = workbook.CoverInfo(generated_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC), generated_by="Rita (rita)",
                              profile_name="Mutuelle", threshold=k, sheets=list(tables), indicators_sha256="ab" * 32)
    with translation.override("fr"):
        workbook.write(path, REPORT, tables, info=info)
    return path


def _convert(source: Path, fmt: str, tmp_path: Path) -> Path:
    """LibreOffice's own rendering of the workbook: a PDF as printed, or the workbook as Calc saves it back."""
    out = tmp_path / fmt
    out.mkdir(exist_ok=True)
    # A profile of its own: two conversions at once (parallel tests, other users) never share one.
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", fmt, "--outdir", str(out), str(source)],
                   check=True, timeout=300, capture_output=True)
    return out / f"{source.stem}.{fmt}"


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _charts(xlsx: Path) -> dict[str, list[list[float | None]]]:
    """The charts as LibreOffice reads them back: title -> the values it cached of each series."""
    charts = {}
    with zipfile.ZipFile(xlsx) as archive:
        for name in sorted(n for n in archive.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)):
            xml = archive.read(name).decode()
            title = html.unescape("".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("<c:plotArea>")[0])))
            series = []
            for ser in re.findall(r"<c:ser>(.*?)</c:ser>", xml, re.S):
                val = re.search(r"<c:val>(.*?)</c:val>", ser, re.S).group(1)
                count = int(re.search(r'<c:ptCount val="(\d+)"', val).group(1))
                points = {int(i): float(v) for i, v in re.findall(r'<c:pt idx="(\d+)"[^>]*>\s*<c:v>([^<]*)</c:v>', val)}
                series.append([points.get(i) for i in range(count)])
            charts[title] = series
    return charts


def test_a_masked_cell_leaves_the_pyramid_a_pyramid_and_its_series_in(tmp_path):
    charts = _charts(_convert(_write(tmp_path / "masque.xlsx", k=5), "xlsx", tmp_path))
    girls, boys = charts["Âge à l'admission et sexe"]
    # Girls to the left, boys to the right; each masked count a gap, never drawn as a number.
    assert girls[0] == -12 and boys[0] == 9
    assert girls[1] is None  # 3 girls of 6–11 months: « < 5 »
    assert all(v is None or v < 0 for v in girls) and all(v is None or v > 0 for v in boys)
    # Masked cells of the requests: the series holding them are left out, and the chart with them.
    assert "Demandes reçues" not in charts


def test_every_sheet_prints_one_page_wide_and_every_chart_has_data(tmp_path):
    source = _write(tmp_path / "classeur.xlsx", k=1)
    pages = _pages(_convert(source, "pdf", tmp_path))
    for page in pages:
        assert "Unité Bleue — du 01/01/2025 au 31/12/2025" in page  # the header of every page
        assert re.search(r"Page \d+ / \d+", page)
    # Each page's header names its sheet: the cover (definitions included) on a few pages, then each table
    # sheet on exactly one page — nothing spills sideways onto a second page, no chart is cut off onto one.
    by_sheet = _sheets(pages)
    assert by_sheet.pop(workbook.COVER) <= 3
    assert by_sheet == {workbook.sheet_title(name): 1 for name in TABLES}
    requests_page = next(page for page in pages if page.strip().splitlines()[0].endswith("Demandes"))
    assert REQUESTS.title in requests_page and "Liste d'attente" in requests_page
    charts = _charts(_convert(source, "xlsx", tmp_path))
    assert set(charts) == {PYRAMID.title, REQUESTS.title}
    for title, series in charts.items():
        assert series and all(any(v for v in values if v is not None) for values in series), title
    assert charts[REQUESTS.title] == [[40, 30, 20, 18, 8, 10, 2], [30, 20, 15, 14, 2, 10, 3]]


def test_the_outcome_sheet_prints_no_mean_of_a_small_group(tmp_path):
    pages = _pages(_convert(_write(tmp_path / "outcomes.xlsx", k=5), "pdf", tmp_path))
    tab = workbook.sheet_title("outcome_measures")
    sheet = next(page for page in pages if page.strip().splitlines()[0].endswith(tab))
    cognitive = next(line for line in sheet.splitlines() if line.strip().startswith("Cognitif"))
    # 3 children: « < 5 », no mean, no interval, no effect size, small counts masked; 6 children before: shown.
    assert "".join(cognitive.split()[1:]) == "<5ssssss<50<5<5064"


@pytest.mark.django_db
def test_a_real_export_prints_each_table_on_one_page_and_charts_its_data(facility_a, settings, tmp_path):
    """The whole workbook of a small unit, every declared table (a table added later is checked too)."""
    from admissions import services as adm
    from dashboards import engine
    from dashboards.exports import export_create, export_path
    from dashboards.models import ExportRecord, FunderProfile
    from tests import factories

    settings.VAR_DIR = tmp_path
    for birth, admitted, sex, before in ((date(2024, 11, 10), date(2025, 1, 15), "F", "hospital"),
                                         (date(2025, 3, 1), date(2025, 9, 10), "M", "family_home"),
                                         (date(2025, 5, 1), date(2025, 6, 1), "F", "hospital")):
        family = factories.family(facility=facility_a)
        stay = factories.stay(facility=facility_a, child=factories.child(family=family, birth_date=birth, sex=sex),
                              admitted_on=admitted, residence_before=before)
    adm.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 10, 1), discharge_kind="planned",
                       residence_after="home_with_parent")
    profile = FunderProfile(name="Tout", sheets=[], small_cell_threshold=1)
    profile.full_clean()
    profile.save()
    record = export_create(user=None, facilities=[facility_a], period=engine.Period(date(2025, 1, 1),
                                                                                     date(2025, 12, 31)),
                           profile=profile, source=ExportRecord.Source.COMMAND)
    source = tmp_path / "export.xlsx"
    source.write_bytes(export_path(record).read_bytes())
    by_sheet = _sheets(_pages(_convert(source, "pdf", tmp_path)))
    assert by_sheet.pop(workbook.COVER) <= 3
    line_list = by_sheet.pop(workbook.LINE_LIST_TITLE)
    assert line_list == 1
    assert by_sheet == {workbook.sheet_title(name): 1 for name in workbook.TABLE_NAMES}
    charts = _charts(_convert(source, "xlsx", tmp_path))
    assert len(charts) >= 4
    for title, series in charts.items():  # the previous period (2024) is empty: one series at least has data
        assert series and any(v for values in series for v in values if v is not None), title
