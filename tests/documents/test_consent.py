"""Consent: recorded per adult and scope, withdrawn by a new version, and enforced in the three places the
issue names (video recordings, sharing with another facility, the research extract)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admissions import services as adm
from documents import consent_rules, selectors, services
from documents.consent_rules import Statement
from documents.models import Consent, Document
from tests import factories
from tests.documents import factories as doc_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(facility_a):
    family = factories.family(facility=facility_a, reference="CONS-001")
    factories.child(family=family)
    return family


@pytest.fixture
def mother(family):
    return factories.adult(family=family, role="mother")


@pytest.fixture
def father(family):
    return factories.adult(family=family, role="father")


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize("statements, holds", [
    ([], False),
    ([Statement("given", date(2025, 1, 1))], True),
    ([Statement("given", date(2025, 7, 1))], False),  # given after the day asked
    ([Statement("given", date(2025, 1, 1), date(2025, 5, 31))], False),  # expired
    ([Statement("given", date(2025, 1, 1), date(2025, 6, 1))], True),  # valid through its last day
    ([Statement("given", date(2025, 1, 1)), Statement("refused", date(2025, 2, 1))], False),  # one parent refuses
    ([Statement("withdrawn", date(2025, 3, 1))], False),
    ([Statement("given", date(2025, 1, 1)), Statement("refused", date(2025, 8, 1))], True),  # refused later
])
def test_when_a_consent_holds(statements, holds):
    assert consent_rules.holds(statements, date(2025, 6, 1)) is holds


# ---------------------------------------------------------------- recording and withdrawing


def test_a_withdrawal_is_a_new_version_never_an_erasure(facility_a, mother, users_a):
    given = doc_factories.consent(facility=facility_a, adult=mother, scope="video_recording",
                                  by=users_a["therapist"])
    withdrawn = services.consent_withdraw(user=users_a["therapist"], facility=facility_a, consent=given,
                                          withdrawn_on=date(2025, 10, 1), reason="La mère ne souhaite plus")
    assert withdrawn.pk == given.pk and (withdrawn.status, withdrawn.version) == ("withdrawn", 2)
    versions = list(withdrawn.history.order_by("history_id").values_list("status", "decided_on",
                                                                         "history_change_reason"))
    assert versions[0][:2] == ("given", date(2025, 1, 1))
    assert versions[1][:2] == ("withdrawn", date(2025, 10, 1))
    assert "La mère ne souhaite plus" in versions[1][2]
    assert Consent.objects.count() == 1


def test_a_withdrawal_needs_its_context(facility_a, mother):
    given = doc_factories.consent(facility=facility_a, adult=mother, scope="photos")
    with pytest.raises(ValidationError):
        services.consent_withdraw(user=None, facility=facility_a, consent=given, withdrawn_on=date(2025, 10, 1),
                                  reason=" ")


def test_the_signed_form_is_a_consent_form_of_the_family(facility_a, family, mother):
    letter = doc_factories.document(facility=facility_a, family=family, kind="referral_letter")
    with pytest.raises(ValidationError, match="formulaire de consentement"):
        doc_factories.consent(facility=facility_a, adult=mother, scope="photos", form=letter)
    signed = doc_factories.document(facility=facility_a, family=family, kind="consent_form", title="Signé")
    assert doc_factories.consent(facility=facility_a, adult=mother, scope="photos", form=signed).form == signed


# ---------------------------------------------------------------- 1. video recordings


def test_a_video_needs_the_video_recording_consent(facility_a, family, mother, father):
    with pytest.raises(ValidationError, match="vidéo"):
        doc_factories.document(facility=facility_a, family=family, content=doc_factories.MP4, title="Séance")
    with pytest.raises(ValidationError, match="vidéo"):  # a still flagged as the recording's counts as one
        doc_factories.document(facility=facility_a, family=family, content=doc_factories.PNG, video=True)
    doc_factories.consent(facility=facility_a, adult=mother, scope="video_recording")
    filed = doc_factories.document(facility=facility_a, family=family, content=doc_factories.MP4, title="Séance")
    assert filed.video and filed.content_type == "video/mp4"
    # The father refuses: the next recording is refused, the one filed stays.
    doc_factories.consent(facility=facility_a, adult=father, scope="video_recording", status="refused",
                          decided_on=date(2025, 9, 2))
    with pytest.raises(ValidationError):
        doc_factories.document(facility=facility_a, family=family, content=doc_factories.MP4,
                               document_date=date(2025, 9, 3))
    assert Document.objects.filter(video=True).count() == 1


def test_a_video_after_the_withdrawal_is_refused(facility_a, family, mother):
    given = doc_factories.consent(facility=facility_a, adult=mother, scope="video_recording")
    services.consent_withdraw(user=None, facility=facility_a, consent=given, withdrawn_on=date(2025, 8, 1),
                              reason="Retrait oral, formulaire à signer")
    with pytest.raises(ValidationError):
        doc_factories.document(facility=facility_a, family=family, content=doc_factories.MP4,
                               document_date=date(2025, 9, 1))


# ---------------------------------------------------------------- 2. sharing with another facility


def test_sharing_the_dossier_with_another_facility_needs_network_sharing(facility_a, facility_b, family, mother):
    child = family.children.get()
    with pytest.raises(ValidationError, match="partage avec le réseau"):
        factories.request(facility=facility_b, family=family, children=[child])
    with pytest.raises(ValidationError, match="partage avec le réseau"):
        adm.stay_admit(user=None, facility=facility_b, child=child, admitted_on=date(2025, 9, 10),
                       residence_before="family_home", override_reason="Accueil en urgence")
    # The facility that opened the dossier needs no consent to work on it.
    assert factories.request(facility=facility_a, family=family, children=[child]).pk
    doc_factories.consent(facility=facility_a, adult=mother, scope="network_sharing")
    assert factories.request(facility=facility_b, family=family, children=[child]).facility == facility_b


def test_the_sharing_refusal_shows_on_the_request_form(login, facility_a, facility_b, family, users_a):
    from unit import services as unit_services

    unit_services.membership_grant(user=None, member=users_a["admissions"], facility=facility_b, role="admissions")
    child = family.children.get()
    client = login(users_a["admissions"])
    response = client.post(reverse("admissions:request_create", args=[family.pk]), {
        "facility": facility_b.pk, "received_on": "2025-09-01", "requester": "professional",
        "referrer_category": "hospital_maternity", "reason": "parent_infant_relationship", "mandate": "none",
        "children": [child.pk]})
    assert response.status_code == 400
    assert "partage avec le réseau" in response.content.decode()
    assert not family.requests.filter(facility=facility_b).exists()


# ---------------------------------------------------------------- 3. the research extract


def test_families_with_consent_is_the_rule_in_sql(facility_a, family, mother, father):
    other = factories.family(facility=facility_a, reference="CONS-002")
    other_mother = factories.adult(family=other)
    silent = factories.family(facility=facility_a, reference="CONS-003")
    factories.adult(family=silent)
    doc_factories.consent(facility=facility_a, adult=mother, scope="research")
    doc_factories.consent(facility=facility_a, adult=other_mother, scope="research", valid_until=date(2025, 6, 30))
    assert set(selectors.families_with_consent(scope="research", on=date(2025, 6, 1))) == {family, other}
    assert set(selectors.families_with_consent(scope="research", on=date(2025, 7, 1))) == {family}
    doc_factories.consent(facility=facility_a, adult=father, scope="research", status="refused",
                          decided_on=date(2025, 7, 15))
    assert set(selectors.families_with_consent(scope="research", on=date(2025, 7, 1))) == {family}
    assert set(selectors.families_with_consent(scope="research", on=date(2025, 8, 1))) == set()
    for candidate in (family, other, silent):
        for day in (date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 1)):
            in_sql = selectors.families_with_consent(scope="research", on=day).filter(pk=candidate.pk).exists()
            assert in_sql is services.consent_holds(family=candidate, scope="research", on=day)


# ---------------------------------------------------------------- the family page


def test_the_family_page_shows_each_scope_and_the_withdrawal(login, facility_a, family, mother, users_a):
    given = doc_factories.consent(facility=facility_a, adult=mother, scope="photos")
    client = login(users_a["therapist"])
    url = reverse("documents:consent_withdraw", args=[given.pk])
    response = client.post(url, {"withdrawn_on": "2025-10-01", "reason": "Ne souhaite plus", "facility": facility_a.pk})
    assert response.status_code == 302
    page = client.get(reverse("admissions:family_detail", args=[family.pk])).content.decode()
    assert 'data-scope="photos" data-status="withdrawn"' in page
    assert page.count('data-testid="consent-missing"') == 4


def test_recording_a_consent_on_the_page(login, facility_a, family, mother, users_a):
    client = login(users_a["admissions"])
    response = client.post(reverse("documents:consent_add", args=[family.pk]), {
        "adult": mother.pk, "scope": "network_sharing", "status": "given", "decided_on": "2025-09-01",
        "facility": facility_a.pk})
    assert response.status_code == 302
    assert services.consent_holds(family=family, scope="network_sharing", on=date(2025, 9, 2))
