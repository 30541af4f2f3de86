"""One row per coded survey comment: its themes with their polarities and its overall sentiment.

Every answered survey response with a non-empty comment (``has_comment`` in
``int_survey_responses_linked``) is coded offline by ``empathy.themes.code_comments`` with the
versioned theme lexicon (the ``theme_lexicon`` seed); the coder and lexicon versions are stored on
every row. Runs in-process in DuckDB: the input is a DuckDB relation, the output a pyarrow table.
"""

from typing import Any

import pyarrow as pa

from empathy.themes import code_comments

# The themes the KPI registry has theme_mention_rate_* and theme_negative_share_* KPIs for.
THEMES: tuple[str, ...] = ("clarity", "tone", "speed", "trust", "accuracy", "effort")

CARRIED_COLUMNS: tuple[str, ...] = (
    "response_id",
    "customer_id",
    "survey_type",
    "touchpoint_type",
    "touchpoint_channel",
    "touchpoint_journey_type",
    "touchpoint_intent",
    "comment",
    "touchpoint_ai_involved",
    "answered_at",
)


def code_themes(comments: list[str | None]) -> dict[str, list[Any]]:
    """Columns of coded values for ``comments``, in order: sentiment, versions and per theme."""
    coded = code_comments(comments)
    columns: dict[str, list[Any]] = {
        "sentiment": [c.sentiment for c in coded],
        "coder_version": [c.coder_version for c in coded],
        "lexicon_version": [c.lexicon_version for c in coded],
        "themes_coded": [len(c.themes) for c in coded],
    }
    for coding in coded:
        unknown = set(coding.themes) - set(THEMES)
        if unknown:
            raise ValueError(f"the coder returned themes without KPIs: {sorted(unknown)}")
    for theme in THEMES:
        columns[f"mentions_{theme}"] = [theme in c.themes for c in coded]
        columns[f"{theme}_polarity"] = [c.themes.get(theme) for c in coded]
    return columns


def model(dbt: Any, session: Any) -> pa.Table:
    responses = dbt.ref("int_survey_responses_linked")
    commented = (
        responses.filter("has_comment")
        .project(", ".join(CARRIED_COLUMNS))
        .order("response_id")
        .to_arrow_table()
    )
    coded = code_themes(commented.column("comment").to_pylist())

    string = pa.string()
    fields: list[tuple[str, pa.Array]] = [
        # ids
        ("response_id", commented.column("response_id")),
        ("customer_id", commented.column("customer_id")),
        # strings
        ("survey_type", commented.column("survey_type")),
        ("touchpoint_type", commented.column("touchpoint_type")),
        ("touchpoint_channel", commented.column("touchpoint_channel")),
        ("touchpoint_journey_type", commented.column("touchpoint_journey_type")),
        ("touchpoint_intent", commented.column("touchpoint_intent")),
        ("comment", commented.column("comment")),
        ("sentiment", pa.array(coded["sentiment"], type=string)),
        ("coder_version", pa.array(coded["coder_version"], type=string)),
        ("lexicon_version", pa.array(coded["lexicon_version"], type=string)),
        *((f"{t}_polarity", pa.array(coded[f"{t}_polarity"], type=string)) for t in THEMES),
        # numerics
        ("themes_coded", pa.array(coded["themes_coded"], type=pa.int32())),
        # booleans
        ("touchpoint_ai_involved", commented.column("touchpoint_ai_involved")),
        *((f"mentions_{t}", pa.array(coded[f"mentions_{t}"], type=pa.bool_())) for t in THEMES),
        # timestamps
        ("answered_at", commented.column("answered_at")),
    ]
    return pa.table(dict(fields))
