"""The vocabulary: each kind's defaults fit its own schema, and every message family a check may use has
every sentence its kind can say (so ``messages = "..."`` never shows a bare key)."""
import jsonschema
import pytest

from autograder.assignment import load_assignment
from autograder.assignments_command import installed_names
from autograder.checks.vocabulary import VOCABULARY, kind_schema
from autograder.i18n import catalog


def suffixes(family: str) -> set[str]:
    return {key[len(family) + 1:] for key in catalog("es") if key.startswith(family + ".")}


@pytest.mark.parametrize("name", sorted(VOCABULARY))
def test_defaults_fit_the_schema(name):
    kind = VOCABULARY[name]
    jsonschema.validate({"kind": name, "id": "x", "points": 1, **kind.defaults}, kind_schema(kind))
    assert set(kind.defaults) <= set(kind.params)


def families():
    used = {(kind.name, kind.messages) for kind in VOCABULARY.values()}
    for assignment in installed_names():
        used |= {(c.kind, c.messages or VOCABULARY[c.kind].messages) for c in load_assignment(assignment).checks}
    return sorted(used)


@pytest.mark.parametrize("kind,family", families())
def test_every_family_has_every_sentence_of_its_kind(kind, family):
    native = VOCABULARY[kind].native
    assert suffixes(native), native
    assert sorted(suffixes(native) - suffixes(family)) == []
