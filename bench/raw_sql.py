"""The floor of the dashboard benchmark: the SQL a hand-written report would run for the same figures.

Plain psycopg, no ORM, no Python counting: one aggregate query per figure of DOMAIN.md's report for
one facility and one period (the JSON's keys), each returning the finished counts.
"""

from __future__ import annotations

from datetime import date

import psycopg

from unit.ages import POST_TERM_FROM_WEEKS, PRETERM_BEFORE_WEEKS

ACTIVE = """s.facility_id = %(f)s AND NOT s.entered_in_error
    AND s.admitted_on <= %(end)s AND (s.discharged_on IS NULL OR s.discharged_on >= %(start)s)"""
DISCHARGED = """s.facility_id = %(f)s AND NOT s.entered_in_error AND s.discharged_on BETWEEN %(start)s AND %(end)s"""
STARTED = """s.facility_id = %(f)s AND NOT s.entered_in_error AND s.admitted_on BETWEEN %(start)s AND %(end)s"""
MONTHS = ("(date_part('year', age(s.admitted_on, c.birth_date)) * 12"
          " + date_part('month', age(s.admitted_on, c.birth_date)))")

QUERIES: dict[str, str] = {
    "age_band_by_sex": f"""
        SELECT c.sex, CASE WHEN {MONTHS} < 6 THEN '0-5m' WHEN {MONTHS} < 12 THEN '6-11m'
                           WHEN {MONTHS} < 24 THEN '12-23m' WHEN {MONTHS} < 36 THEN '24-35m' ELSE '36m+' END,
               count(*)
        FROM admissions_stay s JOIN admissions_child c ON c.id = s.child_id WHERE {ACTIVE} GROUP BY 1, 2""",
    "admission_mode": f"""
        WITH a AS (SELECT s.id, s.admitted_on, LEAST(COALESCE(s.discharged_on, %(end)s), %(end)s) AS until
                   FROM admissions_stay s WHERE {ACTIVE}),
             p AS (SELECT a.id, ad.role,
                          bool_or(pp.start <= a.admitted_on AND (pp."end" IS NULL OR pp."end" >= a.until)) AS whole
                   FROM a JOIN admissions_presenceperiod pp ON pp.stay_id = a.id AND NOT pp.entered_in_error
                   JOIN admissions_adult ad ON ad.id = pp.adult_id
                   WHERE ad.role IN ('mother', 'father') GROUP BY 1, 2)
        SELECT CASE WHEN m.id IS NOT NULL AND f.id IS NOT NULL
                    THEN CASE WHEN m.whole AND f.whole THEN 'both_whole_stay' ELSE 'both_partial' END
                    WHEN m.id IS NOT NULL THEN 'mother_only' WHEN f.id IS NOT NULL THEN 'father_only'
                    ELSE 'none' END, count(*)
        FROM a LEFT JOIN p m ON m.id = a.id AND m.role = 'mother' LEFT JOIN p f ON f.id = a.id AND f.role = 'father'
        GROUP BY 1""",
    "residence_before": f"SELECT s.residence_before, count(*) FROM admissions_stay s WHERE {ACTIVE} GROUP BY 1",
    "mandate": f"SELECT s.mandate, count(*) FROM admissions_stay s WHERE {ACTIVE} GROUP BY 1",
    "referrer_category": f"""
        SELECT r.referrer_category, count(*) FROM admissions_stay s
        LEFT JOIN admissions_admissionrequest r ON r.id = s.request_id WHERE {ACTIVE} GROUP BY 1""",
    "region": f"""
        SELECT (SELECT a.region FROM admissions_adult a
                WHERE a.family_id = c.family_id AND NOT a.entered_in_error AND a.region <> ''
                ORDER BY CASE a.role WHEN 'mother' THEN 0 WHEN 'father' THEN 1 ELSE 2 END, a.id LIMIT 1), count(*)
        FROM admissions_stay s JOIN admissions_child c ON c.id = s.child_id WHERE {ACTIVE} GROUP BY 1""",
    "residence_after": f"SELECT s.residence_after, count(*) FROM admissions_stay s WHERE {DISCHARGED} GROUP BY 1",
    "discharge_kind": f"SELECT s.discharge_kind, count(*) FROM admissions_stay s WHERE {DISCHARGED} GROUP BY 1",
    "diagnosis_entry_exit": f"""
        SELECT e.code, x.code, count(*) FROM admissions_stay s
        LEFT JOIN admissions_diagnosis e ON e.stay_id = s.id AND e.child_id IS NOT NULL AND e."primary"
             AND e.timepoint = 'entry' AND NOT e.entered_in_error
        LEFT JOIN admissions_diagnosis x ON x.stay_id = s.id AND x.child_id IS NOT NULL AND x."primary"
             AND x.timepoint = 'exit' AND NOT x.entered_in_error
        WHERE {DISCHARGED} GROUP BY 1, 2""",
    "parent_diagnoses": f"""
        SELECT d.code, count(DISTINCT d.adult_id) FROM admissions_stay s
        JOIN admissions_diagnosis d ON d.stay_id = s.id AND d.adult_id IS NOT NULL AND NOT d.entered_in_error
        WHERE {ACTIVE} AND EXISTS (SELECT 1 FROM admissions_presenceperiod pp WHERE pp.stay_id = s.id
                                   AND pp.adult_id = d.adult_id AND NOT pp.entered_in_error)
        GROUP BY 1""",
    "length_of_stay_days": f"""
        SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY d), round(avg(d), 1), min(d), max(d)
        FROM (SELECT LEAST(COALESCE(s.discharged_on, %(end)s), %(end)s) - s.admitted_on AS d
              FROM admissions_stay s WHERE {ACTIVE}) x""",
    "occupancy_rate": f"""
        SELECT round(COALESCE(sum(GREATEST(0,
                   LEAST(COALESCE(CASE WHEN s.discharged_on = s.admitted_on THEN s.admitted_on + 1
                                       ELSE s.discharged_on END, %(end)s + 1), %(end)s + 1)
                   - GREATEST(s.admitted_on, %(start)s))), 0)::numeric / (%(places)s * %(days)s), 4)
        FROM admissions_stay s WHERE {ACTIVE}""",
    "requests": """
        SELECT COALESCE(NULLIF(decision, ''), 'pending'), count(*) FROM admissions_admissionrequest
        WHERE facility_id = %(f)s AND NOT entered_in_error AND received_on BETWEEN %(start)s AND %(end)s GROUP BY 1""",
    "refusal_reason": """
        SELECT refusal_reason, count(*) FROM admissions_admissionrequest
        WHERE facility_id = %(f)s AND NOT entered_in_error AND received_on BETWEEN %(start)s AND %(end)s
          AND decision = 'refused' GROUP BY 1""",
    "families": f"""
        WITH a AS (SELECT c.family_id, s.discharged_on FROM admissions_stay s
                   JOIN admissions_child c ON c.id = s.child_id WHERE {ACTIVE}),
             first AS (SELECT r.family_id, min(r.received_on) AS first_on FROM admissions_admissionrequest r
                       WHERE r.facility_id = %(f)s AND NOT r.entered_in_error
                         AND r.family_id IN (SELECT family_id FROM a) GROUP BY 1)
        SELECT (SELECT count(DISTINCT family_id) FROM a),
               (SELECT count(*) FROM first WHERE first_on BETWEEN %(start)s AND %(end)s),
               (SELECT count(DISTINCT family_id) FROM a WHERE discharged_on BETWEEN %(start)s AND %(end)s
                  AND family_id NOT IN (SELECT family_id FROM a WHERE discharged_on IS NULL
                                        OR discharged_on > %(end)s))""",
    "parent_age_band": f"""
        WITH st AS (SELECT c.family_id, min(s.admitted_on) AS on_ FROM admissions_stay s
                    JOIN admissions_child c ON c.id = s.child_id WHERE {STARTED} GROUP BY 1),
             y AS (SELECT a.role, date_part('year', age(st.on_, a.birth_date)) AS years FROM st
                   JOIN admissions_adult a ON a.family_id = st.family_id AND NOT a.entered_in_error
                   WHERE a.role IN ('mother', 'father'))
        SELECT role, CASE WHEN years IS NULL THEN 'unknown' WHEN years < 18 THEN '<18' WHEN years < 26 THEN '18-25'
                          WHEN years < 31 THEN '26-30' WHEN years < 36 THEN '31-35' WHEN years < 41 THEN '36-40'
                          WHEN years < 46 THEN '41-45' ELSE '>45' END, count(*)
        FROM y GROUP BY 1, 2""",
    "nationalities": f"""
        WITH st AS (SELECT DISTINCT c.family_id FROM admissions_stay s
                    JOIN admissions_child c ON c.id = s.child_id WHERE {STARTED})
        SELECT a.role, a.nationality, count(*) FROM st
        JOIN admissions_adult a ON a.family_id = st.family_id AND NOT a.entered_in_error
        WHERE a.role IN ('mother', 'father') AND a.nationality <> '' GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2""",
    "gestational_category": f"""
        SELECT CASE WHEN c.gestational_weeks IS NULL THEN 'unknown'
                    WHEN c.gestational_weeks < {PRETERM_BEFORE_WEEKS} THEN 'preterm'
                    WHEN c.gestational_weeks < {POST_TERM_FROM_WEEKS} THEN 'term' ELSE 'post_term' END,
               count(DISTINCT c.id)
        FROM admissions_stay s JOIN admissions_child c ON c.id = s.child_id WHERE {STARTED} GROUP BY 1""",
    "interventions": """
        SELECT i.kind, count(*) FROM admissions_intervention i LEFT JOIN admissions_stay s ON s.id = i.stay_id
        WHERE i.facility_id = %(f)s AND NOT i.entered_in_error AND i.done_on BETWEEN %(start)s AND %(end)s
          AND (s.id IS NULL OR NOT s.entered_in_error) GROUP BY 1""",
    "signalements": """
        SELECT count(*) FROM admissions_signalement g LEFT JOIN admissions_stay s ON s.id = g.stay_id
        WHERE g.facility_id = %(f)s AND NOT g.entered_in_error AND g.made_on BETWEEN %(start)s AND %(end)s
          AND (s.id IS NULL OR NOT s.entered_in_error)""",
    "synthesis_meetings": """
        SELECT count(*) FROM admissions_synthesismeeting m JOIN admissions_stay s ON s.id = m.stay_id
        WHERE s.facility_id = %(f)s AND NOT s.entered_in_error AND NOT m.entered_in_error
          AND m.held_on BETWEEN %(start)s AND %(end)s""",
    "bayley_change": f"""
        WITH b AS (SELECT a.stay_id, a.scores,
                          row_number() OVER (PARTITION BY a.stay_id ORDER BY a.assessed_on, a.id) AS first_rank,
                          row_number() OVER (PARTITION BY a.stay_id ORDER BY a.assessed_on DESC, a.id DESC)
                              AS last_rank,
                          count(*) OVER (PARTITION BY a.stay_id) AS n
                   FROM assessments_assessment a JOIN admissions_stay s ON s.id = a.stay_id
                   WHERE {DISCHARGED} AND NOT a.entered_in_error AND a.instrument IN ('bayley3', 'bayley4'))
        SELECT k, count(*), round(avg((e.scores ->> k)::numeric), 1), round(avg((x.scores ->> k)::numeric), 1),
               round(avg((x.scores ->> k)::numeric - (e.scores ->> k)::numeric), 1)
        FROM b e JOIN b x ON x.stay_id = e.stay_id AND e.first_rank = 1 AND x.last_rank = 1 AND e.n > 1
        CROSS JOIN unnest(ARRAY['cog', 'lang', 'motor', 'se', 'ab']) AS k
        WHERE e.scores ? k AND x.scores ? k GROUP BY k""",
}


def report(conn: psycopg.Connection, *, facility_id: int, places: int, start: date, end: date) -> dict[str, list]:
    """Run every query once; figure name -> rows."""
    params = {"f": facility_id, "start": start, "end": end, "places": places, "days": (end - start).days + 1}
    results = {}
    with conn.cursor() as cursor:
        for name, sql in QUERIES.items():
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
    return results


def comparable(results: dict[str, list]) -> dict:
    """The figures of `results` in the JSON's shape, for the keys where both must agree exactly."""
    def counts(name: str) -> dict:
        return {key: n for key, n in results[name] if key}

    by_sex: dict[str, int] = {}
    for sex, _band, n in results["age_band_by_sex"]:
        by_sex[sex] = by_sex.get(sex, 0) + n
    requests = dict(results["requests"])
    n, _median, _mean, low, high = results["length_of_stay_days"][0]
    followed, new, _closed = results["families"][0]
    return {
        "stays_active": sum(by_sex.values()),
        "children_by_sex": {sex: by_sex.get(sex, 0) for sex in ("F", "M")},
        "residence_before": counts("residence_before"),
        "mandate": counts("mandate"),
        "residence_after": counts("residence_after"),
        "discharge_kind": counts("discharge_kind"),
        "requests": {"received": sum(requests.values()), **{k: requests.get(k, 0) for k in
                                                            ("accepted", "waiting_list", "refused", "pending")}},
        "refusal_reason": counts("refusal_reason"),
        "interventions": counts("interventions"),
        "signalements": results["signalements"][0][0],
        "synthesis_meetings": results["synthesis_meetings"][0][0],
        "length_of_stay_days": {"n": n, "min": low, "max": high},
        "occupancy_rate": float(results["occupancy_rate"][0][0]),
        "families": {"followed": followed, "new": new},
    }


def differences(engine_json: dict, results: dict[str, list]) -> list[str]:
    """Keys where the hand-written SQL and the report engine disagree (both must give the same figures)."""
    expected = comparable(results)
    found = []
    for key, value in expected.items():
        actual = engine_json.get(key)
        if isinstance(value, dict) and isinstance(actual, dict):
            shaped = key in ("children_by_sex", "requests", "length_of_stay_days", "families")
            actual = {k: actual.get(k) for k in value} if shaped else {k: v for k, v in actual.items() if v}
        if actual != value:
            found.append(f"{key}: engine {actual!r} / SQL {value!r}")
    return found
