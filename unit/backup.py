"""Application-level backup and restore: every table, portable between SQLite and PostgreSQL,
encrypted and authenticated with the key in BACKUP_KEY, with a checksum per table so that a
restore can be proven identical.

The file holds password hashes, TOTP secrets and pseudonym keys as well as the records: it is
written with mode 0600 and encrypted with Fernet (AES-128-CBC and HMAC-SHA256, from `cryptography`).
A restore checks the key's MAC over the whole file and every table's checksum before it writes
anything, then replaces the content in one transaction that rolls back if the result differs.

For production PostgreSQL the database's own tools (pg_dump / pg_restore) remain the first line
(docs/deploy.md); this format is what the round-trip test proves and what moves a unit between
databases.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from unit.private_files import write_private

FORMAT = "unit-backup/2"
# The first line of the file, outside the encrypted part: tells a backup from any other file.
MAGIC = b"unit-backup/2 fernet\n"
# Rebuilt by the application itself; sessions are not data to keep.
SKIPPED = {"sessions.session"}


class BackupError(ValueError):
    """A backup that cannot be written, or a file that must not be restored (message in French)."""


class _ExactEncoder(DjangoJSONEncoder):
    # Django's encoder cuts times to milliseconds ("…00.000500" becomes "….000Z", read back as
    # "…Z"): the restored row would differ from the saved one. A backup keeps every microsecond.
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _models():
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in SKIPPED or model._meta.proxy or not model._meta.managed:
            continue
        yield model


def _rows(model) -> list[dict]:
    # Serialised with primary keys, ordered by them: the same data always gives the same text.
    objects = serializers.serialize("python", model._base_manager.order_by("pk"))
    return json.loads(json.dumps(objects, cls=_ExactEncoder))


def _digest(rows: list[dict]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def checksums() -> dict[str, dict]:
    """table label -> {"rows": n, "sha256": digest of its rows} for the whole database."""
    result = {}
    for model in _models():
        rows = _rows(model)
        result[model._meta.label_lower] = {"rows": len(rows), "sha256": _digest(rows)}
    return result


def _cipher() -> MultiFernet:
    """BACKUP_KEY: one Fernet key, or several separated by commas while rotating (the first encrypts)."""
    keys = [key.strip() for key in settings.BACKUP_KEY.split(",") if key.strip()]
    if not keys:
        raise BackupError(_("Aucune clé de sauvegarde : définissez la variable d'environnement BACKUP_KEY "
                            "(docs/deploy.md, section Sauvegardes)."))
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise BackupError(_("BACKUP_KEY ne contient pas une clé valide (32 octets en base64 URL, "
                            "voir docs/deploy.md).")) from error


def backup(path: Path) -> dict:
    """Write every table and its checksum to `path`, encrypted (mode 0600); returns the manifest."""
    cipher = _cipher()
    tables = {}
    manifest = {}
    for model in _models():
        rows = _rows(model)
        tables[model._meta.label_lower] = rows
        manifest[model._meta.label_lower] = {"rows": len(rows), "sha256": _digest(rows)}
    payload = {"format": FORMAT, "vendor": connection.vendor, "manifest": manifest, "tables": tables}
    plain = gzip.compress(json.dumps(payload, ensure_ascii=False).encode(), mtime=0)
    write_private(path, MAGIC + cipher.encrypt(plain))
    return manifest


def read(path: Path) -> dict:
    """The verified content of a backup file; raises BackupError before anything is written.

    Authenticity comes from the key: a file not encrypted with it, or changed by one bit, is refused.
    """
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        raise BackupError(_("Ce fichier n'est pas une sauvegarde chiffrée de l'application."))
    cipher = _cipher()
    try:
        plain = cipher.decrypt(data[len(MAGIC):])
    except InvalidToken as error:
        raise BackupError(_("Restauration refusée : cette sauvegarde n'a pas été faite avec la clé BACKUP_KEY "
                            "ou elle a été modifiée depuis.")) from error
    payload = json.loads(gzip.decompress(plain))
    if payload.get("format") != FORMAT:
        raise BackupError(_("Ce fichier n'est pas une sauvegarde chiffrée de l'application."))
    tables, manifest = payload["tables"], payload["manifest"]
    known = {model._meta.label_lower for model in _models()}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise BackupError(_("Restauration refusée : tables inconnues de cette version : %(tables)s")
                          % {"tables": ", ".join(unknown)})
    wrong = sorted(label for label in set(tables) | set(manifest)
                   if manifest.get(label) != {"rows": len(tables.get(label, [])),
                                              "sha256": _digest(tables.get(label, []))})
    if wrong:
        raise BackupError(_("Restauration refusée : tables qui ne correspondent pas à leur empreinte : %(tables)s")
                          % {"tables": ", ".join(wrong)})
    return payload


def restore(path: Path) -> dict:
    """Replace the whole content of the (migrated) database by the backup, verified before and after.

    Nothing is written unless the file is authentic and whole; the replacement is one transaction,
    rolled back if any table differs from the backup afterwards.
    """
    payload = read(path)
    try:
        return _replace_content(payload)
    except (DatabaseError, DeserializationError) as error:
        # Rolled back by the transaction: the database is as it was.
        raise BackupError(_("Restauration annulée, rien n'a été modifié : %(error)s") % {"error": error}) from error


def _replace_content(payload: dict) -> dict:
    with transaction.atomic():
        # Empty every table without re-creating the reference rows: the backup brings them.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        objects = []
        for rows in payload["tables"].values():
            if rows:
                objects.extend(serializers.deserialize("python", rows))
        with connection.constraint_checks_disabled():
            for obj in objects:
                obj.save()
        connection.check_constraints()
        _reset_sequences()
        after = checksums()
        wrong = [label for label, entry in payload["manifest"].items() if after.get(label) != entry]
        if wrong:
            raise BackupError(_("Restauration annulée, tables différentes de la sauvegarde : %(tables)s")
                              % {"tables": ", ".join(sorted(wrong))})
        return after


def _reset_sequences() -> None:
    """After inserting explicit primary keys, PostgreSQL sequences must move past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(_models()))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


__all__ = ["BackupError", "backup", "checksums", "read", "restore", "Path"]
