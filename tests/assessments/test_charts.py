"""The trajectory chart says which age each point is plotted at (corrected, then chronological)."""

from assessments import instruments
from assessments.charts import Point, trajectory_figure

BAYLEY = instruments.get("bayley3")
CODE = BAYLEY.trajectory[0]


def _figure(points, lang="fr"):
    return trajectory_figure(BAYLEY, points, lang=lang)


def test_points_say_whether_their_age_is_corrected():
    points = [Point(age_days=600, corrected=True, values={CODE: 85}),
              Point(age_days=800, corrected=False, values={CODE: 92})]
    figure = _figure(points)
    trace = figure["data"][0]
    assert list(trace["customdata"]) == ["âge corrigé", "âge chronologique"]
    assert list(trace["y"]) == [85, 92]
    assert figure["layout"]["xaxis"]["title"]["text"] == (
        "Âge (mois) : corrigé, puis chronologique à la fin de la correction")
    assert _figure(points, "en")["layout"]["xaxis"]["title"]["text"].startswith("Age (months): corrected, then")


def test_the_axis_names_the_one_age_all_points_use():
    corrected = [Point(age_days=300, corrected=True, values={CODE: 100})]
    plain = [Point(age_days=300, corrected=False, values={CODE: 100})]
    assert _figure(corrected)["layout"]["xaxis"]["title"]["text"] == "Âge corrigé (mois)"
    assert _figure(plain)["layout"]["xaxis"]["title"]["text"] == "Âge (mois)"
    assert _figure(plain, "en")["layout"]["xaxis"]["title"]["text"] == "Age (months)"
