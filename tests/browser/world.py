"""A small unit with something on every main page, and those pages as each role reaches them: the
accessibility, screen-size and print tests of the browser suite walk them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from admissions import services as adm
from assessments import services as assessments
from tests import factories

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
USERS = {"admissions": "accueil", "therapist": "psy", "manager": "direction", "reporting": "rapports",
         "admin": "gestion"}
BAYLEY = {"cog_ss": 8, "cog": 90, "rc_ss": 9, "ec_ss": 7, "lang": 88, "fm_ss": 10, "gm_ss": 6, "motor": 68}


@dataclass
class World:
    facility: object
    family: object
    child: object
    stay: object
    request: object

    def pages(self, role: str) -> list[str]:
        """The main pages of a role (paths), those its work starts from."""
        year = timezone.localdate().year
        records = [f"/admissions/stays/{self.stay.pk}/", f"/admissions/families/{self.family.pk}/",
                   f"/admissions/requests/{self.request.pk}/"]
        return {
            "admissions": ["/", "/admissions/", "/admissions/board/", "/admissions/waiting-list/",
                           "/admissions/families/", *records],
            "therapist": ["/", "/admissions/board/", "/assessments/", f"/assessments/children/{self.child.pk}/",
                          f"/assessments/stays/{self.stay.pk}/new/", f"/admissions/stays/{self.stay.pk}/"],
            "manager": ["/", f"/dashboards/?year={year}", "/dashboards/exports/", "/admissions/board/",
                        f"/admissions/stays/{self.stay.pk}/"],
            "reporting": ["/", f"/dashboards/?year={year}", "/dashboards/exports/"],
            "admin": ["/", "/audit/", "/records/in-error/"],
        }[role]


def build() -> World:
    """A unit of ten places: a family in a current stay with two Bayley and an EPDS, and stays discharged this
    year for the dashboard's charts; a user of each role (usernames in USERS)."""
    today = timezone.localdate()
    unit = factories.facility(code="upb-world", capacity=10)
    for role, username in USERS.items():
        factories.user(role=role, facility=unit, username=username, first_name=username.capitalize(),
                       last_name="Test")
    therapist = unit.memberships.get(role="therapist").user
    family = factories.family(facility=unit, reference="UPB-2026-001")
    child = factories.child(family=family, birth_date=today - timedelta(days=240), sex="F")
    mother = factories.adult(family=family, role="mother")
    admitted = today - timedelta(days=60)
    stay = factories.stay(facility=unit, child=child, admitted_on=admitted)
    adm.presence_add(user=None, stay=stay, adult=mother, start=admitted)
    for days, shift in ((55, 0), (5, 6)):
        scores = {k: v + shift if k in ("cog", "lang", "motor") else v for k, v in BAYLEY.items()}
        assessments.assessment_record(user=therapist, stay=stay, instrument_code="bayley4",
                                      assessed_on=today - timedelta(days=days), scores=scores, child=child,
                                      adult=None, assessor=therapist)
    epds = {f"e{n:02d}": 1 for n in range(1, 10)} | {"e10": 0}
    assessments.assessment_record(user=therapist, stay=stay, instrument_code="epds",
                                  assessed_on=today - timedelta(days=50), scores=epds, child=None, adult=mother,
                                  assessor=therapist)
    start = date(today.year, 1, 1)
    for n, sex in enumerate("MFM"):
        other = factories.family(facility=unit)
        kid = factories.child(family=other, birth_date=start - timedelta(days=100 + 40 * n), sex=sex)
        done = factories.stay(facility=unit, child=kid, admitted_on=start + timedelta(days=n))
        adm.diagnosis_add(user=None, stay=done, child=kid, timepoint="entry", classification="icd11", code="6B44",
                          primary=True)
        adm.stay_discharge(user=None, stay=done, discharged_on=min(today, start + timedelta(days=20 + n)),
                           discharge_kind="planned", residence_after="home_with_parent")
    request = factories.request(facility=unit, family=family, children=[child], received_on=today - timedelta(days=3))
    return World(unit, family, child, stay, request)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core (from npm, served from the test itself, never a CDN) run on the page as it stands."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
                                          (n.failureSummary || '').slice(0, 300))}));
    }""")
    return [v for v in result if v["impact"] in impacts]
