"""Accuracy of the theme coder on a labelled sample of comments.

The labelled CSV has the columns ``comment_id, text, clarity, tone, speed, trust, accuracy,
effort, sentiment`` and optionally ``split`` (``dev`` or ``holdout``). A theme column is empty when
the comment is not about that theme, otherwise the polarity a careful reader gives it.

Labelling guide the shipped sample (``tests/fixtures/labelled_comments.csv``) follows:

- clarity: whether the customer could understand the reply, email, bill, instructions or the
  reason behind a recommendation ("no idea what it meant", "explained it in plain words").
- tone: the manner of the agent, bot or message: friendly, patient, rude, cold, pushy, scripted.
- speed: how long the customer waited for a response, a fix, a refund or a message.
- trust: honesty, transparency, reliability, safety of data, feeling misled or sold to.
- accuracy: whether information, answers, recommendations and invoices were right and relevant,
  and whether a fix worked; a bot that misunderstands the question is an accuracy problem.
- effort: the work the customer had to put in: repeating themselves, transfers, chasing, forms,
  hunting for things; or the lack of it ("effortless", "didn't have to repeat myself").
- A theme is coded only when the comment says something about it; generic praise or complaint
  ("helpful", "useless", "terrible experience") codes no theme but sets the sentiment.
- Sentiment is the comment's overall feeling; when a "but" balances praise against criticism, the
  part after "but" is usually the point.

Run ``python -m empathy.themes.evaluate [CSV] [--split dev|holdout|all] [--errors]`` to print the
table; the tests call ``evaluate`` and assert floors on the holdout split.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from empathy.themes.coder import CODER_VERSION, CodedComment, ThemeCoder
from empathy.themes.lexicon import POLARITIES, THEMES

DEFAULT_LABELLED_PATH = (
    Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "labelled_comments.csv"
)
REQUIRED_COLUMNS: tuple[str, ...] = ("comment_id", "text", *THEMES, "sentiment")
SPLITS: tuple[str, ...] = ("dev", "holdout")


@dataclass(frozen=True)
class LabelledComment:
    """One comment of the sample with its human labels."""

    comment_id: str
    text: str
    themes: dict[str, str]
    sentiment: str
    split: str


@dataclass(frozen=True)
class ThemeScore:
    """Detection quality for one theme (detected vs labelled, ignoring polarity)."""

    theme: str
    labelled: int
    detected: int
    true_positives: int
    polarity_agreements: int

    @property
    def precision(self) -> float:
        """Share of detections that are labelled; 0 when nothing is detected but some is labelled,
        1 when there is nothing to find and nothing is found."""
        if self.detected:
            return self.true_positives / self.detected
        return 0.0 if self.labelled else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled comments that are detected (1 when none is labelled)."""
        return self.true_positives / self.labelled if self.labelled else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def polarity_accuracy(self) -> float | None:
        """Among comments both labelled and detected, the share with the labelled polarity."""
        return self.polarity_agreements / self.true_positives if self.true_positives else None


@dataclass(frozen=True)
class Mistake:
    """A comment where the coder's themes or sentiment differ from the labels."""

    comment: LabelledComment
    coded: CodedComment


@dataclass(frozen=True)
class Evaluation:
    """The coder's scores on a set of labelled comments."""

    split: str
    comments: int
    themes: dict[str, ThemeScore]
    sentiment_correct: int
    mistakes: tuple[Mistake, ...]

    @property
    def sentiment_accuracy(self) -> float:
        return self.sentiment_correct / self.comments if self.comments else 1.0


def load_labelled(path: Path | str | None = None) -> list[LabelledComment]:
    """The labelled comments of a CSV, validated."""
    csv_path = Path(path or DEFAULT_LABELLED_PATH)
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{csv_path}: missing columns {missing}")
        rows = list(reader)
    labelled: list[LabelledComment] = []
    for line, row in enumerate(rows, start=2):
        themes = {t: row[t].strip() for t in THEMES if row[t].strip()}
        sentiment = row["sentiment"].strip()
        split = (row.get("split") or "").strip() or "dev"
        bad = [v for v in (*themes.values(), sentiment) if v not in POLARITIES]
        if bad or split not in SPLITS:
            raise ValueError(f"{csv_path} line {line}: unknown label {bad or split!r}")
        labelled.append(LabelledComment(row["comment_id"], row["text"], themes, sentiment, split))
    return labelled


def score(
    split: str, labelled: Sequence[LabelledComment], coded: Sequence[CodedComment]
) -> Evaluation:
    """Compare codings with labels, comment by comment."""
    counts = {t: [0, 0, 0, 0] for t in THEMES}  # labelled, detected, both, same polarity
    sentiment_correct = 0
    mistakes: list[Mistake] = []
    for comment, coding in zip(labelled, coded, strict=True):
        for theme in THEMES:
            expected, got = comment.themes.get(theme), coding.themes.get(theme)
            counts[theme][0] += expected is not None
            counts[theme][1] += got is not None
            counts[theme][2] += expected is not None and got is not None
            counts[theme][3] += expected is not None and expected == got
        sentiment_correct += coding.sentiment == comment.sentiment
        if coding.themes != comment.themes or coding.sentiment != comment.sentiment:
            mistakes.append(Mistake(comment, coding))
    themes = {t: ThemeScore(t, *counts[t]) for t in THEMES}
    return Evaluation(split, len(labelled), themes, sentiment_correct, tuple(mistakes))


def evaluate(
    path: Path | str | None = None, split: str = "all", coder: ThemeCoder | None = None
) -> Evaluation:
    """Per-theme precision / recall / F1 and sentiment accuracy on one split (or all rows)."""
    comments = [c for c in load_labelled(path) if split in ("all", c.split)]
    coded = (coder or ThemeCoder()).code_many(c.text for c in comments)
    return score(split, comments, coded)


def format_table(evaluation: Evaluation) -> str:
    """A plain-text table of one evaluation."""
    lines = [
        f"split={evaluation.split}  comments={evaluation.comments}",
        f"{'theme':<10}{'labelled':>9}{'detected':>9}{'precision':>10}{'recall':>8}{'f1':>7}"
        f"{'polarity':>10}",
    ]
    for s in evaluation.themes.values():
        polarity = "-" if s.polarity_accuracy is None else f"{s.polarity_accuracy:.2f}"
        lines.append(
            f"{s.theme:<10}{s.labelled:>9}{s.detected:>9}{s.precision:>10.2f}{s.recall:>8.2f}"
            f"{s.f1:>7.2f}{polarity:>10}"
        )
    lines.append(f"sentiment accuracy {evaluation.sentiment_accuracy:.2f}")
    return "\n".join(lines)


def format_mistakes(evaluation: Evaluation) -> str:
    """One line per comment the coder reads differently from its labels."""
    lines = []
    for m in evaluation.mistakes:
        expected = ",".join(f"{t}:{p[:3]}" for t, p in m.comment.themes.items()) or "-"
        got = ",".join(f"{t}:{p[:3]}" for t, p in m.coded.themes.items()) or "-"
        lines.append(
            f"{m.comment.comment_id} [{expected} / {m.comment.sentiment[:3]}] "
            f"coded [{got} / {m.coded.sentiment[:3]}]  {m.comment.text}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m empathy.themes.evaluate",
        description="Precision / recall per theme and sentiment accuracy on a labelled CSV.",
    )
    parser.add_argument("csv", nargs="?", default=str(DEFAULT_LABELLED_PATH))
    parser.add_argument(
        "--split",
        choices=(*SPLITS, "all"),
        help="one split only (default: each split, then all rows)",
    )
    parser.add_argument("--errors", action="store_true", help="list the comments coded wrongly")
    args = parser.parse_args(argv)
    coder = ThemeCoder()
    present = [s for s in SPLITS if any(c.split == s for c in load_labelled(args.csv))]
    splits = [args.split] if args.split else [*present, "all"]
    print(f"coder {CODER_VERSION}, lexicon {coder.lexicon.version}, labels {args.csv}")
    for split in splits:
        evaluation = evaluate(args.csv, split, coder)
        print(format_table(evaluation))
        if args.errors:
            print(format_mistakes(evaluation))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
