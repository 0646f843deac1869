"""A funder profile that named the Bayley sheet now names the outcomes sheet that replaced it (same windows)."""

from django.db import migrations


def forward(apps, schema_editor):
    FunderProfile = apps.get_model("dashboards", "FunderProfile")
    for profile in FunderProfile.objects.all():
        if isinstance(profile.sheets, list) and "bayley_change" in profile.sheets:
            profile.sheets = [("outcome_measures" if name == "bayley_change" else name) for name in profile.sheets]
            profile.save(update_fields=["sheets"])


def backward(apps, schema_editor):
    FunderProfile = apps.get_model("dashboards", "FunderProfile")
    for profile in FunderProfile.objects.all():
        if isinstance(profile.sheets, list) and "outcome_measures" in profile.sheets:
            profile.sheets = [("bayley_change" if name == "outcome_measures" else name) for name in profile.sheets]
            profile.save(update_fields=["sheets"])


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
