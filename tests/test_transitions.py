"""Every illegal move of a response and an evaluator assignment is refused with a clear conflict."""

import pytest
from django.utils import timezone

from tenderbox.evaluation.models import Assignment
from tenderbox.lib.errors import Conflict
from tenderbox.submissions.models import Response


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("draft", "submitted", True),
        ("draft", "withdrawn", False),
        ("submitted", "submitted", True),
        ("submitted", "withdrawn", True),
        ("withdrawn", "submitted", True),
        ("withdrawn", "withdrawn", False),
    ],
)
def test_response_moves(procurement, alice, acme, start, to, allowed):
    response = Response.objects.create(procurement=procurement, supplier=acme, created_by=alice, status=start)
    if allowed:
        assert response.move(to, at=timezone.now()) == start
        assert response.status == to
    else:
        with pytest.raises(Conflict):
            response.move(to, at=timezone.now())
        response.refresh_from_db()
        assert response.status == start


@pytest.mark.parametrize(
    ("start", "conflict", "allowed"),
    [
        ("pending", False, True),
        ("pending", True, True),
        ("cleared", True, True),
        ("cleared", False, False),
        ("conflicted", False, False),
        ("conflicted", True, False),
    ],
)
def test_assignment_moves(procurement, jo, ian, start, conflict, allowed):
    assignment = Assignment.objects.create(
        procurement=procurement, evaluator=jo, assigned_by=ian, status=start
    )
    if allowed:
        assignment.declare(conflict=conflict, text="x", at=timezone.now())
        assert assignment.status == ("conflicted" if conflict else "cleared")
    else:
        with pytest.raises(Conflict):
            assignment.declare(conflict=conflict, text="x", at=timezone.now())
        assignment.refresh_from_db()
        assert assignment.status == start
