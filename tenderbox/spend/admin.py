"""Tenderbox staff record subscriptions and payments here; spend, returns and fee invoices are shown
read-only. Nothing can be deleted: these are financial records kept at least 7 years (policy 4.1.3,
4.1.4), and the retention job, not a person, decides what happens after."""

from django.contrib import admin

from tenderbox.spend import actions
from tenderbox.spend.models import FeeInvoice, MIReturn, Payment, SpendRecord, Subscription


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(NoDelete):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(NoDelete):
    list_display = ["organisation", "plan", "period_start", "period_end", "amount_excl_vat", "vat"]
    list_filter = ["plan"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation"]


@admin.register(Payment)
class PaymentAdmin(NoDelete):
    list_display = ["paid_at", "amount", "method", "reference", "subscription", "fee_invoice"]
    list_filter = ["method"]
    search_fields = ["reference", "payer_email"]
    raw_id_fields = ["subscription", "fee_invoice"]
    exclude = ["recorded_by", "recorded_at"]

    def has_change_permission(self, request, obj=None):
        return obj is None  # a payment is recorded once; a mistake is corrected by a refund record

    def save_model(self, request, obj, form, change):
        payment = actions.record_payment(
            by=request.user,
            amount=obj.amount,
            paid_at=obj.paid_at,
            reference=obj.reference,
            method=obj.method,
            subscription=obj.subscription,
            fee_invoice=obj.fee_invoice,
            payer_name=obj.payer_name,
            payer_email=obj.payer_email,
        )
        obj.pk = payment.pk
        obj.recorded_at = payment.recorded_at


@admin.register(FeeInvoice)
class FeeInvoiceAdmin(ReadOnly):
    list_display = ["number", "framework", "supplier", "period", "amount", "status"]
    list_filter = ["status"]
    search_fields = ["number", "supplier__name"]


@admin.register(MIReturn)
class MIReturnAdmin(ReadOnly):
    list_display = ["period", "supplier", "contract", "framework", "status", "line_count", "total_excl_vat"]
    list_filter = ["status", "is_nil"]


@admin.register(SpendRecord)
class SpendRecordAdmin(ReadOnly):
    list_display = ["contract", "transaction_number", "invoice_date", "amount_excl_vat", "vat", "source"]
    list_filter = ["source"]
    search_fields = ["transaction_number", "contract__reference"]
