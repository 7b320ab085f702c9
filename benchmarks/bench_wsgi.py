"""The production WSGI application plus one bare view, for benchmarks/bench.py only: the bare view
does one indexed query and renders a few bytes, the yardstick the real pages are compared with."""

from django.core.wsgi import get_wsgi_application
from django.http import Http404, HttpResponse
from django.urls import include, path

application = get_wsgi_application()


def bare(request, reference):
    from tenderbox.tenders.models import Procurement

    title = Procurement.objects.filter(reference=reference).values_list("title", flat=True).first()
    if title is None:
        raise Http404("No such opportunity.")
    return HttpResponse(title, content_type="text/plain")


urlpatterns = [path("bench/bare/<str:reference>", bare), path("", include("tenderbox.urls"))]
