"""Application-level backup and restore: every table, portable between SQLite and PostgreSQL,
with a checksum per table so that a restore can be proven identical.

For production PostgreSQL the database's own tools (pg_dump / pg_restore) remain the first line
(docs/deploy.md); this format is what the round-trip test proves and what moves a unit between
databases.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction

FORMAT = "unit-backup/1"
# Rebuilt by the application itself; sessions are not data to keep.
SKIPPED = {"sessions.session"}


def _models():
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in SKIPPED or model._meta.proxy or not model._meta.managed:
            continue
        yield model


def _rows(model) -> list[dict]:
    # Serialised with primary keys, ordered by them: the same data always gives the same text.
    return json.loads(serializers.serialize("json", model._base_manager.order_by("pk")))


def checksums() -> dict[str, dict]:
    """table label -> {"rows": n, "sha256": digest of its rows} for the whole database."""
    result = {}
    for model in _models():
        rows = _rows(model)
        digest = hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        result[model._meta.label_lower] = {"rows": len(rows), "sha256": digest}
    return result


def backup(path: Path) -> dict:
    """Write every table and its checksum to `path` (gzip JSON); returns the manifest."""
    tables = {}
    manifest = {}
    for model in _models():
        rows = _rows(model)
        tables[model._meta.label_lower] = rows
        manifest[model._meta.label_lower] = {
            "rows": len(rows),
            "sha256": hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
        }
    payload = {"format": FORMAT, "vendor": connection.vendor, "manifest": manifest, "tables": tables}
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False)
    return manifest


def restore(path: Path) -> dict:
    """Replace the whole content of the (migrated) database by the backup; checks every checksum."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    if payload.get("format") != FORMAT:
        raise ValueError("Ce fichier n'est pas une sauvegarde de l'application.")
    with transaction.atomic():
        # Empty every table without re-creating the reference rows: the backup brings them.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        objects = []
        for rows in payload["tables"].values():
            if rows:
                objects.extend(serializers.deserialize("json", json.dumps(rows)))
        with connection.constraint_checks_disabled():
            for obj in objects:
                obj.save()
        connection.check_constraints()
        _reset_sequences()
    after = checksums()
    wrong = [label for label, entry in payload["manifest"].items() if after.get(label) != entry]
    if wrong:
        raise ValueError("Restauration incomplète, tables différentes : " + ", ".join(sorted(wrong)))
    return after


def _reset_sequences() -> None:
    """After inserting explicit primary keys, PostgreSQL sequences must move past them."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(_models()))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


__all__ = ["backup", "checksums", "restore", "Path"]
