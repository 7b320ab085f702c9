"""What the page-cache tests share (tests/test_page_cache.py and its committing half)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenderbox.tenders import actions
from tests.conftest import draft_procurement


def page(client, path: str, **kwargs) -> tuple[str, int]:
    """The page's text with the CSP nonce taken out, and the number of queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **kwargs)
    assert response.status_code == 200
    return re.sub(r'nonce="[^"]+"', 'nonce=""', response.content.decode()), len(queries)


def tables(queries) -> set[str]:
    return {name for q in queries for name in re.findall(r'(?:FROM|JOIN) "?(\w+)"?', q["sql"])}


@pytest.fixture
def opportunity(northshire, ian):
    return actions.publish(draft_procurement(northshire, ian), by=ian)
