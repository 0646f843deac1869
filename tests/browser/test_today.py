"""In Chromium: the Today page (home) of each role, with a week's worth of arrivals, departures, an EPDS
self-harm alert past its delay, assessments and meetings due, a mandate ending and new notes; the manager
never reads the restricted note. Screenshots: var/screenshots/today-<role>.png and board-alert.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services as assessment_services
from journal import services as journal_services
from tests import factories
from tests.browser.helpers import sign_in
from tests.documents import factories as doc_factories
from tests.journal.factories import note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SELF_HARM = {f"e{n:02d}": 0 for n in range(1, 11)} | {"e10": 1}


def _world():
    today = timezone.localdate()
    unit = factories.facility(code="upb-today", capacity=10)
    users = {role: factories.user(role=role, facility=unit, username=f"{role}-today", first_name=first)
             for role, first in (("admissions", "Anne"), ("therapist", "Théo"), ("manager", "Marie"),
                                 ("reporting", "Rémi"), ("admin", "Ada"))}
    writer = factories.user(role="therapist", facility=unit, username="psy-today", first_name="Paule")
    stays = []
    for n, (days, end) in enumerate(((50, 2), (44, 0), (12, 30), (90, -1))):
        family = factories.family(facility=unit, reference=f"UPB-2026-{n + 40:03d}")
        child = factories.child(family=family, birth_date=today - timedelta(days=120 + 20 * n))
        stays.append(factories.stay(facility=unit, child=child, admitted_on=today - timedelta(days=days),
                                    planned_end_on=today + timedelta(days=end)))
    mother = factories.adult(family=stays[0].child.family)
    assessment_services.assessment_record(user=writer, stay=stays[0], instrument_code="epds",
                                          assessed_on=today - timedelta(days=1), scores=SELF_HARM, adult=mother)
    journal_services.today_settings_save(user=users["admin"], facility=unit, meeting_every_weeks=6,
                                         alert_overdue_days=7)
    journal_services.goal_add(user=writer, stay=stays[2], domain="network", title="Relais avec la PMI",
                              responsible=writer, target_on=today + timedelta(days=3))
    family = factories.family(facility=unit, reference="UPB-2026-052")
    factories.accepted_request(facility=unit, family=family, children=[factories.child(family=family)],
                               planned_admission_on=today + timedelta(days=2))
    doc_factories.document(facility=unit, family=stays[1].child.family, kind="mandate", title="Mandat SAJ",
                           document_date=today - timedelta(days=150), valid_until=today + timedelta(days=12))
    written = timezone.now() - timedelta(hours=3)
    note(author=writer, stay=stays[0], kind="team_handover", written_at=written,
         text="Nuit : deux réveils, biberon à 3 h. Interactions : regards partagés au bain.")
    note(author=writer, stay=stays[0], kind="parent_interview", confidentiality="restricted", written_at=written,
         text="Évoque son propre placement dans l'enfance.")
    return users


def test_today_per_role(live_server, page, screenshot):
    users = _world()
    for role in ("therapist", "admissions", "manager", "admin"):
        sign_in(page, live_server, users[role].username)
        assert page.locator("[data-testid=today-alerts] li").first.is_visible()
        assert page.locator("[data-testid^=alert-overdue-]").count() == 0  # raised yesterday, delay 7 days
        assert page.locator("[data-testid=today-meetings] li").count() == 3  # 50, 44 and 90 days in
        assert page.locator("[data-testid=today-arrivals] li").count() == 1
        assert page.locator("[data-testid=today-discharges] li").count() == 3
        assert page.locator("[data-testid=today-mandates] li").count() == 1
        assert "biberon à 3 h" in page.locator("[data-testid=today-notes]").inner_text()
        restricted_shown = "placement dans l'enfance" in page.content()
        assert restricted_shown is (role == "therapist"), role
        screenshot(page, f"today-{role}")
        assert page.console_errors == []
    page.goto(f"{live_server.url}/admissions/board/")
    assert page.locator("[data-testid^=board-alert-]").count() == 1
    screenshot(page, "board-alert")
    sign_in(page, live_server, users["reporting"].username)
    assert page.locator("[data-testid=today-alerts]").count() == 0
    assert "Structure" in page.content()
    screenshot(page, "today-reporting")
