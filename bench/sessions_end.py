"""Time to end a deactivated user's sessions among many live ones (unit.security.user_sessions_end).

    DATABASE_URL=postgres://… .venv/bin/python bench/sessions_end.py --sessions 10000

Creates the sessions (signed-in users' sessions as Django stores them) in the configured, migrated
database, times ending one user's, then deletes what it created.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402

from unit.security import user_sessions_end  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10000)
    args = parser.parse_args()
    users = get_user_model().objects
    others = [users.create(username=f"bench.sessions.{n}") for n in range(20)]
    leaving = users.create(username="bench.sessions.leaving")
    model = SessionStore.get_model_class()
    created = []
    try:
        rows = []
        for n in range(args.sessions):
            owner = leaving if n % 1000 == 0 else others[n % len(others)]
            store = SessionStore()
            key = store._get_new_session_key()
            data = store.encode({SESSION_KEY: str(owner.pk), "_auth_user_backend": "x", "_auth_user_hash": "h"})
            rows.append(model(session_key=key, session_data=data, expire_date=store.get_expiry_date()))
            created.append(key)
        model.objects.bulk_create(rows, batch_size=2000)
        began = time.perf_counter()
        ended = user_sessions_end(user=leaving)
        seconds = time.perf_counter() - began
        print(f"{connection.vendor}: {ended} session(s) ended among {args.sessions} live ones in {seconds:.2f} s")
    finally:
        model.objects.filter(session_key__in=created).delete()
        users.filter(username__startswith="bench.sessions.").delete()


if __name__ == "__main__":
    main()
