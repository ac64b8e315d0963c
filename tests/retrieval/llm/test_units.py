"""The pieces under the answerer: prompt files, sentence splitting, support scores, rewriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.answer.citations import with_markers
from retrieval.answer.followups import heuristic_rewrite, is_follow_up
from retrieval.llm.drafts import marker_numbers, split_draft, strip_markers
from retrieval.llm.prompts import REQUIRED_VARIABLES, PromptError, PromptLibrary, parse_prompt
from retrieval.llm.support import SupportScorer, lexical_support
from retrieval.llm.verify import is_abstention
from retrieval.models import Turn
from retrieval.settings import PROJECT_ROOT

ARTILLERY = (
    "One such development is the reported transfer of artillery from North Korea to Russia. This "
    "transfer, which was disclosed by a US official, coincides with Russia's ongoing invasion of "
    "Ukraine."
)


def test_every_bundled_prompt_loads_with_its_variables() -> None:
    library = PromptLibrary(PROJECT_ROOT / "prompts")
    assert set(REQUIRED_VARIABLES) <= set(library.names())
    for name, variables in REQUIRED_VARIABLES.items():
        assert variables <= set(library.get(name).input_variables)
    messages = library.answer.format_messages(question="Q?", passages='<passage n="1">x</passage>')
    assert [m.type for m in messages] == ["system", "human"]
    system = str(messages[0].content)
    assert "[1] or [2][3]" in system and "NO_ANSWER" in system and "never instructions" in system


def test_a_prompt_missing_a_variable_fails_at_load(tmp_path: Path) -> None:
    (tmp_path / "answer.txt").write_text("[system]\nAnswer.\n[human]\n{question}\n")
    with pytest.raises(PromptError, match="passages"):
        PromptLibrary(tmp_path)


def test_prompt_sections_and_literal_braces() -> None:
    template = parse_prompt("# comment\n[system]\nUse {{json}}.\n[human]\n{q}\n[ai]\nok\n")
    messages = template.format_messages(q="hi")
    assert [m.type for m in messages] == ["system", "human", "ai"]
    assert messages[0].content == "Use {json}."
    with pytest.raises(PromptError):
        parse_prompt("no sections at all")


def test_sentences_keep_their_markers_even_after_the_full_stop() -> None:
    text = (
        "Putin visited Pyongyang [1]. The U.S. said Russia sought arms [2][3]. Kim met him. [4]\n"
        "- Dr. Smith agreed [1, 2].\n[5]"
    )
    sentences = split_draft(text)
    assert [(s.text, s.cited) for s in sentences] == [
        ("Putin visited Pyongyang.", (1,)),
        ("The U.S. said Russia sought arms.", (2, 3)),
        ("Kim met him.", (4,)),
        ("Dr. Smith agreed.", (1, 2, 5)),
    ]


def test_marker_helpers() -> None:
    assert marker_numbers("a [2-4] b [1; 2] c [4]") == (2, 3, 4, 1)
    assert strip_markers("Kim met Putin [1] [2].") == "Kim met Putin."
    assert with_markers("Kim met Putin.", (1, 2)) == "Kim met Putin [1][2]."
    assert with_markers("No stop", (3,)) == "No stop [3]."


def test_lexical_support_separates_a_paraphrase_from_near_misses() -> None:
    paraphrase = "A US official disclosed that North Korea transferred artillery to Russia."
    assert lexical_support(paraphrase, ARTILLERY) >= SupportScorer().threshold
    for near_miss in (
        "North Korea transferred 300 artillery pieces to Russia.",  # a figure the source lacks
        "A US official did not disclose any artillery transfer to Russia.",  # flipped negation
        "North Korea shipped thousands of rail containers of food to China.",
    ):
        assert lexical_support(near_miss, ARTILLERY) < SupportScorer().threshold, near_miss


def test_an_uncalibrated_embedder_is_not_blended() -> None:
    class Unknown:
        name = "some-new-model"
        dimension = 2

        def embed_batch(self, texts: object) -> object:
            raise AssertionError("an uncalibrated embedder must not be used")

    scorer = SupportScorer(embedder=Unknown())  # type: ignore[arg-type]
    assert scorer.embedder is None
    assert scorer.matrix(["Kim met Putin."], [ARTILLERY]).shape == (1, 1)


def test_a_calibrated_embedder_blends_with_the_lexical_score() -> None:
    embeddings = pytest.importorskip("retrieval.index.embeddings")
    scorer = SupportScorer(embedder=embeddings.WordLlamaEmbedder())
    assert scorer.embedder is not None
    claims = [
        "A US official disclosed that North Korea transferred artillery to Russia.",
        "The football club signed a new striker for the season.",
        "North Korea transferred 300 artillery pieces to Russia.",
    ]
    scores = scorer.matrix(claims, [ARTILLERY])[:, 0]
    assert scores[0] >= scorer.threshold > scores[1]
    assert scores[2] == 0.0  # the figure veto survives the blend
    lexical = SupportScorer().matrix(claims, [ARTILLERY])[:, 0]
    assert scores[0] != lexical[0]


@pytest.mark.parametrize(
    ("reply", "abstains"),
    [
        ("NO_ANSWER", True),
        ("The provided passages do not contain information about China.", True),
        ("I don't know.", True),
        ("Kim did not answer questions from reporters [1].", False),
        ("Russia did not say whether it received shells [2].", False),
    ],
)
def test_abstention_detection(reply: str, abstains: bool) -> None:
    assert is_abstention(reply) is abstains


HISTORY = [Turn(question="Is Russia arming North Korea?", answer="Reportedly, yes [1].")]


@pytest.mark.parametrize(
    ("question", "history", "expected"),
    [
        ("what about China?", HISTORY, "Russia arming North Korea: what about China?"),
        ("Why did they meet?", HISTORY, "Russia arming North Korea: Why did they meet?"),
        (
            "What did Putin offer North Korea in developing satellites?",
            HISTORY,
            "What did Putin offer North Korea in developing satellites?",
        ),
        ("what about China?", [], "what about China?"),
    ],
)
def test_heuristic_rewrite(question: str, history: list[Turn], expected: str) -> None:
    assert heuristic_rewrite(question, history) == expected


def test_heuristic_rewrite_follows_a_chain_of_follow_ups_to_the_topic() -> None:
    history = [*HISTORY, Turn(question="what about China?", answer="...")]
    assert heuristic_rewrite("and Iran?", history) == "Russia arming North Korea: and Iran?"
    assert not is_follow_up("Did Russia veto the monitoring of U.N. sanctions on North Korea?")
