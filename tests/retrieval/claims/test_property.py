"""Scope property: a hedged sentence added elsewhere in a document never changes an unrelated claim."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from retrieval.claims import ClaimAssessor, ClaimStatus
from tests.retrieval.claims.test_fixtures import Collection, cite, seed_collection

# (needle identifying the cited chunk, answer sentence): reported, hedged, comment and named claims.
CLAIMS = (
    ("gifts were exchanged",
     "During the summit, gifts were exchanged, including firearms and space-related memorabilia."),
    ("food, cash, and even space technology",
     "While the details of their conversation and any potential arms deals were not made public, it "
     "is believed that North Korea may have requested assistance in the form of food, cash, and even "
     "space technology."),
    ("seeking assistance in the form of weapons",
     "Russian President Vladimir Putin has reached out to North Korean leader Kim Jong-un, seeking "
     "assistance in the form of weapons."),
    ("The secretive state has conducted",
     "The secretive state has conducted several high-profile missile tests, showcasing its growing "
     "military prowess."),
    ("Trump is probably so jealous", "Trump is probably so jealous."),
    ("Korean Central News Agency",
     "Kim was at Pyongyang International Airport to greet Putin upon his arrival in the early hours "
     "of Wednesday, shaking his hand and embracing him, according to the state-run Korean Central "
     "News Agency."),
    ("rail cargo containers",
     "North Korea has shipped thousands of rail cargo containers of weapons to Russia, aiding their "
     "desperate need for supplies."),
    ("Putin’s offer to assist",
     "This sentiment was reinforced by Putin’s offer to assist North Korea in developing satellites, "
     "given the North’s previous failed attempts to launch its military spy satellite into orbit."),
)  # fmt: skip

HEDGES = (
    "Reportedly, the {place} bought {count} {thing}.",
    "It is believed that the {place} may have sold its {thing}.",
    "Sources familiar with the {place} said {count} {thing} had vanished.",
    "According to unnamed sources, the {place} is hiding {count} {thing}.",
    "Experts suggest the {place} could soon lose its {thing}.",
    "A former {place} official revealed that the {thing} were missing.",
    "The {thing} at the {place} allegedly disappeared on Tuesday.",
    "The veracity of this report is still a subject of debate, and the {place} has not officially "
    "confirmed or denied these allegations.",
    "Unconfirmed reports say the {place} has {count} new {thing}.",
)
PLACES = ("city zoo", "bakery", "botanical garden", "opera house", "ferry company", "ski resort")
THINGS = ("penguins", "croissants", "tulips", "violins", "umbrellas", "bicycles")


def _statuses(collection: Collection) -> list[ClaimStatus]:
    chunks = [collection.find(needle) for needle, _ in CLAIMS]
    sentences, citations = cite(chunks, [(text, [i]) for i, (_, text) in enumerate(CLAIMS, 1)])
    verdicts = ClaimAssessor().assess(
        sentences, citations, collection.chunks, context=collection.context
    )
    return [v.status for v in verdicts]


@pytest.fixture(scope="module")
def baseline() -> list[ClaimStatus]:
    return _statuses(seed_collection())


def test_baseline_covers_every_kind_of_verdict(baseline: list[ClaimStatus]) -> None:
    """The property below is only meaningful if the claims span the statuses."""
    assert {ClaimStatus.SINGLE_SOURCE, ClaimStatus.UNCONFIRMED, ClaimStatus.OPINION} <= set(
        baseline
    )


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.integers(min_value=0, max_value=4),
    position=st.integers(min_value=0, max_value=40),
    template=st.sampled_from(HEDGES),
    place=st.sampled_from(PLACES),
    thing=st.sampled_from(THINGS),
    count=st.integers(min_value=2, max_value=9000),
)
@example(document=0, position=40, template=HEDGES[7], place="bakery", thing="tulips", count=5)
@example(document=2, position=1, template=HEDGES[7], place="ski resort", thing="violins", count=5)
@example(document=3, position=4, template=HEDGES[0], place="city zoo", thing="penguins", count=12)
def test_an_irrelevant_hedged_paragraph_never_changes_an_unrelated_claim(
    baseline: list[ClaimStatus],
    document: int,
    position: int,
    template: str,
    place: str,
    thing: str,
    count: int,
) -> None:
    collection = seed_collection()
    name = sorted(collection.texts)[document]
    text = collection.texts[name]
    line_based = name[:3] in ("003", "004")
    separator = "\n" if line_based else "\n\n"
    paragraphs = text.split(separator)
    index = position % (len(paragraphs) + 1)
    hedged = template.format(place=place, thing=thing, count=count)
    changed = separator.join([*paragraphs[:index], hedged, *paragraphs[index:]])
    comments = [
        c.position for c in collection.chunks if c.doc_id == name and c.kind.value == "comment"
    ]
    shifted = [p + 1 if p >= index else p for p in comments]
    first_chunk = next(c for c in collection.chunks if c.doc_id == name)
    collection.add(name, changed, comments=shifted, date=first_chunk.date, lines=line_based)
    assert hedged in collection.texts[name]
    assert _statuses(collection) == baseline
