"""The organisation loads its own lists of codes; the shipped ICD-11 subset is there from the first migration."""

import pytest
from django.core.management import CommandError, call_command

from admissions.models import DiagnosisCode

pytestmark = pytest.mark.django_db


def test_icd11_subset_is_loaded_with_its_titles():
    code = DiagnosisCode.objects.get(classification="icd11", code="6B44")
    assert code.label_en == "Reactive attachment disorder"


def test_loading_a_list_twice_does_not_duplicate(tmp_path):
    csv_file = tmp_path / "cim10.csv"
    csv_file.write_text("code,label_fr,label_en\nF53,Troubles du puerpérium,Puerperal disorders\n", encoding="utf-8")
    call_command("load_diagnosis_codes", str(csv_file), "--classification", "icd10")
    call_command("load_diagnosis_codes", str(csv_file), "--classification", "icd10")
    assert DiagnosisCode.objects.filter(classification="icd10").count() == 1


def test_a_file_without_the_columns_is_refused_and_nothing_loaded(tmp_path):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("code;libelle\nF53;x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Colonnes manquantes"):
        call_command("load_diagnosis_codes", str(csv_file), "--classification", "icd10")
    assert not DiagnosisCode.objects.filter(classification="icd10").exists()
