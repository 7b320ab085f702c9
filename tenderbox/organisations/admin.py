"""Admin pages for organisations: staff register buyer organisations here."""

from django.contrib import admin

from tenderbox.organisations.models import Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    """Shown, not edited: membership changes go through the actions, which audit them."""

    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "authority_type", "size", "region", "created_at"]
    list_filter = ["kind", "authority_type", "size", "region"]
    search_fields = ["name", "trading_name", "companies_house_number"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token_hash"]
