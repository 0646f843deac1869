"""Home-support profiles still on the old default (pregnancy >= 28 weeks) take the DOMAIN.md one: any pregnancy.

Only a criterion that is exactly the old default changes (rule, parameters and both labels): a profile a
facility edited is its own choice and stays as it is. Each change is a new version with its history row.
"""

from django.db import migrations
from django.utils import timezone

OLD = {
    "params": {"min_pregnancy_weeks": 28, "max_months": 36},
    "label_fr": "Grossesse d'au moins 28 semaines ou enfant de moins de 36 mois",
    "label_en": "Pregnancy of at least 28 weeks or child under 36 months",
}
# Written out, not imported: a migration keeps the values of its day.
NEW = {
    "params": {"min_pregnancy_weeks": 0, "max_months": 36},
    "label_fr": "Grossesse (à tout terme) ou enfant de moins de 36 mois",
    "label_en": "Pregnancy (at any term) or child under 36 months",
}
REASON = "Profil par défaut de l'aide à domicile corrigé (DOMAIN.md) : toute grossesse ou enfant de moins de 36 mois"
HISTORY_FIELDS = ("id", "version", "created_at", "updated_at", "code", "role", "rule", "params", "label_fr", "label_en",
                  "position", "active", "facility_id")


def home_support_any_pregnancy(apps, schema_editor):
    criterion_model = apps.get_model("unit", "EligibilityCriterion")
    history_model = apps.get_model("unit", "HistoricalEligibilityCriterion")
    now = timezone.now()
    candidates = criterion_model.objects.filter(facility__kind="home_support", code="pregnancy_or_child",
                                                rule="pregnancy_or_child")
    for criterion in candidates:
        if any(getattr(criterion, name) != value for name, value in OLD.items()):
            continue
        for name, value in NEW.items():
            setattr(criterion, name, value)
        criterion.version += 1
        criterion.updated_at = now
        # An update, not save(): no signal may write a second history row; this one says why.
        criterion_model.objects.filter(pk=criterion.pk).update(
            params=criterion.params, label_fr=criterion.label_fr, label_en=criterion.label_en,
            version=criterion.version, updated_at=now)
        history_model.objects.create(
            **{name: getattr(criterion, name) for name in HISTORY_FIELDS},
            history_date=now, history_type="~", history_change_reason=REASON, history_user=None)


class Migration(migrations.Migration):
    dependencies = [("unit", "0002_auditentry")]

    operations = [migrations.RunPython(home_support_any_pregnancy, migrations.RunPython.noop)]
