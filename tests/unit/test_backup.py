"""Back up, restore into an emptied database: same counts and the same checksum for every table.

The file is private (0600), encrypted and authenticated with BACKUP_KEY; a restore verifies it
before writing anything, and a refused restore leaves the database exactly as it was.
"""

import gzip
import json
from datetime import UTC, date, datetime

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from admissions import services as adm
from admissions.models import Family, Stay
from interchange.demo import build_demo
from tests import factories
from unit import backup

pytestmark = pytest.mark.django_db(transaction=True)

KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _backup_key(settings):
    settings.BACKUP_KEY = KEY


def _rewrite(path, change, key: str = KEY) -> None:
    """Decrypt the backup, apply `change` to its payload, encrypt it again with `key`."""
    plain = Fernet(KEY).decrypt(path.read_bytes()[len(backup.MAGIC):])
    payload = json.loads(gzip.decompress(plain))
    change(payload)
    path.write_bytes(backup.MAGIC + Fernet(key).encrypt(gzip.compress(json.dumps(payload).encode())))


def test_round_trip_gives_identical_tables(tmp_path):
    unit = factories.facility(code="upb-backup")
    stay = factories.stay(facility=unit, admitted_on=date(2025, 9, 10))
    adm.stay_discharge(user=None, stay=stay, discharged_on=date(2025, 10, 1), discharge_kind="planned",
                       residence_after="home_with_parent")
    before = backup.checksums()
    path = tmp_path / "unit.backup"
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


@pytest.mark.parametrize("microsecond", [0, 500, 999, 1000, 123456])
def test_an_untouched_backup_restores_every_microsecond(tmp_path, microsecond):
    # 500 µs was written "….000Z" and read back as "…Z": the table's checksum no longer matched.
    joined = datetime(2025, 3, 4, 5, 6, 7, microsecond, tzinfo=UTC)
    member = factories.user(username="horodatage")
    get_user_model().objects.filter(pk=member.pk).update(date_joined=joined)
    before = backup.checksums()
    path = tmp_path / "unit.backup"
    call_command("backup", str(path))
    call_command("restore", str(path), "--yes")
    assert backup.checksums() == before
    assert get_user_model().objects.get(pk=member.pk).date_joined == joined


def test_an_untouched_demo_backup_restores(tmp_path):
    build_demo(families=6, today=date(2026, 11, 20))
    before = backup.checksums()
    path = tmp_path / "demo.backup"
    call_command("backup", str(path))
    call_command("restore", str(path), "--yes")
    assert backup.checksums() == before


def test_the_backup_file_is_private_and_encrypted(tmp_path):
    factories.user(username="secret-holder")
    path = tmp_path / "unit.backup"
    path.write_text("an older file, world-readable")
    path.chmod(0o644)
    call_command("backup", str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    content = path.read_bytes()
    assert content.startswith(backup.MAGIC)
    for clear in (b"secret-holder", b"pbkdf2", b"md5$", b"auth.user"):
        assert clear not in content
    assert [p.name for p in tmp_path.iterdir()] == ["unit.backup"]  # no temporary file left behind


def test_no_backup_without_a_key_or_with_a_malformed_one(tmp_path, settings):
    path = tmp_path / "unit.backup"
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="Aucune clé de sauvegarde.*BACKUP_KEY"):
        call_command("backup", str(path))
    settings.BACKUP_KEY = "not-a-key"
    with pytest.raises(CommandError, match="BACKUP_KEY ne contient pas une clé valide"):
        call_command("backup", str(path))
    assert not path.exists()


def _tampered_cases():
    def flip_a_byte(path):
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))

    def other_key(path):
        _rewrite(path, lambda payload: None, key=Fernet.generate_key().decode())

    def row_changed_with_its_checksum(path):
        # Only the key's holder can do this: the file is then the key holder's backup. Changed
        # without its checksum, it is refused before anything is written.
        def change(payload):
            for row in payload["tables"]["admissions.family"]:
                row["fields"]["reference"] = "TAMPERED"
        _rewrite(path, change)

    def row_that_breaks_a_constraint(path):
        # Checksum consistent, but the row cannot be loaded: the transaction rolls back.
        def change(payload):
            rows = payload["tables"]["admissions.family"]
            rows[0]["fields"]["facility"] = 999_999
            entry = payload["manifest"]["admissions.family"]
            entry["sha256"] = backup._digest(rows)
        _rewrite(path, change)

    def old_unencrypted_format(path):
        with gzip.open(path, "wt") as handle:
            json.dump({"format": "unit-backup/1", "manifest": {}, "tables": {}}, handle)

    return {
        "one byte flipped": (flip_a_byte, "clé BACKUP_KEY ou elle a été modifiée"),
        "encrypted with another key": (other_key, "clé BACKUP_KEY ou elle a été modifiée"),
        "row changed, checksum not": (row_changed_with_its_checksum, "ne correspondent pas à leur empreinte"),
        "foreign key to nowhere": (row_that_breaks_a_constraint, "Restauration annulée, rien n'a été modifié"),
        "unencrypted old format": (old_unencrypted_format, "pas une sauvegarde chiffrée"),
    }


@pytest.mark.parametrize("case", list(_tampered_cases()))
def test_a_refused_restore_leaves_the_database_exactly_unchanged(tmp_path, case):
    tamper, message = _tampered_cases()[case]
    unit = factories.facility(code="upb-tamper")
    adm.family_create(user=None, facility=unit, reference="ORIGINAL")
    path = tmp_path / "unit.backup"
    call_command("backup", str(path))
    adm.family_create(user=None, facility=unit, reference="AFTER-BACKUP")
    before = backup.checksums()

    tamper(path)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--yes")
    assert backup.checksums() == before


def test_restore_refuses_without_a_key_or_with_a_wrong_one(tmp_path, settings):
    factories.facility(code="upb-keys")
    path = tmp_path / "unit.backup"
    call_command("backup", str(path))
    before = backup.checksums()
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="Aucune clé de sauvegarde"):
        call_command("restore", str(path), "--yes")
    settings.BACKUP_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="Restauration refusée : cette sauvegarde n'a pas été faite avec la clé"):
        call_command("restore", str(path), "--yes")
    assert backup.checksums() == before


def test_a_rotated_key_still_restores_older_backups(tmp_path, settings):
    factories.facility(code="upb-rotate")
    older = tmp_path / "older.backup"
    call_command("backup", str(older))
    new_key = Fernet.generate_key().decode()
    settings.BACKUP_KEY = f"{new_key},{KEY}"
    newer = tmp_path / "newer.backup"
    call_command("backup", str(newer))
    Fernet(new_key).decrypt(newer.read_bytes()[len(backup.MAGIC):])  # the first key encrypts
    call_command("restore", str(older), "--yes")
    settings.BACKUP_KEY = new_key  # the old key retired: the newer backups remain readable
    call_command("restore", str(newer), "--yes")
    with pytest.raises(CommandError, match="pas été faite avec la clé"):
        call_command("restore", str(older), "--yes")


def test_restore_refuses_without_confirmation_or_a_foreign_file(tmp_path):
    path = tmp_path / "x.backup"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    bogus = tmp_path / "bogus.backup"
    bogus.write_text('{"format": "other"}')
    with pytest.raises(CommandError, match="pas une sauvegarde"):
        call_command("restore", str(bogus), "--yes")
