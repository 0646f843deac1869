"""Checks across rows and sheets: references, facilities within reach, dates of stays, subjects."""

from __future__ import annotations

from datetime import date

from admissions.models import Family
from admissions.rules import (
    admission_birth_problem,
    assessment_date_problem,
    decision_date_problem,
    discharge_date_problem,
    presence_day_problem,
    presence_end_problem,
)
from assessments import instruments
from assessments.instruments.base import ADULT, CHILD
from interchange.importer.results import Record
from interchange.importer.schema import COUNTRY_CODE, FACILITY_CODE, KEY_COLUMN, SCORE_CODES
from unit import access
from unit.models import NON_RESIDENTIAL_KINDS, Facility


class Checks:
    """The checks across rows and sheets, before anything is written."""

    def _validate(self) -> None:
        self._index_refs()
        self._check_facilities()
        self._check_children()
        self._check_adults()
        self._check_requests()
        self._check_stays()
        self._check_presence()
        self._check_diagnoses()
        self._check_assessments()
        self._check_interventions()
        self._check_signalements()
        self._check_families()

    def _index_refs(self) -> None:
        for name, key in KEY_COLUMN.items():
            for record in self.records[name]:
                ref = record[key]
                if ref is None:
                    continue
                first = self.refs[name].get(ref)
                if first is not None:
                    self._fail(record, key, f"Référence en double « {ref} » : déjà utilisée ligne {first.row}.")
                    continue
                self.refs[name][ref] = record
        codes = {r["facility_code"] for name in ("facilities", "requests", "stays", "interventions", "signalements")
                 for r in self.records[name] if r["facility_code"]}
        self.db_facilities = {f.code: f for f in Facility.objects.filter(code__in=codes)}
        self.allowed = access.import_facility_ids(self.user) if self.user else None
        # A superuser may create the installation's first facility, before any right can be held anywhere.
        self.can_create_facility = (self.user is None or self.user.is_superuser
                                    or access.has_permission(self.user, access.ADMINISTER))

    def _reachable_facility(self, code: str | None) -> Facility | None:
        """The existing facility of that code where the user may import; one outside their rights is
        answered as a missing one, so that the import tells nothing about it."""
        existing = self.db_facilities.get(code)
        if existing is None or (self.allowed is not None and existing.pk not in self.allowed):
            return None
        return existing

    def _ref(self, record: Record, column: str, target: str) -> Record | None:
        """The row of `target` that `record[column]` points to; an unknown reference is an error."""
        ref = record[column]
        if ref is None:
            return None
        found = self.refs[target].get(ref)
        if found is None and target not in self.broken:
            self._fail(record, column, f"Référence inconnue « {ref} » : absente de la feuille {target} "
                                       f"(colonne {KEY_COLUMN[target]}).")
        return found

    def _facility(self, record: Record) -> None:
        """A facility_code must be in the facilities sheet, or an existing facility the user may import into."""
        code = record["facility_code"]
        if code is None or code in self.refs["facilities"]:
            return
        if self._reachable_facility(code) is None and "facilities" not in self.broken:
            self._fail(record, "facility_code", f"Structure inconnue « {code} » parmi celles où vous pouvez "
                                                "importer : ajoutez-la à la feuille facilities.")

    def _facility_kind(self, code: str | None) -> str | None:
        if code in self.refs["facilities"]:
            return self.refs["facilities"][code]["kind"]
        existing = self.db_facilities.get(code)
        return existing.kind if existing else None

    def _check_facilities(self) -> None:
        for record in self.records["facilities"]:
            code = record["facility_code"]
            if code is None:
                continue
            if not FACILITY_CODE.match(code):
                self._fail(record, "facility_code", f"Code de structure invalide « {code} » : lettres, chiffres, "
                                                    "- et _ seulement.")
                continue
            existing = self.db_facilities.get(code)
            if existing is not None:
                if self._reachable_facility(code) is None:
                    # Codes are unique: one taken outside the user's rights cannot be created again. The
                    # answer names neither the facility nor the user's rights.
                    self._fail(record, "facility_code", f"Code de structure indisponible « {code} » : choisissez-en "
                                                        "un autre.")
                elif (existing.kind, existing.name) != (record["kind"], record["name"]):
                    self._warn("facilities", record.row, "facility_code", f"La structure « {code} » existe déjà : "
                               "elle est reprise telle quelle (nom, type et capacité ne sont pas modifiés).")
                continue
            if not self.can_create_facility:
                self._fail(record, "facility_code", f"Structure « {code} » inexistante : seule une personne qui "
                                                    "administre une structure peut en créer une par import.")
            residential = record["kind"] and record["kind"] not in NON_RESIDENTIAL_KINDS
            if residential and record["capacity"] is None and self._has(record, "capacity"):
                self._fail(record, "capacity", "Capacité obligatoire pour un accueil résidentiel.")

    def _check_children(self) -> None:
        for record in self.records["children"]:
            if record["gestational_days"] is not None and record["gestational_weeks"] is None:
                self._fail(record, "gestational_days", "Des jours sans semaines d'âge gestationnel.")

    def _check_adults(self) -> None:
        for record in self.records["adults"]:
            nationality = record["nationality"]
            if nationality is not None:
                record.values["nationality"] = nationality = nationality.upper()
                if not COUNTRY_CODE.match(nationality):
                    self._fail(record, "nationality", f"Code pays invalide « {nationality} » : deux lettres "
                                                      "ISO 3166 (ex. BE).")

    def _family_children(self, family_ref: str) -> list[Record]:
        return [r for r in self.records["children"] if r["family_ref"] == family_ref]

    def _check_requests(self) -> None:
        stays_by_request: dict[str, list[str]] = {}
        for stay in self.records["stays"]:
            if stay["request_ref"] and stay["child_ref"]:
                stays_by_request.setdefault(stay["request_ref"], []).append(stay["child_ref"])
        self.request_children: dict[str, list[str]] = {}
        with_children = Family.objects.filter(
            reference__in={r["family_ref"] for r in self.records["requests"] if r["family_ref"]},
            children__isnull=False)
        if self.allowed is not None:  # a dossier out of reach is no dossier of this import
            with_children = with_children.filter(access.facility_q(Family, self.allowed))
        existing_children = set(with_children.values_list("reference", flat=True))
        for record in self.records["requests"]:
            self._facility(record)
            ref, family_ref = record["request_ref"], record["family_ref"]
            # The children concerned: those whose stay came from this request, else the family's children.
            children = [c for c in stays_by_request.get(ref, []) if c in self.refs["children"]]
            if not children and family_ref:
                children = [c["child_ref"] for c in self._family_children(family_ref) if c["child_ref"]]
                if not children and family_ref not in existing_children and "children" not in self.broken:
                    self._fail(record, "family_ref", f"Aucun enfant pour le dossier « {family_ref} » : une demande "
                                                     "concerne un enfant de la feuille children.")
            if ref:
                self.request_children[ref] = children
            decision, decided_on = record["decision"], record["decided_on"]
            if decision and decided_on is None and self._has(record, "decided_on"):
                self._fail(record, "decided_on", "Date de décision obligatoire avec une décision.")
            if decided_on and not decision and self._has(record, "decision"):
                self._fail(record, "decision", "Date de décision sans décision.")
            if decided_on and record["received_on"]:
                self._problem(record, "decided_on", decision_date_problem(record["received_on"], decided_on))
            if decision == "refused" and not record["refusal_reason"] and self._has(record, "refusal_reason"):
                self._fail(record, "refusal_reason", "Un refus doit avoir un motif (refusal_reason).")
            if record["refusal_reason"] and decision != "refused":
                self._fail(record, "refusal_reason", "Motif de refus sans décision refused.")

    def _problem(self, record: Record, column: str, problem: str | None) -> None:
        """Report on the cell the problem a pure rule of `admissions.rules` found, as the services word it."""
        if problem:
            self._fail(record, column, problem)

    def _has(self, record: Record, column: str) -> bool:
        """False when the cell was refused already (its own error is enough)."""
        return not any(p.sheet == record.sheet and p.row == record.row and p.column == column
                       for p in self.result.errors)

    def _check_stays(self) -> None:
        for record in self.records["stays"]:
            self._facility(record)
            child = self._ref(record, "child_ref", "children")
            request = self._ref(record, "request_ref", "requests")
            admitted, discharged = record["admitted_on"], record["discharged_on"]
            if child is not None and admitted and child["birth_date"]:
                self._problem(record, "admitted_on", admission_birth_problem(child["birth_date"], admitted))
            if admitted and discharged:
                self._problem(record, "discharged_on", discharge_date_problem(admitted, discharged))
            if discharged:
                for column in ("discharge_kind", "residence_after"):
                    if not record[column] and self._has(record, column):
                        self._fail(record, column, "Obligatoire pour un séjour terminé (avec une date de sortie).")
            else:
                for column in ("discharge_kind", "residence_after"):
                    if record[column]:
                        self._warn("stays", record.row, column, "Ignoré : le séjour n'a pas de date de sortie.")
            if request is not None:
                if request["facility_code"] != record["facility_code"]:
                    self._fail(record, "request_ref", "La demande a été reçue par une autre structure que celle "
                                                      "du séjour.")
                elif child is not None and request["family_ref"] != child["family_ref"]:
                    self._fail(record, "request_ref", "La demande concerne un autre dossier que celui de "
                                                      "l'enfant.")

    def _within_stay(self, record: Record, stay: Record, column: str, day: date | None) -> None:
        """An assessment is passed within its stay (the services' rule)."""
        if day is None or stay["admitted_on"] is None:
            return
        self._problem(record, column, assessment_date_problem(day, stay["admitted_on"], stay["discharged_on"]))

    def _family_of_stay(self, stay: Record) -> str | None:
        child = self.refs["children"].get(stay["child_ref"])
        return child["family_ref"] if child is not None else None

    def _check_presence(self) -> None:
        for record in self.records["presence"]:
            stay = self._ref(record, "stay_ref", "stays")
            adult = self._ref(record, "adult_ref", "adults")
            start, end = record["from"], record["to"]
            if start and end:
                self._problem(record, "to", presence_end_problem(start, end))
            if stay is None:
                continue
            if adult is not None and adult["family_ref"] != self._family_of_stay(stay):
                self._fail(record, "adult_ref", "Cet adulte n'appartient pas à la famille de l'enfant du séjour.")
            if stay["admitted_on"] is not None:
                for column, day in (("from", start), ("to", end)):
                    if day is not None:
                        self._problem(record, column, presence_day_problem(day, stay["admitted_on"],
                                                                           stay["discharged_on"]))

    def _subject(self, record: Record, stay: Record | None, expect: str | None) -> tuple[str, Record] | None:
        """('child' | 'adult', row) of subject_ref, checked against the stay's child and family."""
        ref = record["subject_ref"]
        if ref is None:
            return None
        child, adult = self.refs["children"].get(ref), self.refs["adults"].get(ref)
        if expect == CHILD:
            adult = None
        elif expect == ADULT:
            child = None
        if child is not None and adult is not None:
            self._fail(record, "subject_ref", f"« {ref} » est à la fois un child_ref et un adult_ref : "
                                              "donnez-leur des identifiants distincts.")
            return None
        if child is None and adult is None:
            other = self.refs["children"].get(ref) if expect == ADULT else self.refs["adults"].get(ref)
            if other is not None:
                wanted = "un parent (adult_ref)" if expect == ADULT else "l'enfant (child_ref)"
                self._fail(record, "subject_ref", f"« {ref} » ne convient pas : l'instrument "
                                                  f"{record['instrument']} évalue {wanted}.")
                return None
            where = {CHILD: "de la feuille children (child_ref)", ADULT: "de la feuille adults (adult_ref)"}.get(
                expect, "des feuilles children et adults")
            self._fail(record, "subject_ref", f"Référence inconnue « {ref} » : absente {where}.")
            return None
        if stay is None:
            return None
        if child is not None:
            if child["child_ref"] != stay["child_ref"]:
                self._fail(record, "subject_ref", f"« {ref} » n'est pas l'enfant du séjour {stay['stay_ref']}.")
                return None
            return "child", child
        if adult["family_ref"] != self._family_of_stay(stay):
            self._fail(record, "subject_ref", f"« {ref} » n'appartient pas à la famille de l'enfant du séjour.")
            return None
        return "adult", adult

    def _check_diagnoses(self) -> None:
        primaries: dict[tuple, int] = {}
        for record in self.records["diagnoses"]:
            stay = self._ref(record, "stay_ref", "stays")
            subject = self._subject(record, stay, None)
            if subject is not None and record["primary"] and record["timepoint"]:
                key = (record["stay_ref"], record["subject_ref"], record["timepoint"])
                if key in primaries:
                    self._fail(record, "primary", f"Deux diagnostics principaux pour le même sujet et le même "
                                                  f"moment (voir la ligne {primaries[key]}).")
                else:
                    primaries[key] = record.row

    def _check_assessments(self) -> None:
        rows = self.records["assessments"]
        if rows and self.user is None:
            self._fail(rows[0], "", "Les évaluations demandent un évaluateur : lancez l'import avec --user.")
        for record in rows:
            stay = self._ref(record, "stay_ref", "stays")
            code = record["instrument"]
            instrument = instruments.get(code) if code else None
            self._subject(record, stay, instrument.subject if instrument else None)
            if stay is not None:
                self._within_stay(record, stay, "assessed_on", record["assessed_on"])
            if instrument is None:
                continue
            scores = {c: v for c, v in record.values.items() if c in SCORE_CODES and v is not None}
            for score_code, message in instrument.validate(scores).items():
                self._fail(record, score_code, message + f" ({instrument.name})")

    def _check_family_link(self, record: Record) -> None:
        stay = self._ref(record, "stay_ref", "stays") if "stay_ref" in record.values else None
        if stay is None:
            return
        if stay["facility_code"] != record["facility_code"]:
            self._fail(record, "stay_ref", "Le séjour est dans une autre structure.")
        elif self._family_of_stay(stay) not in (None, record["family_ref"]):
            self._fail(record, "stay_ref", "Le séjour concerne un autre dossier famille.")

    def _check_interventions(self) -> None:
        for record in self.records["interventions"]:
            self._facility(record)
            self._check_family_link(record)

    def _check_signalements(self) -> None:
        for record in self.records["signalements"]:
            self._facility(record)

    def _check_families(self) -> None:
        """Every family_ref becomes a dossier: an existing one must be reachable, a new one needs a facility."""
        first_use: dict[str, Record] = {}
        for name in ("children", "adults", "requests", "interventions", "signalements"):
            for record in self.records[name]:
                if record["family_ref"]:
                    first_use.setdefault(record["family_ref"], record)
        self.family_order = list(first_use)
        # A new dossier belongs to the facility of its first request, else of its first stay, else of its
        # first intervention or signalement.
        candidates: dict[str, list[tuple[date, str]]] = {}
        for record in self.records["requests"]:
            if record["family_ref"] and record["facility_code"] and record["received_on"]:
                candidates.setdefault(record["family_ref"], []).append((record["received_on"],
                                                                         record["facility_code"]))
        for source, day in (("stays", "admitted_on"), ("interventions", "date"), ("signalements", "date")):
            found: dict[str, list[tuple[date, str]]] = {}
            for record in self.records[source]:
                family_ref = self._family_of_stay(record) if source == "stays" else record["family_ref"]
                if family_ref and record["facility_code"] and record[day] and family_ref not in candidates:
                    found.setdefault(family_ref, []).append((record[day], record["facility_code"]))
            for family_ref, items in found.items():
                candidates.setdefault(family_ref, items)
        workbook_facilities = {r["facility_code"] for name in ("facilities", "requests", "stays", "interventions",
                                                               "signalements")
                               for r in self.records[name] if r["facility_code"]}
        existing = self._reachable_families(first_use, candidates)
        self.existing_families = existing
        self.family_facility: dict[str, str] = {}
        for ref, record in first_use.items():
            if ref in existing:
                continue
            if ref in candidates:
                self.family_facility[ref] = min(candidates[ref])[1]
            elif len(workbook_facilities) == 1:
                self.family_facility[ref] = next(iter(workbook_facilities))
            else:
                self._fail(record, "family_ref", f"Structure du dossier « {ref} » inconnue : ajoutez une demande, "
                                                 "un séjour ou une intervention de ce dossier.")

    def _reachable_families(self, first_use: dict[str, Record],
                            candidates: dict[str, list[tuple[date, str]]]) -> dict[str, Family]:
        """The existing dossier each family_ref names, among those the importer may reach only.

        References are unique per facility: a reference held only by a facility out of reach is no dossier of
        this import (it is created anew in the importer's facility), and the answer is the one a missing
        reference gets. Held by several reachable facilities, the one of the family's first request or stay
        is meant."""
        families = Family.objects.filter(reference__in=first_use).select_related("facility")
        if self.allowed is not None:
            families = families.filter(access.facility_q(Family, self.allowed))
        found: dict[str, list[Family]] = {}
        for family in families:
            found.setdefault(family.reference, []).append(family)
        existing: dict[str, Family] = {}
        for ref, matches in found.items():
            if len(matches) == 1:
                existing[ref] = matches[0]
                continue
            meant = min(candidates[ref])[1] if ref in candidates else None
            chosen = [f for f in matches if f.facility.code == meant]
            if chosen:
                existing[ref] = chosen[0]
            else:
                self._fail(first_use[ref], "family_ref", f"Référence de dossier « {ref} » présente dans plusieurs "
                                                         "de vos structures : ajoutez la demande ou le séjour "
                                                         "qui dit laquelle.")
        return existing
