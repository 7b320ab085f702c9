from django.apps import AppConfig


class TendersConfig(AppConfig):
    name = "tenderbox.tenders"
    label = "tenders"
    verbose_name = "Tenders"

    def ready(self):
        from django.db.models.signals import m2m_changed

        from tenderbox.tenders.models import Procurement
        from tenderbox.tenders.search import cpv_codes_changed

        # The search words of a procurement's CPV codes follow its codes (tenders/search.py).
        m2m_changed.connect(
            cpv_codes_changed, sender=Procurement.cpv_codes.through, dispatch_uid="tenders.cpv_words"
        )
