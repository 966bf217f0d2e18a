"""`llmpick catalog quality`: the per-model, per-task contract in JSON, and a clear refusal of a bad task."""

from __future__ import annotations

import json
from typing import Any


def test_json_lists_every_field_of_the_contract(cli: Any) -> None:
    result = cli("catalog", "quality", "--task", "code", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and {r["task"] for r in rows} == {"code"}
    for row in rows:
        assert {"model", "task", "score", "tier", "rated", "confidence", "basis"} <= row.keys()
        for b in row["basis"]:
            assert {"benchmark", "value", "source", "as_of"} <= b.keys()
    by_id = {r["model"]: r for r in rows}
    assert by_id["gpt-5"]["rated"] and by_id["gpt-5"]["tier"] == "frontier"
    assert by_id["codestral"]["rated"] is False and by_id["codestral"]["score"] is None


def test_table_shows_unrated_models_as_unrated(cli: Any) -> None:
    result = cli("catalog", "quality", "--task", "speech-to-text")
    assert result.exit_code == 0, result.output
    # Whisper large-v3 (and turbo) and the Voxtral 2507 models are on the Open ASR list; the rest are not
    assert "unrated" in result.output and "ratings, 4 measured" in result.output


def test_a_bad_task_exits_2_naming_the_allowed_ones(cli: Any) -> None:
    result = cli("catalog", "quality", "--task", "poetry")
    assert result.exit_code == 2
    assert "image-generation" in result.output and "poetry" in result.output
