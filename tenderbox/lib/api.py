"""Helpers for API endpoints: validate a JSON body with the same Django form the pages use, so a
rule is written once and both doors refuse the same input with the same message."""

from tenderbox.lib.errors import DomainError


class InvalidInput(DomainError):
    """A request body the form refused; `errors` maps each field to its messages."""

    status = 400

    def __init__(self, errors: dict):
        self.errors = errors
        first = next(iter(errors.values()))[0] if errors else "The request is not valid."
        super().__init__(first)


def validated(form_class, data: dict, **kwargs):
    form = form_class(data=data, **kwargs)
    if not form.is_valid():
        raise InvalidInput({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return form
