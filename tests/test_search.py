"""Public search: text, CPV subtree, region, value, status; on SQLite and PostgreSQL alike."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tenderbox.tenders import actions
from tenderbox.tenders.models import CpvCode
from tests.conftest import draft_procurement


@pytest.fixture
def three(northshire, ian):
    parks = actions.publish(draft_procurement(northshire, ian), by=ian)  # 77310000-6, TLE, £400k
    meals = draft_procurement(
        northshire,
        ian,
        title="School meals",
        description="Hot lunches for primary schools",
        value_excl_vat=Decimal("90000"),
        vat=Decimal("0"),
        region="TLI",
    )
    actions.add_cpv(meals, CpvCode.objects.get(code="55524000-9"), by=ian, main=True)
    meals = actions.publish(meals, by=ian)
    roads = draft_procurement(
        northshire,
        ian,
        title="Road resurfacing",
        category="works",
        description="Resurfacing of rural roads",
        value_excl_vat=Decimal("2500000"),
    )
    actions.add_cpv(roads, CpvCode.objects.get(code="45233141-9"), by=ian, main=True)
    roads = actions.publish(roads, by=ian)
    return parks, meals, roads


def _titles(client, **params):
    response = client.get("/opportunities/", params)
    assert response.status_code == 200
    page = response.content.decode()
    return sorted(t for t in ("Grounds maintenance", "School meals", "Road resurfacing") if t in page)


def test_text_search_finds_words_in_the_title_or_description(client, three):
    assert _titles(client, q="lunches") == ["School meals"]
    assert _titles(client, q="resurfacing roads") == ["Road resurfacing"]


def test_a_cpv_division_finds_every_code_beneath_it(client, three):
    assert _titles(client, cpv="45000000-7") == ["Road resurfacing"]
    assert _titles(client, cpv="55000000") == ["School meals"]


def test_filters_combine(client, three):
    assert _titles(client, region="TLE", value_min="300000") == ["Grounds maintenance", "Road resurfacing"]
    assert _titles(client, region="TLE", value_max="500000") == ["Grounds maintenance"]


def test_closed_opportunities_are_hidden_by_default(client, three):
    parks = three[0]
    type(parks).objects.filter(pk=parks.pk).update(submission_deadline=timezone.now() - timedelta(seconds=1))
    assert _titles(client) == ["Road resurfacing", "School meals"]
    assert _titles(client, status="closed") == ["Grounds maintenance"]
    assert _titles(client, status="any") == ["Grounds maintenance", "Road resurfacing", "School meals"]


def test_bad_filters_get_a_clear_400(client, three):
    response = client.get("/opportunities/", {"value_min": "lots", "cpv": "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a CPV code made of digits" in page


def test_the_atom_feed_lists_published_opportunities(client, three):
    response = client.get("/opportunities/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response.content.count(b"<entry>") == 3


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=60), cpv=st.text(max_size=12), value_min=st.text(max_size=8))
def test_no_search_query_makes_the_page_fail(client, db, q, cpv, value_min):
    response = client.get("/opportunities/", {"q": q, "cpv": cpv, "value_min": value_min})
    assert response.status_code in (200, 400)
    api = client.get("/api/v1/opportunities", {"q": q, "cpv": cpv})
    assert api.status_code in (200, 400, 422)


def test_the_cpv_search_words_follow_the_codes_whoever_changes_them(three, ian):
    parks, meals, roads = three
    grounds = "cpv77 cpv773 cpv7731"  # 77310000-6, every draft's first code
    assert type(parks).objects.get(pk=parks.pk).cpv_words == grounds
    assert type(roads).objects.get(pk=roads.pk).cpv_words == (
        f"cpv45 cpv452 cpv4523 cpv45233 cpv452331 cpv4523314 cpv45233141 {grounds}"  # 45233141-9 added
    )
    # The ORM's m2m, as the admin site or a data fix would change it, from either side.
    roads.cpv_codes.remove(CpvCode.objects.get(code="45233141-9"))
    assert type(roads).objects.get(pk=roads.pk).cpv_words == grounds
    CpvCode.objects.get(code="55000000-0").procurements.add(roads)
    assert type(roads).objects.get(pk=roads.pk).cpv_words == f"cpv55 {grounds}"


def test_text_code_and_region_narrow_together_and_stop_words_match_nothing(client, three):
    assert _titles(client, q="lunches", cpv="55000000-0", region="TLI") == ["School meals"]
    assert _titles(client, q="lunches", cpv="55000000-0", region="TLE") == []
    assert _titles(client, q="lunches", cpv="45000000-7") == []
    assert _titles(client, q="roads", cpv="45200000-9", region="TLE") == ["Road resurfacing"]
    # A text of stop words alone finds nothing, with a code or without.
    assert _titles(client, q="the") == []
    assert _titles(client, q="the", cpv="55000000-0") == []
    assert client.get("/opportunities/", {"region": "T-E"}).status_code == 400  # not a region
