"""Django admin for facilities, memberships and reference lists; every save keeps its history."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from unit import security, services
from unit.forms import SafeModelForm
from unit.history import record_save
from unit.models import AuditEntry, EligibilityCriterion, Facility, Membership, Organisation, ReferenceItem

ADMIN_REASON = "Modifié dans l'administration"


class HistoryAdmin(SimpleHistoryAdmin):
    """Saves through record_save (history user and reason); nothing is deleted here; text refuses controls."""

    form = SafeModelForm

    def save_model(self, request, obj, form, change):
        record_save(obj, user=request.user, reason=ADMIN_REASON)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            record_save(instance, user=request.user, reason=ADMIN_REASON)
        formset.save_m2m()

    def has_delete_permission(self, request, obj=None):
        return False


class CriterionInline(admin.TabularInline):
    model = EligibilityCriterion
    form = SafeModelForm
    extra = 0
    fields = ("position", "code", "role", "rule", "params", "label_fr", "label_en", "active")
    can_delete = False


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ("name",)


@admin.register(Facility)
class FacilityAdmin(HistoryAdmin):
    list_display = ("code", "name", "kind", "country", "capacity", "active")
    list_filter = ("kind", "country", "active")
    search_fields = ("code", "name")
    inlines = [CriterionInline]
    actions = ["reset_eligibility_profile"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new facility starts with the eligibility profile of its kind, as through facility_create:
        # without criteria every request would be found eligible.
        if not change and not form.instance.criteria.exists():
            services.facility_reset_profile(user=request.user, facility=form.instance)

    @admin.action(description=_("Rétablir le profil d'éligibilité par défaut de leur type"))
    def reset_eligibility_profile(self, request, queryset):
        for facility in queryset:
            services.facility_reset_profile(user=request.user, facility=facility)
        self.message_user(request, _("Profil par défaut rétabli pour %(n)d structure(s).") % {"n": len(queryset)},
                          messages.SUCCESS)


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ("user", "facility", "role", "active")
    list_filter = ("role", "facility", "active")
    search_fields = ("user__username",)
    autocomplete_fields = ("facility",)


@admin.register(ReferenceItem)
class ReferenceItemAdmin(HistoryAdmin):
    list_display = ("vocabulary", "code", "label_fr", "label_en", "group", "active")
    list_filter = ("vocabulary", "active")
    search_fields = ("code", "label_fr", "label_en")
    readonly_fields = ("vocabulary", "code")

    def has_add_permission(self, request):
        # Codes are DOMAIN.md's stable identifiers: labels may change, the list may not grow here.
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only: nobody adds, changes or deletes an entry, superusers included."""

    list_display = ("at", "user", "action", "what", "object_id", "facility_id", "path", "query", "ip")
    list_filter = ("user", "action", "what", ("at", admin.DateFieldListFilter))
    search_fields = ("object_id",)
    date_hierarchy = "at"
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The login logs of django-axes: evidence, so read-only like the audit trail --------------------


class ReadOnlyLogAdmin:
    """Nobody adds, changes or deletes a login log from the admin; a lock is lifted by
    `manage.py axes_reset_username`, which leaves the access and failure logs in place."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _model, _axes_admin in ((AccessAttempt, AccessAttemptAdmin), (AccessLog, AccessLogAdmin),
                            (AccessFailureLog, AccessFailureLogAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(_axes_admin.__name__, (ReadOnlyLogAdmin, _axes_admin), {}))


# --- Users: another administrator issues the link of a first second-factor device -------------------


class UserAdmin(DjangoUserAdmin):
    actions = ["otp_enrolment_link_issue"]

    @admin.action(description=_("Émettre un lien d'inscription à la double authentification"))
    def otp_enrolment_link_issue(self, request, queryset):
        for user in queryset:
            try:
                token = security.enrolment_link_issue(user=user, issued_by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            url = request.build_absolute_uri(reverse("otp_enrol_link", args=[token]))
            # Shown once: only a hash is stored. The issuer hands it over by a channel other than e-mail
            # when possible (in person, by phone).
            self.message_user(request, _("Lien pour %(user)s, valable %(hours)d h et une seule fois : %(url)s") % {
                "user": user.get_username(), "hours": settings.OTP_ENROLMENT_LINK_HOURS, "url": url},
                messages.SUCCESS)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)
