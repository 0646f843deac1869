"""Logs carry identifiers, never names: a realistic day of work leaves no person's name in any log record."""

import logging
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from admissions import services as adm
from assessments import services as assessment_services
from tests import factories

CHILD_FIRST, CHILD_LAST = "Zéphyrine", "Quatrevingt"
MOTHER_FIRST, MOTHER_LAST = "Théodorine", "Vingtetunième"
NAMES = (CHILD_FIRST, CHILD_LAST, MOTHER_FIRST, MOTHER_LAST)
ADMITTED = date(2025, 9, 10)


# Loggers whose level the settings pin on purpose (SQL parameters, template contexts hold names):
# no LOG_LEVEL lowers them, so the test keeps them as configured.
PINNED = tuple(settings.LOGGING.get("loggers", {}))


def _pinned(name: str) -> bool:
    return any(name == pinned or name.startswith(pinned + ".") for pinned in PINNED)


@pytest.fixture
def every_log(caplog):
    """The most verbose logs production can be configured for (LOG_LEVEL=DEBUG): every other logger at DEBUG,
    those that do not propagate to the root included."""
    caplog.set_level(logging.DEBUG)
    detached = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger):
            continue
        if not _pinned(name):
            caplog.set_level(logging.DEBUG, logger=name)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
            detached.append(logger)
    yield caplog
    for logger in detached:
        logger.removeHandler(caplog.handler)


def _everything_in(record: logging.LogRecord) -> str:
    """The record as any handler could write it: message, arguments, traceback and extra attributes."""
    parts = [logging.Formatter().format(record), repr(record.msg), repr(record.args)]
    parts += [repr(value) for key, value in vars(record).items() if key not in {"msg", "args", "message"}]
    return "\n".join(parts)


def _day_of_work(client, facility, clinician, therapist):
    family = factories.family(facility=facility, reference="FAM-LOG-001", by=clinician)
    child = adm.child_add(user=clinician, family=family, first_name=CHILD_FIRST, last_name=CHILD_LAST, sex="F",
                          birth_date=date(2025, 3, 1))
    mother = adm.adult_add(user=clinician, family=family, role="mother", first_name=MOTHER_FIRST,
                           last_name=MOTHER_LAST, birth_date=date(1995, 5, 5))
    stay = factories.stay(facility=facility, child=child, admitted_on=ADMITTED, by=clinician)  # request, admission
    adm.presence_add(user=clinician, stay=stay, adult=mother, start=ADMITTED)
    assessment_services.assessment_record(user=therapist, stay=stay, instrument_code="pirgas",
                                          assessed_on=date(2025, 9, 20), scores={"score": 75}, child=child)
    adm.stay_discharge(user=clinician, stay=stay, discharged_on=date(2025, 10, 1), discharge_kind="planned",
                       residence_after="home_with_parent")

    client.force_login(clinician)
    pages = [
        reverse("admissions:families") + "?q=LOG",
        reverse("admissions:family_detail", args=[family.pk]),
        reverse("admissions:stay_detail", args=[stay.pk]),
        reverse("admissions:request_detail", args=[stay.request_id]),
        reverse("assessments:child_trajectory", args=[child.pk]),
        reverse("record_history", args=["admissions", "child", child.pk]),
        reverse("admissions:child_edit", args=[child.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admissions:family_detail", args=[999_999])).status_code == 404
    # A form error: the names come back in the form, never in the logs.
    refused = client.post(reverse("admissions:child_add", args=[family.pk]), {
        "first_name": CHILD_FIRST, "last_name": CHILD_LAST, "sex": "F", "birth_date": "2999-01-01"})
    assert refused.status_code == 400
    client.force_login(therapist)
    assert client.post(reverse("admissions:child_edit", args=[child.pk]), {
        "first_name": CHILD_FIRST, "last_name": CHILD_LAST}).status_code in (403, 404)


@pytest.mark.django_db
def test_no_name_reaches_any_log_record(client, every_log, facility_a, users_a):
    _day_of_work(client, facility_a, users_a["admissions"], users_a["therapist"])
    records = every_log.records
    assert any(r.name == "django.request" for r in records), "the 404 and the 400 are logged (ids only)"
    leaks = [(r.name, r.levelname, r.getMessage()[:200]) for r in records
             if any(name in _everything_in(r) for name in NAMES)]
    assert leaks == []


@pytest.mark.parametrize("name", ["django.db.backends", "django.template"])
def test_loggers_that_would_print_names_stay_above_debug(name):
    # SQL parameters and template contexts (missing-variable messages) hold names, whatever LOG_LEVEL says.
    level = settings.LOGGING["loggers"][name]["level"]
    assert logging.getLevelName(level) >= logging.INFO
