"""The qualitative-feedback theme coder (empathy.themes): negation, contrast, stamping, accuracy."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from empathy.themes import (
    CODER_VERSION,
    DEFAULT_LEXICON_PATH,
    LEXICON_VERSION,
    THEMES,
    CodedComment,
    LexiconError,
    ThemeCoder,
    code_comment,
    code_comments,
    load_lexicon,
)
from empathy.themes.evaluate import DEFAULT_LABELLED_PATH, evaluate, format_table, load_labelled
from empathy.themes.evaluate import main as evaluate_main


def themes_of(text: str) -> dict[str, str]:
    return code_comment(text).themes


# --- negation -------------------------------------------------------------------------------

NEGATION_CASES = [
    ("not clear", {"clarity": "negative"}),
    ("The reply was NOT clear at all.", {"clarity": "negative"}),
    ("wasn't slow", {"speed": "positive"}),
    ("It wasnt slow, to be fair.", {"speed": "positive"}),
    ("I never felt rushed.", {"tone": "positive"}),
    ("no idea what it meant", {"clarity": "negative"}),
    ("didn't have to repeat myself", {"effort": "positive"}),
    ("I did not have to repeat myself once.", {"effort": "positive"}),
    ("Not rude at all, actually very kind.", {"tone": "positive"}),
    ("Nothing wrong with the answer this time.", {"accuracy": "positive"}),
    ("I'm not sure I trust the assistant anymore.", {"trust": "negative"}),
    ("Not fast enough for an urgent issue.", {"speed": "negative"}),
    ("It was not hard to connect our CRM.", {"effort": "positive"}),
    ("Not confusing at all.", {"clarity": "positive"}),
    ("Nobody explained anything.", {"clarity": "negative"}),
    ("I couldn't understand the invoice.", {"clarity": "negative"}),
    ("The agent was not very friendly.", {"tone": "negative"}),
    ("No hidden fees.", {"trust": "positive"}),
    ("No response for a week.", {"speed": "negative"}),
    ("She explained it without any jargon.", {"clarity": "positive"}),
    ("Doesn't feel reliable.", {"trust": "negative"}),
    ("The link they sent explained nothing.", {"clarity": "negative"}),
]


@pytest.mark.parametrize(("text", "expected"), NEGATION_CASES)
def test_negation_flips_the_cue_it_scopes(text: str, expected: dict[str, str]) -> None:
    assert themes_of(text) == expected


def test_negation_scope_ends_at_a_clause_boundary() -> None:
    # "not" belongs to the first clause; the friendly tone in the second is not negated.
    assert themes_of("Not cheap, but the agent was friendly.") == {"tone": "positive"}
    assert themes_of("Nothing to add. Quick reply.") == {"speed": "positive"}


def test_pseudo_negations_do_not_negate() -> None:
    assert themes_of("Not only fast but also accurate.") == {
        "speed": "positive",
        "accuracy": "positive",
    }
    assert themes_of("No doubt the fastest support I have used.") == {"speed": "positive"}


def test_a_wish_is_a_complaint_not_a_negation() -> None:
    assert themes_of("I wish I didn't have to repeat myself.") == {"effort": "negative"}


def test_negated_general_words_set_the_sentiment() -> None:
    assert code_comment("Not happy with this at all.").sentiment == "negative"
    assert code_comment("No complaints.").sentiment == "positive"
    assert code_comment("Can't complain, the response was quick.").sentiment == "positive"


# --- contrast, hedges, neutral cues -----------------------------------------------------------


def test_contrast_keeps_each_theme_its_own_polarity() -> None:
    coded = code_comment("fast but wrong")
    assert coded.themes == {"speed": "positive", "accuracy": "negative"}
    assert coded.sentiment == "negative"
    friendly = code_comment("Friendly, but I still don't understand the charge.")
    assert friendly.themes == {"clarity": "negative", "tone": "positive"}
    assert friendly.sentiment == "negative"


def test_the_clause_after_but_decides_a_theme_said_both_ways() -> None:
    coded = code_comment("It wasn't clear at first but the second email cleared it up.")
    assert coded.themes == {"clarity": "positive"}
    assert coded.sentiment == "positive"


def test_a_conceded_clause_counts_less() -> None:
    coded = code_comment("Respectful and calm even though I was angry.")
    assert coded.themes == {"tone": "positive"}
    assert coded.sentiment == "positive"


def test_hedges_make_praise_neutral_but_leave_criticism() -> None:
    assert themes_of("Mostly correct, one detail was off.") == {"accuracy": "neutral"}
    assert themes_of("Clear enough, I guess.") == {"clarity": "neutral"}
    assert themes_of("A bit slow, but ok.") == {"speed": "negative"}


def test_neutral_cues_take_the_sentiment_of_their_clause() -> None:
    assert themes_of("Response time was terrible.") == {"speed": "negative"}
    assert themes_of("Response time was great.") == {"speed": "positive"}
    assert themes_of("The tone was fine, nothing special.") == {"tone": "neutral"}


def test_intensifiers_and_casing_are_ignored() -> None:
    assert code_comment("really really FAST!!") == code_comment("fast")
    assert themes_of("VERY SLOW RESPONSE") == {"speed": "negative"}


def test_prefix_cues_match_word_forms() -> None:
    for text in ("confusing", "I was confused", "so much confusion"):
        assert themes_of(text) == {"clarity": "negative"}, text


def test_cues_explain_a_coding() -> None:
    cues = ThemeCoder().cues("Wasn't slow, but no idea what it meant.")
    assert [(c.phrase, c.theme, c.negated, c.clause) for c in cues] == [
        ("slow", "speed", True, 0),
        ("no idea", "clarity", False, 1),
    ]


def test_phrases_that_only_look_like_cues_code_nothing() -> None:
    assert themes_of("To be honest, thanks for your patience.") == {}
    assert themes_of("Customer care was quick.") == {"speed": "positive"}


def test_several_themes_in_one_comment() -> None:
    coded = code_comment("Took two weeks, wrong answer, rude agent. Never again.")
    assert coded.themes == {"speed": "negative", "tone": "negative", "accuracy": "negative"}
    assert coded.sentiment == "negative"


def test_comments_without_a_theme() -> None:
    assert code_comment("Terrible experience overall.") == CodedComment(
        {}, "negative", CODER_VERSION, LEXICON_VERSION
    )
    assert code_comment("Keep up the good work.").themes == {}
    assert code_comment("Would like a dark mode.").sentiment == "neutral"


def test_contact_placeholders_are_ignored() -> None:
    assert code_comment("Call me on [phone] or [email], it's slow.") == code_comment("it's slow")


# --- empty input, determinism, stamping -------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "   ", "[email]", "...", "-"])
def test_empty_input_codes_to_nothing_and_neutral(text: str | None) -> None:
    assert code_comment(text) == CodedComment({}, "neutral", CODER_VERSION, LEXICON_VERSION)


def test_coding_is_deterministic_and_batch_equals_single() -> None:
    texts = [c.text for c in load_labelled()]
    first = code_comments(texts)
    again = ThemeCoder(load_lexicon()).code_many(reversed(texts))[::-1]
    assert first == again
    assert first == [code_comment(t) for t in texts]
    assert code_comments([]) == []
    repeated = code_comments(["slow", "slow"])
    repeated[0].themes["tone"] = "positive"
    assert repeated[1].themes == {"speed": "negative"}
    assert code_comments(iter(["slow", None, "slow"])) == [
        code_comment("slow"),
        code_comment(None),
        code_comment("slow"),
    ]


def test_every_coding_is_stamped_with_both_versions() -> None:
    with DEFAULT_LEXICON_PATH.open(newline="", encoding="utf-8") as handle:
        versions = {row["lexicon_version"] for row in csv.DictReader(handle)}
    assert versions == {LEXICON_VERSION}
    assert re.fullmatch(r"\d+\.\d+\.\d+", CODER_VERSION)
    for coded in code_comments(["fast", "", "no idea what this is"]):
        assert (coded.coder_version, coded.lexicon_version) == (CODER_VERSION, LEXICON_VERSION)
    assert set(code_comment("clear, kind, fast, honest, correct, easy").themes) == set(THEMES)


# --- the lexicon ----------------------------------------------------------------------------

HEADER = "lexicon_version,theme,phrase,polarity,match\n"


def write_lexicon(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "lexicon.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_the_coder_reads_the_lexicon_it_is_given(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, "2.0.0,speed,glacial,negative,word\n")
    coded = code_comment("glacial support, not fast", lexicon_path=path)
    assert coded == CodedComment({"speed": "negative"}, "negative", CODER_VERSION, "2.0.0")
    assert code_comments(["glacial"], lexicon_path=path)[0].lexicon_version == "2.0.0"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "1.0.0,speed,slow,negative,word\n1.0.1,speed,fast,positive,word\n",
            "same lexicon_version",
        ),
        ("v1,speed,slow,negative,word\n", "MAJOR.MINOR.PATCH"),
        ("1.0.0,empathy,warm,positive,word\n", "theme 'empathy'"),
        ("1.0.0,speed,slow,bad,word\n", "polarity 'bad'"),
        ("1.0.0,speed,slow,negative,regex\n", "match 'regex'"),
        ("1.0.0,speed,sl,negative,prefix\n", "at least 3 letters"),
        ("1.0.0,speed,!!,negative,word\n", "no words"),
        ("1.0.0,none,honestly,positive,word\n", "polarity neutral"),
        ("1.0.0,speed,slow,negative,word\n1.0.0,effort,Slow,negative,word\n", "same cue"),
        ("1.0.0,tone,can't fault,positive,word\n1.0.0,tone,cant fault,positive,word\n", "same cue"),
        ("1.0.0,speed,slow\n", "polarity ''"),
        ("", "no rows"),
    ],
)
def test_a_bad_lexicon_is_rejected(tmp_path: Path, body: str, problem: str) -> None:
    with pytest.raises(LexiconError, match=re.escape(problem)):
        load_lexicon(write_lexicon(tmp_path, body))


def test_a_lexicon_with_other_columns_or_no_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="columns"):
        load_lexicon(write_lexicon(tmp_path, "slow,speed\n", header="phrase,theme\n"))
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "missing.csv")


def test_the_shipped_lexicon_covers_every_theme_both_ways() -> None:
    lexicon = load_lexicon()
    for theme in THEMES:
        polarities = {e.polarity for e in lexicon.entries if e.theme == theme}
        assert {"positive", "negative"} <= polarities, theme


# --- accuracy on the labelled sample ----------------------------------------------------------


def test_the_labelled_sample_is_large_varied_and_split() -> None:
    labelled = load_labelled()
    assert len(labelled) >= 220
    assert len({c.comment_id for c in labelled}) == len(labelled)
    holdout = [c for c in labelled if c.split == "holdout"]
    assert 0.2 <= len(holdout) / len(labelled) <= 0.3
    assert sum(not c.themes for c in labelled) >= 15
    assert sum(len(c.themes) >= 2 for c in labelled) >= 25
    for theme in THEMES:
        assert sum(theme in c.themes for c in holdout) >= 8, theme


# Floors a little under what the coder measured on the holdout split when the lexicon was frozen
# (lexicon 1.0.0: precision / recall clarity 0.86/1.00, tone 1.00/0.93, speed 0.94/1.00,
# trust 1.00/1.00, accuracy 1.00/0.72, effort 0.86/0.60; sentiment 0.83). The holdout has only 8
# to 18 comments per theme, so one comment moves a figure by 0.05 to 0.13. Effort recall is the
# weak spot: effort is often described without any effort word ("asked for the same
# information twice").
HOLDOUT_FLOORS: dict[str, tuple[float, float]] = {
    "clarity": (0.80, 0.90),
    "tone": (0.90, 0.85),
    "speed": (0.85, 0.90),
    "trust": (0.85, 0.85),
    "accuracy": (0.90, 0.65),
    "effort": (0.80, 0.55),
}
HOLDOUT_SENTIMENT_FLOOR = 0.78
HOLDOUT_POLARITY_FLOOR = 0.85


def test_accuracy_on_the_holdout_split() -> None:
    holdout = evaluate(DEFAULT_LABELLED_PATH, split="holdout")
    print()
    print(format_table(evaluate(DEFAULT_LABELLED_PATH, split="dev")))
    print(format_table(holdout))
    for theme, (precision, recall) in HOLDOUT_FLOORS.items():
        score = holdout.themes[theme]
        assert score.precision >= precision, (theme, "precision", score.precision)
        assert score.recall >= recall, (theme, "recall", score.recall)
    assert holdout.sentiment_accuracy >= HOLDOUT_SENTIMENT_FLOOR
    agreements = sum(s.polarity_agreements for s in holdout.themes.values())
    detected_and_labelled = sum(s.true_positives for s in holdout.themes.values())
    assert agreements / detected_and_labelled >= HOLDOUT_POLARITY_FLOOR


def test_the_evaluate_entry_point_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate_main([str(DEFAULT_LABELLED_PATH), "--split", "holdout", "--errors"]) == 0
    out = capsys.readouterr().out
    assert f"coder {CODER_VERSION}, lexicon {LEXICON_VERSION}" in out
    assert "split=holdout" in out and "sentiment accuracy" in out
    for theme in THEMES:
        assert re.search(rf"^{theme}\s+\d+\s+\d+\s+\d\.\d\d", out, re.MULTILINE), theme
