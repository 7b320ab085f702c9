"""The Atom feed of newly published opportunities."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from tenderbox.tenders.models import Procurement


class OpportunityFeed(Feed):
    feed_type = Atom1Feed
    title = "Tenderbox: new opportunities"
    subtitle = "Procurements published on Tenderbox, newest first."

    def link(self):
        return reverse("tenders:search")

    def items(self):
        return Procurement.objects.public().select_related("buyer").order_by("-published_at")[:50]

    def item_title(self, item):
        return f"{item.title} ({item.buyer.name})"

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return reverse("tenders:opportunity", args=[item.reference])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
