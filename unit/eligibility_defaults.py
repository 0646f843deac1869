"""Default eligibility profile of each facility kind (DOMAIN.md, Facility kinds); editable per facility.

Every criterion is worded as a condition the request must satisfy, exclusions included
("no parental addiction"), so that `met` always means "does not stand in the way".
Age rules are computed from dates, never answered by hand.
"""

from typing import Any

Criterion = dict[str, Any]


def _child_age(max_months: int, inclusive: bool) -> Criterion:
    bound = f"≤ {max_months}" if inclusive else f"< {max_months}"
    return {
        "code": "child_age",
        "role": "inclusion",
        "rule": "child_age_months",
        "params": {"min_months": 0, "max_months": max_months, "max_inclusive": inclusive},
        "label_fr": f"Enfant âgé de {bound} mois à l'admission",
        "label_en": f"Child aged {bound} months at admission",
    }


def _pregnancy_or_child(min_weeks: int) -> Criterion:
    """A pregnancy of at least `min_weeks` (0: any pregnancy) or every child under 36 months."""
    if min_weeks:
        fr, en = f"Grossesse d'au moins {min_weeks} semaines", f"Pregnancy of at least {min_weeks} weeks"
    else:
        fr, en = "Grossesse (à tout terme)", "Pregnancy (at any term)"
    return {
        "code": "pregnancy_or_child",
        "role": "inclusion",
        "rule": "pregnancy_or_child",
        "params": {"min_pregnancy_weeks": min_weeks, "max_months": 36},
        "label_fr": f"{fr} ou enfant de moins de 36 mois",
        "label_en": f"{en} or child under 36 months",
    }


# Maternal and parental centres take a pregnant woman "from the 7th month" (DOMAIN.md): 28 weeks.
FROM_7TH_MONTH_WEEKS = 28


def _age_years(max_years: int) -> Criterion:
    return {
        "code": "age_years",
        "role": "inclusion",
        "rule": "age_years",
        "params": {"max_years": max_years},
        "label_fr": f"Âge inférieur à {max_years} ans",
        "label_en": f"Aged under {max_years} years",
    }


def _manual(code: str, role: str, fr: str, en: str) -> Criterion:
    return {"code": code, "role": role, "rule": "manual", "params": {}, "label_fr": fr, "label_en": en}


DEFAULT_PROFILES: dict[str, list[Criterion]] = {
    "parent_baby_unit": [
        # "a child aged 0 to 3": 36 completed months is still admitted.
        _child_age(36, inclusive=True),
        _manual("health_insurance", "inclusion", "En ordre de mutuelle", "Health insurance in order"),
        _manual(
            "therapeutic_project", "inclusion",
            "Les parents adhèrent au projet thérapeutique",
            "Parents adhere to the therapeutic project",
        ),
        _manual(
            "no_decompensated_psychiatric_disorder", "exclusion",
            "Pas de trouble psychiatrique parental décompensé",
            "No decompensated parental psychiatric disorder",
        ),
        _manual("no_parental_addiction", "exclusion", "Pas d'assuétude parentale", "No parental addiction"),
        _manual(
            "no_intellectual_limitation", "exclusion",
            "Pas de limitation intellectuelle parentale",
            "No parental intellectual limitation",
        ),
    ],
    "maternal_centre": [_pregnancy_or_child(FROM_7TH_MONTH_WEEKS)],
    "parental_centre": [
        _pregnancy_or_child(FROM_7TH_MONTH_WEEKS),
        _manual("both_parents", "inclusion", "Les deux parents sont accueillis", "Both parents are admitted"),
    ],
    "nursery": [_child_age(36, inclusive=False)],
    "childrens_home": [_age_years(21)],
    "foster_care_service": [_age_years(21)],
    "parental_respite": [_age_years(18)],
    "home_support": [
        # "from pregnancy until the child is 3": any pregnancy, whatever its term.
        _pregnancy_or_child(0),
        _manual(
            "no_active_domestic_violence", "exclusion",
            "Pas de violence conjugale active", "No active domestic violence",
        ),
        _manual(
            "no_equivalent_service", "exclusion",
            "Famille non suivie par un service équivalent",
            "Family not already followed by an equivalent service",
        ),
    ],
    "consultation": [_age_years(21)],
}
