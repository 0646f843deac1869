"""Back up, restore into an emptied database: same counts and the same checksum for every table."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from admissions import services as adm
from admissions.models import Family, Stay
from tests import factories
from unit import backup

pytestmark = pytest.mark.django_db(transaction=True)


def test_round_trip_gives_identical_tables(tmp_path):
    unit = factories.facility(code="upb-backup")
    stay = factories.stay(facility=unit, admitted_on=date(2025, 9, 10))
    adm.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 10, 1), discharge_kind="planned",
                       residence_after="home_with_parent")
    before = backup.checksums()
    path = tmp_path / "unit.backup.json.gz"
    call_command("backup", str(path))

    # Something changes after the backup: the restore must bring the database back exactly.
    adm.family_create(user=None, facility=unit, reference="AFTER-BACKUP")
    assert backup.checksums() != before

    call_command("restore", str(path), "--yes")
    assert backup.checksums() == before
    assert not Family.objects.filter(reference="AFTER-BACKUP").exists()
    restored = Stay.objects.get(pk=stay.pk)
    assert restored.discharged_on == date(2025, 10, 1)
    assert restored.history.count() == stay.history.count()
    # New rows after a restore get fresh primary keys (sequences moved past the restored ones).
    assert adm.family_create(user=None, facility=unit, reference="NEW").pk > stay.child.family_id


def test_restore_refuses_without_confirmation_or_a_foreign_file(tmp_path):
    path = tmp_path / "x.json.gz"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    bogus = tmp_path / "bogus.json.gz"
    import gzip

    with gzip.open(bogus, "wt") as handle:
        handle.write('{"format": "other"}')
    with pytest.raises(CommandError, match="pas une sauvegarde"):
        call_command("restore", str(bogus), "--yes")
