"""Domain errors: a refused action with a message for the person, mapped by views to 400 or 409."""


class DomainError(Exception):
    """A request the rules refuse. `status` is 400 for bad input, 409 for a conflict with state."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Conflict(DomainError):
    """The object is not in a state that allows this (an illegal transition, a last admin leaving)."""

    status = 409


class PermissionDenied(DomainError):
    status = 403
