"""The floor of the dashboard benchmark: the SQL a hand-written report would run for the same figures.

Plain psycopg, no ORM, no Python counting: one aggregate query per figure of DOMAIN.md's report for
one facility and one period (the JSON's keys), each returning the finished counts. Like the report
engine, it reads the report on a report date (settled reading 1), and it follows DOMAIN.md's settled
readings on its own, from their text, not from the engine's code:

1. open stays are counted to the period end, or to the report date when the period runs past it
   (lengths of stay; occupancy's child-days and the days of its denominator);
2. a family is new when its first request to this facility was received in the period;
3. ages in completed months: complete on the same day of the month, or on the last day of a shorter month;
4. child-level figures count each child once, at the child's first stay active in the period
   (births: first stay started in the period);
5. admission mode and the share with the father over stays of residential facilities only;
6. a presence period starting after the period end does not exist; an adult is admitted only when
   present at some time inside the period (and then all their periods of the stay that exist count for
   the whole-stay coverage, those ended before the period start too); a diagnosis made after the period
   end does not exist for it either (an undated one counts);
7. an empty share is null;
8. child-days: the discharge day is free, a stay admitted and discharged the same day holds its day;
9. parent diagnoses: each adult once per code; nationalities: top 5, ties broken by code
(reading 10 is the importer's). Records entered in error never count, adults included (docs/reports.md).

Only the rounding of shares and means to the JSON's decimals is done in Python (`comparable`), so that
both sides round the same binary number the same way.
"""

from __future__ import annotations

from datetime import date

import psycopg

from unit.ages import POST_TERM_FROM_WEEKS, PRETERM_BEFORE_WEEKS

ACTIVE = """s.facility_id = %(f)s AND NOT s.entered_in_error
    AND s.admitted_on <= %(end)s AND (s.discharged_on IS NULL OR s.discharged_on >= %(start)s)"""
DISCHARGED = """s.facility_id = %(f)s AND NOT s.entered_in_error AND s.discharged_on BETWEEN %(start)s AND %(end)s"""
STARTED = """s.facility_id = %(f)s AND NOT s.entered_in_error AND s.admitted_on BETWEEN %(start)s AND %(end)s"""
# Reading 1: the last day a report counts an open stay to.
COUNTING_END = "LEAST(%(end)s::date, %(report_date)s::date)"
# Reading 1: discharge date, or -- while the stay is open at the period end -- the counting end.
COUNTED_UNTIL = f"""CASE WHEN s.discharged_on <= %(end)s THEN s.discharged_on
                        ELSE GREATEST(s.admitted_on, {COUNTING_END}) END"""
# Reading 5: every kind of facility but these two is residential.
RESIDENTIAL = "fa.kind NOT IN ('home_support', 'consultation')"
# Reading 6: the presence periods that exist for the period (those starting after its end do not) ...
def presence_exists(pp: str = "pp") -> str:
    return f"NOT {pp}.entered_in_error AND {pp}.start <= %(end)s"


# ... and, of those, the ones that make the adult admitted in it (present at some time inside it).
def present_in_period(pp: str = "pp") -> str:
    return f'{presence_exists(pp)} AND ({pp}."end" IS NULL OR {pp}."end" >= %(start)s)'


PRESENCE_EXISTS, PRESENT_IN_PERIOD = presence_exists(), present_in_period()


def completed_months(born: str, on: str) -> str:
    """Reading 3 in SQL: completed months from `born` to `on` (negative before birth), as an integer."""
    def forward(a: str, b: str) -> str:
        return (f"((date_part('year', {b}) - date_part('year', {a})) * 12"
                f" + date_part('month', {b}) - date_part('month', {a})"
                f" - CASE WHEN date_part('day', {b}) < date_part('day', {a})"
                f" AND {b} <> (date_trunc('month', {b}::timestamp) + interval '1 month - 1 day')::date"
                " THEN 1 ELSE 0 END)")
    return f"(CASE WHEN {on} < {born} THEN -{forward(on, born)} ELSE {forward(born, on)} END)::int"


def completed_years(born: str, on: str) -> str:
    return f"floor({completed_months(born, on)} / 12.0)::int"


MONTHS = completed_months("c.birth_date", "s.admitted_on")
AGE_BAND = ("CASE WHEN {m} < 6 THEN '0-5m' WHEN {m} < 12 THEN '6-11m' WHEN {m} < 24 THEN '12-23m'"
            " WHEN {m} < 36 THEN '24-35m' ELSE '36m+' END")

# DOMAIN.md "Outcomes", from its text: every value of an outcome instrument in a discharged stay (an EPDS
# only of an adult admitted in the stay: a presence period in it), the first of the entry window
# [admission, admission + 42] and the last of the exit window [discharge − 42, discharge + 14], paired
# when at least 28 days apart; with each stay's breakdown keys.
PAIRS = f"""st AS (SELECT s.id, s.admitted_on, s.discharged_on,
                   CASE WHEN EXISTS (SELECT 1 FROM admissions_presenceperiod pp
                                     JOIN admissions_adult ad ON ad.id = pp.adult_id AND NOT ad.entered_in_error
                                     WHERE pp.stay_id = s.id AND NOT pp.entered_in_error AND ad.role = 'father')
                        THEN 'with_father' ELSE 'without_father' END AS with_father,
                   {AGE_BAND.format(m=MONTHS)} AS band,
                   CASE WHEN s.discharged_on - s.admitted_on <= 91 THEN 'le_91'
                        WHEN s.discharged_on - s.admitted_on <= 182 THEN '92_182' ELSE 'gt_182' END AS length_group,
                   CASE WHEN s.mandate IN ('', 'none') THEN 'voluntary' ELSE 'judicial' END AS mandate_group
            FROM admissions_stay s JOIN admissions_child c ON c.id = s.child_id WHERE {DISCHARGED}),
     a AS (SELECT a.* FROM assessments_assessment a JOIN st ON st.id = a.stay_id WHERE NOT a.entered_in_error),
     v AS (SELECT a.stay_id, 'bayley_' || k AS measure, 0 AS subject, a.id, a.assessed_on,
                  (a.scores ->> k)::numeric AS value
           FROM a CROSS JOIN unnest(ARRAY['cog', 'lang', 'motor', 'se', 'ab']) AS k
           WHERE a.instrument IN ('bayley3', 'bayley4') AND a.scores ->> k IS NOT NULL
           UNION ALL
           SELECT a.stay_id, 'pirgas', 0, a.id, a.assessed_on, (a.scores ->> 'score')::numeric
           FROM a WHERE a.instrument = 'pirgas' AND a.scores ->> 'score' IS NOT NULL
           UNION ALL
           SELECT a.stay_id, 'adbb', 0, a.id, a.assessed_on, (a.derived ->> 'total')::numeric
           FROM a WHERE a.instrument = 'adbb' AND a.derived ->> 'total' IS NOT NULL
           UNION ALL
           SELECT a.stay_id, 'epds_' || ad.role, ad.id, a.id, a.assessed_on, (a.derived ->> 'total')::numeric
           FROM a JOIN admissions_adult ad ON ad.id = a.adult_id AND NOT ad.entered_in_error
           WHERE a.instrument = 'epds' AND ad.role IN ('mother', 'father') AND a.derived ->> 'total' IS NOT NULL
             AND EXISTS (SELECT 1 FROM admissions_presenceperiod pp WHERE pp.stay_id = a.stay_id
                         AND pp.adult_id = ad.id AND NOT pp.entered_in_error)),
     w AS (SELECT v.*,
                  row_number() OVER (PARTITION BY v.stay_id, v.measure, v.subject,
                                     v.assessed_on BETWEEN st.admitted_on AND st.admitted_on + 42
                                     ORDER BY v.assessed_on, v.id) AS first_rank,
                  v.assessed_on BETWEEN st.admitted_on AND st.admitted_on + 42 AS in_entry,
                  row_number() OVER (PARTITION BY v.stay_id, v.measure, v.subject,
                                     v.assessed_on BETWEEN st.discharged_on - 42 AND st.discharged_on + 14
                                     ORDER BY v.assessed_on DESC, v.id DESC) AS last_rank,
                  v.assessed_on BETWEEN st.discharged_on - 42 AND st.discharged_on + 14 AS in_exit
           FROM v JOIN st ON st.id = v.stay_id),
     pairs AS (SELECT e.stay_id, e.measure, e.value AS e, x.value AS x
               FROM w e JOIN w x ON x.stay_id = e.stay_id AND x.measure = e.measure AND x.subject = e.subject
               WHERE e.in_entry AND e.first_rank = 1 AND x.in_exit AND x.last_rank = 1
                 AND x.assessed_on - e.assessed_on >= 28)"""
# Bands by rank (DOMAIN.md: "the instrument's descriptive bands"; Bayley-III and Bayley-4 share their cut
# points 70, 80, 90, 110, 120, 130; PIR-GAS bands start at 41, 51, 61, 71, 81, 91).
BAYLEY_RANK = "((v >= 70)::int + (v >= 80)::int + (v >= 90)::int + (v >= 110)::int + (v >= 120)::int + (v >= 130)::int)"
PIRGAS_RANK = "((v >= 41)::int + (v >= 51)::int + (v >= 61)::int + (v >= 71)::int + (v >= 81)::int + (v >= 91)::int)"


def _better(measure_sql: str = "measure") -> str:
    """+1 improved, 0 unchanged, −1 worse, per pair."""
    def rank(template: str, value: str) -> str:
        return template.replace("v >=", f"{value} >=")
    return (f"CASE WHEN {measure_sql} LIKE 'bayley_%%' THEN sign({rank(BAYLEY_RANK, 'x')} - {rank(BAYLEY_RANK, 'e')})"
            f" WHEN {measure_sql} = 'pirgas' THEN sign({rank(PIRGAS_RANK, 'x')} - {rank(PIRGAS_RANK, 'e')})"
            f" WHEN {measure_sql} = 'adbb' THEN CASE WHEN e - x >= 2 THEN 1 WHEN x - e >= 2 THEN -1 ELSE 0 END"
            " ELSE CASE WHEN e - x >= 4 THEN 1 WHEN x - e >= 4 THEN -1 ELSE 0 END END")


def _case(value: str) -> str:
    """Is a value in the clinical range? Bayley < 85, PIR-GAS ≤ 70, ADBB ≥ 5, EPDS ≥ 13."""
    return (f"CASE WHEN measure LIKE 'bayley_%%' THEN {value} < 85 WHEN measure = 'pirgas' THEN {value} <= 70"
            f" WHEN measure = 'adbb' THEN {value} >= 5 ELSE {value} >= 13 END")


OUTCOME_AGGREGATES = (
    f"count(*), avg(e)::float8, avg(x)::float8, avg(x - e)::float8, stddev_samp(x - e)::float8, "
    f"count(*) FILTER (WHERE {_case('e')} AND NOT {_case('x')}), "
    f"count(*) FILTER (WHERE NOT {_case('e')} AND {_case('x')}), "
    f"count(*) FILTER (WHERE {_better()} > 0), count(*) FILTER (WHERE {_better()} = 0), "
    f"count(*) FILTER (WHERE {_better()} < 0)")

QUERIES: dict[str, str] = {
    # Reading 4: each child once, at the first of its stays active in the period (by admission, then id).
    "children": f"""
        WITH first AS (SELECT DISTINCT ON (s.child_id) c.sex, {MONTHS} AS months
                       FROM admissions_stay s JOIN admissions_child c ON c.id = s.child_id WHERE {ACTIVE}
                       ORDER BY s.child_id, s.admitted_on, s.id)
        SELECT sex, {AGE_BAND.format(m='months')} AS band, count(*),
               sum(count(*) FILTER (WHERE months < 6)) OVER ()::float8 / sum(count(*)) OVER ()::float8,
               sum(count(*) FILTER (WHERE months < 12)) OVER ()::float8 / sum(count(*)) OVER ()::float8
        FROM first GROUP BY 1, 2""",
    # Readings 1, 5 and 6. Of the adults present inside the period, every period that exists (started by its
    # end). Whole stay: the admission day is covered and every day following the end of a period, up to the
    # counted end of the stay, is covered by another (back-to-back periods join).
    "admission_mode": f"""
        WITH a AS (SELECT s.id, s.admitted_on, {COUNTED_UNTIL} AS until
                   FROM admissions_stay s JOIN unit_facility fa ON fa.id = s.facility_id
                   WHERE {ACTIVE} AND {RESIDENTIAL}),
             p AS (SELECT a.id, ad.id AS adult_id, ad.role, a.admitted_on, a.until, pp.start,
                          COALESCE(pp."end", a.until) AS last
                   FROM a JOIN admissions_presenceperiod pp ON pp.stay_id = a.id
                   JOIN admissions_adult ad ON ad.id = pp.adult_id AND NOT ad.entered_in_error
                   WHERE {PRESENCE_EXISTS} AND ad.role IN ('mother', 'father')
                     AND EXISTS (SELECT 1 FROM admissions_presenceperiod pp2 WHERE pp2.stay_id = pp.stay_id
                                 AND pp2.adult_id = pp.adult_id AND {present_in_period('pp2')})),
             r AS (SELECT x.id, x.role,
                          bool_or(x.start <= x.admitted_on AND x.last >= x.admitted_on)
                          AND NOT bool_or(x.last + 1 > x.admitted_on AND x.last + 1 <= x.until
                                          AND NOT EXISTS (SELECT 1 FROM p y WHERE y.id = x.id AND y.role = x.role
                                                          AND y.start <= x.last + 1 AND y.last >= x.last + 1))
                              AS whole
                   FROM p x GROUP BY 1, 2),
             modes AS (SELECT CASE WHEN m.id IS NOT NULL AND f.id IS NOT NULL
                                   THEN CASE WHEN m.whole AND f.whole THEN 'both_whole_stay' ELSE 'both_partial' END
                                   WHEN m.id IS NOT NULL THEN 'mother_only' WHEN f.id IS NOT NULL THEN 'father_only'
                                   ELSE 'none' END AS mode
                       FROM a LEFT JOIN r m ON m.id = a.id AND m.role = 'mother'
                       LEFT JOIN r f ON f.id = a.id AND f.role = 'father')
        SELECT mode, count(*),
               sum(count(*) FILTER (WHERE mode IN ('father_only', 'both_whole_stay', 'both_partial'))) OVER ()::float8
                   / sum(count(*)) OVER ()::float8
        FROM modes GROUP BY 1""",
    "residence_before": f"SELECT s.residence_before, count(*) FROM admissions_stay s WHERE {ACTIVE} GROUP BY 1",
    "mandate": f"SELECT s.mandate, count(*) FROM admissions_stay s WHERE {ACTIVE} GROUP BY 1",
    "referrer_category": f"""
        SELECT r.referrer_category, count(*) FROM admissions_stay s
        LEFT JOIN admissions_admissionrequest r ON r.id = s.request_id WHERE {ACTIVE} GROUP BY 1""",
    "region": f"""
        SELECT (SELECT a.region FROM admissions_adult a
                WHERE a.family_id = c.family_id AND NOT a.entered_in_error AND a.region <> ''
                  AND a.role IN ('mother', 'father', 'other_guardian')
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
    # Readings 6 and 9: adults present in that stay inside the period, each once per code; a diagnosis made
    # after the period end does not exist for it (one without a date counts).
    "parent_diagnoses": f"""
        SELECT d.code, count(DISTINCT d.adult_id) FROM admissions_stay s
        JOIN admissions_diagnosis d ON d.stay_id = s.id AND d.adult_id IS NOT NULL AND NOT d.entered_in_error
             AND (d.made_on IS NULL OR d.made_on <= %(end)s)
        JOIN admissions_adult ad ON ad.id = d.adult_id AND NOT ad.entered_in_error
        WHERE {ACTIVE} AND EXISTS (SELECT 1 FROM admissions_presenceperiod pp WHERE pp.stay_id = s.id
                                   AND pp.adult_id = d.adult_id AND {PRESENT_IN_PERIOD})
        GROUP BY 1""",
    # Reading 1; its `n` is also the number of active stays.
    "length_of_stay_days": f"""
        SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY d), avg(d)::float8, min(d), max(d)
        FROM (SELECT {COUNTED_UNTIL} - s.admitted_on AS d FROM admissions_stay s WHERE {ACTIVE}) x""",
    # Readings 1, 7 and 8: child-days up to the counting end over places x days up to it; null for a facility
    # that is not residential or has no places, or for a period that starts after the report date.
    "occupancy_rate": f"""
        WITH span AS (SELECT fa.capacity AS places, {COUNTING_END} - %(start)s::date + 1 AS days
                      FROM unit_facility fa WHERE fa.id = %(f)s AND {RESIDENTIAL} AND fa.capacity > 0),
             used AS (SELECT COALESCE(sum(GREATEST(0,
                                 LEAST({COUNTING_END} + 1,
                                       CASE WHEN s.discharged_on IS NULL THEN {COUNTING_END} + 1
                                            ELSE GREATEST(s.discharged_on, s.admitted_on + 1) END)
                                 - GREATEST(s.admitted_on, %(start)s))), 0) AS child_days
                      FROM admissions_stay s WHERE {ACTIVE})
        SELECT used.child_days::float8 / (span.places * span.days) FROM span CROSS JOIN used WHERE span.days > 0""",
    "requests": """
        SELECT COALESCE(NULLIF(decision, ''), 'pending'), count(*) FROM admissions_admissionrequest
        WHERE facility_id = %(f)s AND NOT entered_in_error AND received_on BETWEEN %(start)s AND %(end)s GROUP BY 1""",
    "refusal_reason": """
        SELECT refusal_reason, count(*) FROM admissions_admissionrequest
        WHERE facility_id = %(f)s AND NOT entered_in_error AND received_on BETWEEN %(start)s AND %(end)s
          AND decision = 'refused' GROUP BY 1""",
    # Reading 2: new when the family's first request to this facility was received in the period.
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
             y AS (SELECT a.role, CASE WHEN a.birth_date IS NOT NULL
                                       THEN {completed_years('a.birth_date', 'st.on_')} END AS years FROM st
                   JOIN admissions_adult a ON a.family_id = st.family_id AND NOT a.entered_in_error
                   WHERE a.role IN ('mother', 'father'))
        SELECT role, CASE WHEN years IS NULL THEN 'unknown' WHEN years < 18 THEN '<18' WHEN years < 26 THEN '18-25'
                          WHEN years < 31 THEN '26-30' WHEN years < 36 THEN '31-35' WHEN years < 41 THEN '36-40'
                          WHEN years < 46 THEN '41-45' ELSE '>45' END, count(*)
        FROM y GROUP BY 1, 2""",
    # Reading 9: per role, the number of distinct nationalities and the five most frequent, ties by code.
    "nationalities": f"""
        WITH st AS (SELECT DISTINCT c.family_id FROM admissions_stay s
                    JOIN admissions_child c ON c.id = s.child_id WHERE {STARTED}),
             n AS (SELECT a.role, a.nationality AS code, count(*) AS n FROM st
                   JOIN admissions_adult a ON a.family_id = st.family_id AND NOT a.entered_in_error
                   WHERE a.role IN ('mother', 'father') AND a.nationality <> '' GROUP BY 1, 2),
             ranked AS (SELECT role, code, n, count(*) OVER (PARTITION BY role) AS distinct_n,
                               row_number() OVER (PARTITION BY role ORDER BY n DESC, code COLLATE "C") AS rank
                        FROM n)
        SELECT role, distinct_n, code, n FROM ranked WHERE rank <= 5 ORDER BY role, rank""",
    # Reading 4 (births): each child once; its category is the child's own, whichever of its stays started.
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
    # Contacts without a dossier: one row per (caller, outcome) pair of the period, summed in the shape below.
    "contacts_without_file": """
        SELECT c.caller, c.outcome, count(*) FROM journal_contact c
        WHERE c.facility_id = %(f)s AND NOT c.entered_in_error AND c.contacted_on BETWEEN %(start)s AND %(end)s
        GROUP BY 1, 2""",
    "bayley_change": f"""
        WITH {PAIRS}
        SELECT substr(measure, 8), count(*), avg(e)::float8, avg(x)::float8, avg(x - e)::float8
        FROM pairs WHERE measure LIKE 'bayley_%%' GROUP BY 1""",
    # DOMAIN.md "Outcomes": per measure, then per breakdown group; the t quantile is applied in `comparable`.
    "outcome_measures": f"""
        WITH {PAIRS}
        SELECT measure, {OUTCOME_AGGREGATES} FROM pairs
        WHERE measure NOT IN ('bayley_se', 'bayley_ab') GROUP BY measure""",
    "outcome_breakdowns": f"""
        WITH {PAIRS},
             keyed AS (SELECT pairs.*, st.with_father, st.band, st.length_group, st.mandate_group
                       FROM pairs JOIN st ON st.id = pairs.stay_id WHERE measure NOT IN ('bayley_se', 'bayley_ab'))
        SELECT 'admission_mode', with_father, measure, {OUTCOME_AGGREGATES} FROM keyed GROUP BY 2, 3
        UNION ALL SELECT 'age_band', band, measure, {OUTCOME_AGGREGATES} FROM keyed GROUP BY 2, 3
        UNION ALL SELECT 'length_of_stay', length_group, measure, {OUTCOME_AGGREGATES} FROM keyed GROUP BY 2, 3
        UNION ALL SELECT 'mandate', mandate_group, measure, {OUTCOME_AGGREGATES} FROM keyed GROUP BY 2, 3""",
    # Readmission: eligible when discharged at least 365 days before the report date; readmitted when the
    # child began another stay in a facility of the same organisation within 365 days of the discharge.
    "outcome_disposition": f"""
        SELECT count(*), count(*) FILTER (WHERE s.discharge_kind = 'planned'),
               count(*) FILTER (WHERE s.residence_after = 'home_with_parent'),
               count(*) FILTER (WHERE s.discharge_kind = 'placement'),
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM admissions_signalement g WHERE g.stay_id = s.id AND NOT g.entered_in_error
                     AND g.made_on BETWEEN s.admitted_on AND s.discharged_on)),
               count(*) FILTER (WHERE s.discharged_on <= %(report_date)s::date - 365),
               count(*) FILTER (WHERE s.discharged_on <= %(report_date)s::date - 365 AND EXISTS (
                   SELECT 1 FROM admissions_stay s2 JOIN unit_facility f2 ON f2.id = s2.facility_id
                   WHERE s2.child_id = s.child_id AND s2.id <> s.id AND NOT s2.entered_in_error
                     AND f2.organisation_id = fa.organisation_id
                     AND s2.admitted_on BETWEEN s.discharged_on AND s.discharged_on + 365))
        FROM admissions_stay s JOIN unit_facility fa ON fa.id = s.facility_id WHERE {DISCHARGED}""",
}

AGE_BANDS = ("0-5m", "6-11m", "12-23m", "24-35m", "36m+")
SEXES = ("F", "M")
ADMISSION_MODES = ("mother_only", "father_only", "both_whole_stay", "both_partial", "none")
PARENT_AGE_BANDS = ("<18", "18-25", "26-30", "31-35", "36-40", "41-45", ">45", "unknown")
GESTATIONAL = ("preterm", "term", "post_term", "unknown")
BAYLEY_COMPOSITES = ("cog", "lang", "motor", "se", "ab")
CALLERS = ("parent", "relative", "professional")
CONTACT_OUTCOMES = ("advice", "oriented", "request_opened")
NOT_COMPARED = ("period",)  # not a figure: the engine echoes the request


def report(conn: psycopg.Connection, *, facility_id: int, start: date, end: date,
           report_date: date) -> dict[str, list]:
    """Run every query once, as read on `report_date`; figure name -> rows."""
    params = {"f": facility_id, "start": start, "end": end, "report_date": report_date}
    results = {}
    with conn.cursor() as cursor:
        for name, sql in QUERIES.items():
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
    return results


def _round(value: float | None, digits: int) -> float | None:
    """The JSON's rounding of a share (4 decimals) or a mean (1 decimal)."""
    return None if value is None else round(value, digits)


def comparable(results: dict[str, list]) -> dict:
    """The figures of `results` in the JSON's shape: every key of the report but `period`."""
    def counts(name: str) -> dict:
        return {key: n for key, n in results[name] if key}

    by_sex = dict.fromkeys(SEXES, 0)
    bands = {band: dict.fromkeys(SEXES, 0) for band in AGE_BANDS}
    under_6 = under_12 = None
    for sex, band, n, share_6, share_12 in results["children"]:
        by_sex[sex] = by_sex.get(sex, 0) + n
        bands[band][sex] = bands[band].get(sex, 0) + n
        under_6, under_12 = share_6, share_12
    modes = dict.fromkeys(ADMISSION_MODES, 0)
    with_father = None
    for mode, n, share in results["admission_mode"]:
        modes[mode] = n
        with_father = share
    requests = dict(results["requests"])
    n, median, mean, low, high = results["length_of_stay_days"][0]
    followed, new, closed = results["families"][0]
    parent_bands = {role: dict.fromkeys(PARENT_AGE_BANDS, 0) for role in ("mother", "father")}
    for role, band, count in results["parent_age_band"]:
        parent_bands[role][band] = count
    nationalities = {role: {"distinct": 0, "top": []} for role in ("mother", "father")}
    for role, distinct, code, count in results["nationalities"]:
        nationalities[role]["distinct"] = distinct
        nationalities[role]["top"].append([code, count])
    occupancy = results["occupancy_rate"][0][0] if results["occupancy_rate"] else None
    bayley = {k: {"n": 0, "entry_mean": None, "exit_mean": None, "mean_change": None} for k in BAYLEY_COMPOSITES}
    outcomes = _outcomes(results)
    for k, count, entry, exit_, change in results["bayley_change"]:
        bayley[k] = {"n": count, "entry_mean": _round(entry, 1), "exit_mean": _round(exit_, 1),
                     "mean_change": _round(change, 1)}
    contacts = {"n": 0, "by_caller": dict.fromkeys(CALLERS, 0), "by_outcome": dict.fromkeys(CONTACT_OUTCOMES, 0)}
    for caller, outcome, count in results["contacts_without_file"]:
        contacts["n"] += count
        contacts["by_caller"][caller] += count
        contacts["by_outcome"][outcome] += count
    return {
        "stays_active": n,
        "children_by_sex": by_sex,
        "age_band_by_sex": bands,
        "share_under_6_months": _round(under_6, 4),
        "share_under_1_year": _round(under_12, 4),
        "admission_mode": modes,
        "share_with_father": _round(with_father, 4),
        "residence_before": counts("residence_before"),
        "residence_after": counts("residence_after"),
        "referrer_category": counts("referrer_category"),
        "region": counts("region"),
        "mandate": counts("mandate"),
        "discharge_kind": counts("discharge_kind"),
        "diagnosis_entry_exit": sorted([{"entry": e, "exit": x, "n": count}
                                        for e, x, count in results["diagnosis_entry_exit"]], key=_pair_key),
        "parent_diagnoses": dict(results["parent_diagnoses"]),
        "length_of_stay_days": {"n": n, "median": median, "mean": _round(mean, 1), "min": low, "max": high},
        "occupancy_rate": _round(occupancy, 4),
        "requests": {"received": sum(requests.values()), **{k: requests.get(k, 0) for k in
                                                            ("accepted", "waiting_list", "refused", "pending")}},
        "refusal_reason": counts("refusal_reason"),
        "families": {"followed": followed, "new": new, "continuing": followed - new, "closed": closed},
        "parent_age_band": parent_bands,
        "nationalities": nationalities,
        "gestational_category": {k: dict(results["gestational_category"]).get(k, 0) for k in GESTATIONAL},
        "interventions": counts("interventions"),
        "signalements": results["signalements"][0][0],
        "synthesis_meetings": results["synthesis_meetings"][0][0],
        "bayley_change": bayley,
        "contacts_without_file": contacts,
        "outcomes": outcomes,
    }


OUTCOME_MEASURES = ("bayley_cog", "bayley_lang", "bayley_motor", "pirgas", "adbb", "epds_mother", "epds_father")
BREAKDOWNS = {"admission_mode": ("with_father", "without_father"), "age_band": AGE_BANDS,
              "length_of_stay": ("le_91", "92_182", "gt_182"), "mandate": ("voluntary", "judicial")}


def _figures(row: tuple | None) -> dict:
    """One measure's figures from its aggregate row; the t quantile (scipy) and the rounding in Python."""
    if row is None:
        return {"n": 0, "entry_mean": None, "exit_mean": None, "mean_change": None, "ci95": None,
                "effect_size": None, "recovered": 0, "deteriorated": 0, "improved": 0, "unchanged": 0, "worse": 0}
    n, entry, exit_, change, sd, recovered, deteriorated, improved, unchanged, worse = row
    ci95 = effect = None
    if n >= 2:
        from scipy import stats  # noqa: PLC0415 - the bench's own, independent route to the same quantile

        half = float(stats.t.ppf(0.975, n - 1)) * sd / n ** 0.5
        ci95 = [_round(change - half, 1), _round(change + half, 1)]
        effect = _round(change / sd, 2) if sd and sd > 1e-12 else None
    return {"n": n, "entry_mean": _round(entry, 1), "exit_mean": _round(exit_, 1), "mean_change": _round(change, 1),
            "ci95": ci95, "effect_size": effect, "recovered": recovered, "deteriorated": deteriorated,
            "improved": improved, "unchanged": unchanged, "worse": worse}


def _outcomes(results: dict[str, list]) -> dict:
    measures = {row[0]: row[1:] for row in results["outcome_measures"]}
    groups = {(row[0], row[1], row[2]): row[3:] for row in results["outcome_breakdowns"]}
    d = results["outcome_disposition"][0]
    return {
        "measures": {m: _figures(measures.get(m)) for m in OUTCOME_MEASURES},
        "by": {b: {g: {m: _figures(groups.get((b, g, m))) for m in OUTCOME_MEASURES} for g in values}
               for b, values in BREAKDOWNS.items()},
        "disposition": {"discharged": d[0], "planned": d[1], "home_with_parent": d[2], "placement": d[3],
                        "signalement_during_stay": d[4], "readmission": {"eligible": d[5], "readmitted": d[6]}},
    }


def _pair_key(pair: dict) -> tuple:
    """Diagnosis pairs compared as a set: their order on the page is not a figure."""
    return (-pair["n"], pair["entry"] is None, pair["entry"] or "", pair["exit"] is None, pair["exit"] or "")


def differences(engine_json: dict, results: dict[str, list]) -> list[str]:
    """Keys where the hand-written SQL and the report engine disagree: every key of the JSON but `period`
    (a key the SQL does not compute is a difference too)."""
    expected = comparable(results)
    found = []
    for key in sorted(set(engine_json) - set(expected) - set(NOT_COMPARED)):
        found.append(f"{key}: engine {engine_json[key]!r} / not computed by the hand-written SQL")
    for key, value in expected.items():
        actual = engine_json.get(key)
        if key == "diagnosis_entry_exit" and isinstance(actual, list):
            actual = sorted(actual, key=_pair_key)
        if actual != value:
            found.append(f"{key}: engine {actual!r} / SQL {value!r}")
    return found
