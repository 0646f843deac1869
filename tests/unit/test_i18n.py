"""French by default, English on request: the switch changes pages, vocabulary labels and reports."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_switching_to_english_translates_the_interface_and_the_labels(client, facility_a, users_a):
    factories.stay(facility=facility_a, admitted_on=date(2025, 9, 10))
    client.force_login(users_a["manager"])
    french = client.get(reverse("home")).content.decode()
    assert "Se déconnecter" in french
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("home")).content.decode()
    assert "Log out" in english and 'lang="en"' in english
    dashboard = client.get(reverse("dashboards:index") + "?year=2025").content.decode()
    assert "0–5 months" in dashboard and "Age pyramid at admission" in dashboard
    assert "0–5 mois" not in dashboard
    board = client.get(reverse("admissions:board")).content.decode()
    assert "Current residents" in board and "Résidents actuels" not in board
    stays = client.get(reverse("dashboards:report_json") + "?year=2025").json()
    assert stays["stays_active"] == 1  # codes and figures do not depend on the language
