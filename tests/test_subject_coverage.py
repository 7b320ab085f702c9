"""Export and erasure handle every field the privacy map declares, whichever app declares it: these
tests read the map at run time, so a model another app adds later is checked as soon as it is
declared, without a change to the privacy app."""

from django.apps import apps

from tenderbox.privacy.export import field_value
from tenderbox.privacy.map import Erasure, Export, privacy_map
from tenderbox.privacy.subject import Found, how_found, mapped_models
from tenderbox.privacy.subject_erasure import erasure_problems


def test_every_declared_model_can_be_found_for_a_person():
    assert [label for label in mapped_models() if not how_found(label)] == []


def test_every_declared_field_has_an_erasure_it_can_carry_out():
    assert erasure_problems() == []


def test_every_declared_field_has_an_export_value(db, oscar):
    for label in mapped_models():
        model = apps.get_model(label)
        entries = privacy_map().for_model(label)
        found = Found(label, model, [], set(), {}, how_found(label))
        obj = model()
        for entry in entries:
            if getattr(model._meta.get_field(entry.field), "many_to_many", False):
                continue  # needs a saved row; covered by the export of a real person
            value = field_value(obj, entry, found, oscar)
            if entry.export == Export.DESCRIBE:
                assert str(value).startswith("held, not shown"), (label, entry.field)


def test_every_declaration_says_what_export_and_erasure_do():
    for entry in privacy_map().personal:
        assert entry.export in set(Export), entry
        assert entry.erasure in set(Erasure), entry
