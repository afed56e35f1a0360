"""API clients in the admin: the municipality's system administrator creates a client for their
municipality with its scopes; the key is shown once, on the page after saving (never stored,
never in a message or the session), and a client is revoked, not deleted (the access log names
it)."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import ApiClient, Scope
from api.services import api_client_create, api_client_revoke
from teams.admin import TenantAdmin


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Tilganger"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["municipality", "name", "scopes", "active", "expires_at"]


@admin.register(ApiClient)
class ApiClientAdmin(TenantAdmin):
    form = ApiClientForm
    tenant_actions = frozenset({"view", "add", "change"})
    list_display = ["name", "municipality", "prefix", "scope_list", "active", "expires_at",
                    "revoked_at", "last_used_at"]  # fmt: skip
    readonly_fields = ["prefix", "revoked_at", "last_used_at", "created_by", "created_at"]
    actions = ["revoke"]

    @admin.display(description=_("tilganger"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "municipality"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = api_client_create(
            municipality=obj.municipality,
            name=obj.name,
            scopes=form.cleaned_data["scopes"],
            actor=request.user,
            expires_at=obj.expires_at,
        )
        obj.__dict__.update({k: v for k, v in client.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._shown_key = key

    def response_add(self, request, obj, post_url_continue=None):
        """The key, once: rendered into this response only."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "client": obj,
            "key": obj._shown_key,
            "title": _("Nøkkelen til %(name)s") % {"name": obj.name},
        }
        return TemplateResponse(request, "api/admin_key_shown.html", context)

    @admin.action(description=_("Trekk tilbake nøkkelen"))
    def revoke(self, request, queryset):
        n = 0
        for client in queryset:
            api_client_revoke(client_id=client.pk, actor=request.user)
            n += 1
        self.message_user(
            request,
            ngettext("%(n)s nøkkel er trukket tilbake.", "%(n)s nøkler er trukket tilbake.", n)
            % {"n": n},
            messages.SUCCESS,
        )
