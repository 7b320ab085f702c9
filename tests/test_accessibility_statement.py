"""The accessibility statement has the sections the accessibility regulations' model statement asks for."""

import re


def test_the_statement_has_every_required_section(client, db):
    html = client.get("/accessibility").content.decode()
    headings = re.findall(r"<h[1-4][^>]*>([^<]+)</h[1-4]>", html)
    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert any(h.startswith(heading) for h in headings), heading
    assert "partially compliant" in html and "2.2.1 (Timing Adjustable)" in html
    assert 'href="/contact"' in html
