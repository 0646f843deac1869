"""The data migration that gives existing home-support profiles the DOMAIN.md default (any pregnancy)."""

import importlib

import pytest
from django.apps import apps

from tests import factories
from unit.eligibility_defaults import DEFAULT_PROFILES
from unit.history import record_save
from unit.models import EligibilityCriterion

migration = importlib.import_module("unit.migrations.0003_home_support_any_pregnancy")

OLD = {"params": {"min_pregnancy_weeks": 28, "max_months": 36},
       "label_fr": "Grossesse d'au moins 28 semaines ou enfant de moins de 36 mois",
       "label_en": "Pregnancy of at least 28 weeks or child under 36 months"}
NEW = next(c for c in DEFAULT_PROFILES["home_support"] if c["code"] == "pregnancy_or_child")


def _criterion(facility, **fields):
    """The facility's pregnancy criterion, saved (with a history version) as `fields` say."""
    criterion = facility.criteria.get(code="pregnancy_or_child")
    for name, value in fields.items():
        setattr(criterion, name, value)
    return record_save(criterion, user=None, reason="Profil d'avant la correction")


@pytest.mark.django_db
def test_only_home_support_profiles_still_on_the_old_default_change_with_a_version_and_a_reason():
    on_old_default = _criterion(factories.facility(kind="home_support"), **OLD)
    edited = _criterion(factories.facility(kind="home_support"), **{**OLD, "params": {
        "min_pregnancy_weeks": 20, "max_months": 36}})
    maternal = factories.facility(kind="maternal_centre").criteria.get(code="pregnancy_or_child")
    untouched = {c.pk: (c.version, c.params, c.label_fr) for c in (edited, maternal)}
    versions = on_old_default.version

    migration.home_support_any_pregnancy(apps, None)

    on_old_default.refresh_from_db()
    assert on_old_default.params == NEW["params"] == {"min_pregnancy_weeks": 0, "max_months": 36}
    assert (on_old_default.label_fr, on_old_default.label_en) == (NEW["label_fr"], NEW["label_en"])
    assert on_old_default.version == versions + 1
    latest = on_old_default.history.latest()
    assert latest.version == on_old_default.version and latest.params == NEW["params"]
    assert latest.history_type == "~" and "DOMAIN.md" in latest.history_change_reason
    for criterion in EligibilityCriterion.objects.filter(pk__in=untouched):
        assert (criterion.version, criterion.params, criterion.label_fr) == untouched[criterion.pk]
    # Run twice, it changes nothing more.
    migration.home_support_any_pregnancy(apps, None)
    on_old_default.refresh_from_db()
    assert on_old_default.version == versions + 1
