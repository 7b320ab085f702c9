"""The only way to reach evaluation work.

- An evaluator reaches only their own assignments (404 otherwise), sees no tender until they have
  declared no conflict (409), never after declaring one (403), and none before opening (409).
- Evaluators see their own scores only; the moderation view (all scores) is for the authority's
  admins and buyers.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tenderbox.evaluation.models import Assignment
from tenderbox.lib.errors import Conflict
from tenderbox.submissions.access import _is_uuid
from tenderbox.submissions.actions import counting_versions, is_opened
from tenderbox.tenders.actions import apply_clock


def assignments_for_user(user):
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(evaluator=user).select_related("procurement", "procurement__buyer")


def get_assignment(user, assignment_id) -> Assignment:
    assignment = assignments_for_user(user).filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404("No such evaluation.")
    apply_clock(assignment.procurement)
    return assignment


def get_cleared_assignment(user, assignment_id) -> Assignment:
    assignment = get_assignment(user, assignment_id)
    if assignment.status == Assignment.Status.CONFLICTED:
        raise PermissionDenied(
            "You declared a conflict of interest, so you are removed from this evaluation."
        )
    if assignment.status == Assignment.Status.PENDING:
        raise Conflict("Declare any conflict of interest before you see the tenders.")
    if not is_opened(assignment.procurement):
        raise Conflict("Tenders stay sealed until the deadline has passed and two buyers have opened them.")
    return assignment


def versions_for_assignment(assignment: Assignment):
    return counting_versions(assignment.procurement)


def get_version_for_assignment(assignment: Assignment, version_id):
    if not _is_uuid(version_id):
        raise Http404("No such tender.")
    for version in versions_for_assignment(assignment):
        if str(version.pk) == str(version_id):
            return version
    raise Http404("No such tender.")
