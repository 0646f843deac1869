"""Applying a checked workbook through the same services as the pages; a refusal is an error of its row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models

from admissions import services as adm
from admissions.models import (
    AdmissionRequest,
    Adult,
    Child,
    Diagnosis,
    Family,
    Intervention,
    PresencePeriod,
    Signalement,
    Stay,
)
from assessments import instruments
from assessments.instruments.base import ADULT, CHILD
from assessments.models import Assessment
from assessments.services import assessment_record
from interchange.importer.results import Record
from interchange.importer.schema import (
    ADMISSION_OVERRIDE,
    DECISION_OVERRIDE,
    FIELD_COLUMNS,
    KEY_COLUMN,
    SCORE_CODES,
    SHEETS,
)
from unit import access
from unit.models import Facility, Membership, Organisation
from unit.services import facility_create, membership_grant, organisation_create


class Applying:
    """Writing the checked rows through the services, in sheet order, each row counted once."""

    def _call(self, record: Record, service: Callable, **kwargs) -> Any:
        """Run one service; its refusal becomes an error of the row (the whole import is then rolled back)."""
        try:
            return service(**kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    column = FIELD_COLUMNS.get(name, "")
                    if record.sheet == "diagnoses" and name in ("child", "adult"):
                        column = "subject_ref"
                    if record.sheet == "stays" and name == "__all__":
                        column = "admitted_on"
                    for message in ValidationError(errors).messages:
                        self._error(record.sheet, record.row, column, message)
            else:
                column = "admitted_on" if record.sheet == "stays" else ""
                for message in error.messages:
                    self._error(record.sheet, record.row, column, message)
        except IntegrityError as error:
            self._error(record.sheet, record.row, "", f"Refusé par la base de données ({error}).")
        return None

    def _present(self, sheet: str, model: type[models.Model], **key: Any) -> Any:
        """The record already present for this row, or None.

        Identical rows are distinct records (two home visits on one day): the k-th row with a key matches
        the k-th record with that key, oldest first, so a second import finds each row its own record and
        one more identical row is created. Records this run created are not "present".
        """
        marker = tuple(sorted((name, getattr(value, "pk", value)) for name, value in key.items()))
        rank = self._ranks[sheet][marker]
        self._ranks[sheet][marker] += 1
        found = (model._default_manager.filter(**key).exclude(pk__in=self._created.get(sheet, ()))
                 .order_by("pk")[rank:rank + 1])
        return next(iter(found), None)

    def _count(self, sheet: str, obj: Any, created: bool) -> Any:
        """Every row ends created, already present, or refused (its service said no, see the errors)."""
        if obj is None:
            self.result.refused[sheet] += 1
        elif created:
            self.result.created[sheet] += 1
            self._created.setdefault(sheet, set()).add(obj.pk)
        else:
            self.result.skipped[sheet] += 1
        self._tick()
        return obj

    def _refuse(self, sheet: str) -> None:
        """A row left out because a row it depends on was refused."""
        self.result.refused[sheet] += 1
        self._tick()

    def _organisation(self) -> Organisation:
        if self.user is not None:
            mine = access.facilities_for(self.user, access.ADMINISTER).first()
            if mine is not None:
                return mine.organisation
        existing = Organisation.objects.order_by("pk").first()
        return existing or organisation_create(user=self.user, name="Organisation")

    def _apply(self) -> None:
        self._created: dict[str, set[int]] = {}
        self._ranks: dict[str, Counter] = {name: Counter() for name in SHEETS}
        self.facility_objs: dict[str, Facility] = dict(self.db_facilities)
        self.family_objs: dict[str, Family] = {}
        self.objs: dict[str, dict[str, Any]] = {name: {} for name in KEY_COLUMN}
        for step in (self._apply_facilities, self._apply_families, self._apply_children, self._apply_adults,
                     self._apply_requests, self._apply_stays, self._apply_presence, self._apply_diagnoses,
                     self._apply_assessments, self._apply_interventions, self._apply_signalements):
            step()

    def _apply_facilities(self) -> None:
        for record in self.records["facilities"]:
            code = record["facility_code"]
            existing = self.facility_objs.get(code)
            if existing is not None:
                self._count("facilities", existing, created=False)
                continue
            facility = self._call(record, facility_create, user=self.user, organisation=self._organisation(),
                                  code=code, name=record["name"], kind=record["kind"], country=record["country"],
                                  capacity=record["capacity"])
            if facility is not None:
                self.facility_objs[code] = facility
                if self.user is not None and not self.user.is_superuser:
                    # Whoever creates a facility administers it: without a role there, its records would be
                    # out of their sight and the same workbook could not be imported again.
                    membership_grant(user=self.user, member=self.user, facility=facility,
                                     role=Membership.Role.ADMIN)
                    access.forget(self.user)
            self._count("facilities", facility, created=True)

    def _apply_families(self) -> None:
        existing = self.existing_families
        for ref in self.family_order:
            if ref in existing:
                self.family_objs[ref] = existing[ref]
                self.result.skipped["families"] += 1
                continue
            facility = self.facility_objs.get(self.family_facility.get(ref))
            if facility is None:
                continue
            record = Record("families", 0, {"family_ref": ref})
            family = self._call(record, adm.family_create, user=self.user, facility=facility, reference=ref,
                                reason=self.reason)
            if family is not None:
                self.family_objs[ref] = family
                self.result.created["families"] += 1

    def _apply_children(self) -> None:
        for record in self.records["children"]:
            family = self.family_objs.get(record["family_ref"])
            if family is None:
                self._refuse("children")
                continue
            key = {"first_name": record["first_name"], "last_name": record["last_name"],
                   "birth_date": record["birth_date"]}
            child = self._present("children", Child, family=family, **key)
            created = child is None
            if created:
                child = self._call(record, adm.child_add, user=self.user, family=family, sex=record["sex"],
                                   gestational_weeks=record["gestational_weeks"],
                                   gestational_days=record["gestational_days"],
                                   birth_weight_g=record["birth_weight_g"], reason=self.reason, **key)
            self.objs["children"][record["child_ref"]] = child
            self._count("children", child, created)

    def _apply_adults(self) -> None:
        for record in self.records["adults"]:
            family = self.family_objs.get(record["family_ref"])
            if family is None:
                self._refuse("adults")
                continue
            key = {"role": record["role"], "first_name": record["first_name"], "last_name": record["last_name"]}
            adult = self._present("adults", Adult, family=family, **key)
            created = adult is None
            if created:
                adult = self._call(record, adm.adult_add, user=self.user, family=family,
                                   birth_date=record["birth_date"], nationality=record["nationality"] or "",
                                   region=record["region"] or "", reason=self.reason, **key)
            self.objs["adults"][record["adult_ref"]] = adult
            self._count("adults", adult, created)

    def _apply_requests(self) -> None:
        for record in self.records["requests"]:
            facility = self.facility_objs.get(record["facility_code"])
            family = self.family_objs.get(record["family_ref"])
            if facility is None or family is None:
                self._refuse("requests")
                continue
            request = self._present("requests", AdmissionRequest, facility=facility, family=family,
                                    received_on=record["received_on"])
            created = request is None
            if created:
                request = self._create_request(record, facility, family)
            self.objs["requests"][record["request_ref"]] = request
            self._count("requests", request, created)

    def _create_request(self, record: Record, facility: Facility, family: Family) -> AdmissionRequest | None:
        children = [self.objs["children"].get(ref) for ref in self.request_children.get(record["request_ref"], [])]
        children = [c for c in children if c is not None] or list(family.children.all())
        organisation = None
        if record["referrer_name"]:
            organisation = self._call(record, adm.referrer_organisation_get_or_create, user=self.user,
                                      name=record["referrer_name"], category=record["referrer_category"])
        request = self._call(record, adm.request_create, user=self.user, facility=facility, family=family,
                             received_on=record["received_on"], requester=record["requester"],
                             referrer_category=record["referrer_category"], referrer_organisation=organisation,
                             reason=record["reason"], mandate=record["mandate"] or "none", children=children,
                             history_reason=self.reason)
        if request is not None and record["decision"]:
            # The decision was taken long ago, outside the eligibility check of the product.
            decided = self._call(record, adm.request_decide, user=self.user, request=request,
                                 decision=record["decision"], decided_on=record["decided_on"],
                                 refusal_reason=record["refusal_reason"] or "", override_reason=DECISION_OVERRIDE)
            if decided is None:
                return None
        return request

    def _apply_stays(self) -> None:
        ordered = sorted(self.records["stays"], key=lambda r: (r["admitted_on"], r.row))
        for record in ordered:
            facility = self.facility_objs.get(record["facility_code"])
            child = self.objs["children"].get(record["child_ref"])
            request = self.objs["requests"].get(record["request_ref"]) if record["request_ref"] else None
            if facility is None or child is None or (record["request_ref"] and request is None):
                self._refuse("stays")
                continue
            stay = self._present("stays", Stay, facility=facility, child=child, admitted_on=record["admitted_on"])
            created = stay is None
            if created:
                discharged = record["discharged_on"]
                stay = self._call(
                    record, adm.stay_admit, user=self.user, facility=facility, child=child, request=request,
                    admitted_on=record["admitted_on"], residence_before=record["residence_before"],
                    mandate=record["mandate"] or "none", discharged_on=discharged,
                    discharge_kind=(record["discharge_kind"] or "") if discharged else "",
                    residence_after=(record["residence_after"] or "") if discharged else "",
                    override_reason="" if request is not None and request.decision == "accepted"
                    else ADMISSION_OVERRIDE,
                    reason=self.reason)
            self.objs["stays"][record["stay_ref"]] = stay
            self._count("stays", stay, created)

    def _apply_presence(self) -> None:
        for record in self.records["presence"]:
            stay, adult = self.objs["stays"].get(record["stay_ref"]), self.objs["adults"].get(record["adult_ref"])
            if stay is None or adult is None:
                self._refuse("presence")
                continue
            period = self._present("presence", PresencePeriod, stay=stay, adult=adult, start=record["from"])
            created = period is None
            if created:
                period = self._call(record, adm.presence_add, user=self.user, stay=stay, adult=adult,
                                    start=record["from"], end=record["to"], reason=self.reason)
            self._count("presence", period, created)

    def _subject_objs(self, record: Record, kind: str | None) -> tuple[Child | None, Adult | None]:
        ref = record["subject_ref"]
        child = self.objs["children"].get(ref) if kind != ADULT else None
        adult = self.objs["adults"].get(ref) if kind != CHILD and child is None else None
        return child, adult

    def _apply_diagnoses(self) -> None:
        for record in self.records["diagnoses"]:
            stay = self.objs["stays"].get(record["stay_ref"])
            child, adult = self._subject_objs(record, None)
            if stay is None or (child is None and adult is None):
                self._refuse("diagnoses")
                continue
            diagnosis = self._present("diagnoses", Diagnosis, stay=stay, child=child, adult=adult,
                                      timepoint=record["timepoint"], classification=record["system"],
                                      code=record["code"])
            created = diagnosis is None
            if created:
                diagnosis = self._call(record, adm.diagnosis_add, user=self.user, stay=stay, child=child,
                                       adult=adult, timepoint=record["timepoint"], classification=record["system"],
                                       code=record["code"], label=record["label"] or "",
                                       primary=bool(record["primary"]), reason=self.reason)
            self._count("diagnoses", diagnosis, created)

    def _apply_assessments(self) -> None:
        for record in self.records["assessments"]:
            stay = self.objs["stays"].get(record["stay_ref"])
            instrument = instruments.get(record["instrument"])
            child, adult = self._subject_objs(record, instrument.subject)
            if stay is None or (child is None and adult is None):
                self._refuse("assessments")
                continue
            assessment = self._present("assessments", Assessment, stay=stay, child=child, adult=adult,
                                       instrument=instrument.code, assessed_on=record["assessed_on"])
            created = assessment is None
            if created:
                scores = {c: v for c, v in record.values.items() if c in SCORE_CODES and v is not None}
                # Old records were scored when they were taken; the age range is not questioned again.
                assessment = self._call(record, assessment_record, user=self.user, stay=stay,
                                        instrument_code=instrument.code, assessed_on=record["assessed_on"],
                                        scores=scores, child=child, adult=adult, confirm_out_of_age_range=True,
                                        reason=self.reason)
            self._count("assessments", assessment, created)

    def _stay_of(self, record: Record) -> tuple[bool, Stay | None]:
        """(usable, stay): a row whose stay failed to import is left out."""
        ref = record["stay_ref"]
        if not ref:
            return True, None
        stay = self.objs["stays"].get(ref)
        return stay is not None, stay

    def _apply_interventions(self) -> None:
        for record in self.records["interventions"]:
            facility = self.facility_objs.get(record["facility_code"])
            family = self.family_objs.get(record["family_ref"])
            usable, stay = self._stay_of(record)
            if facility is None or family is None or not usable:
                self._refuse("interventions")
                continue
            intervention = self._present("interventions", Intervention, facility=facility, family=family, stay=stay,
                                         kind=record["kind"], done_on=record["date"],
                                         duration_min=record["duration_min"])
            created = intervention is None
            if created:
                intervention = self._call(record, adm.intervention_add, user=self.user, facility=facility,
                                          family=family, stay=stay, kind=record["kind"], done_on=record["date"],
                                          duration_min=record["duration_min"], reason=self.reason)
            self._count("interventions", intervention, created)

    def _apply_signalements(self) -> None:
        for record in self.records["signalements"]:
            facility = self.facility_objs.get(record["facility_code"])
            family = self.family_objs.get(record["family_ref"])
            if facility is None or family is None:
                self._refuse("signalements")
                continue
            signalement = self._present("signalements", Signalement, facility=facility, family=family,
                                        made_on=record["date"], addressee=record["addressee"])
            created = signalement is None
            if created:
                signalement = self._call(record, adm.signalement_add, user=self.user, facility=facility,
                                         family=family, made_on=record["date"], addressee=record["addressee"],
                                         reason=self.reason)
            self._count("signalements", signalement, created)
