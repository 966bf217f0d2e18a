"""Enrich imported models from OpenRouter's models export (`openrouter-models.json`, the body of
https://openrouter.ai/api/v1/models): context, modalities, creation date and the Hugging Face repo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from llmpick.catalog.importers import Context, key_of, source

URL = "https://openrouter.ai/api/v1/models"
NAME = "openrouter-models.json"


def run(folder: Path | None, ctx: Context) -> None:
    path = folder / NAME if folder else None
    if path is None or not path.is_file():
        return
    rows = json.loads(path.read_text(encoding="utf-8")).get("data", [])
    by_key = {key_of(r["id"]): r for r in rows if r.get("id")}
    for model_id in ctx.enrichable():
        row = by_key.get(key_of(model_id))
        if row is None:
            continue
        record = ctx.editable(model_id)
        record["sources"]["or"] = source(URL, ctx.today, "OpenRouter models export")
        if row.get("hugging_face_id") and not record.get("hf_repo"):
            record["hf_repo"] = row["hugging_face_id"]
        caps = record["capabilities"]
        if row.get("context_length") and not caps.get("context_window"):
            caps["context_window"] = int(row["context_length"])
            caps["source"] = "or" if caps["source"] == "gp" else caps["source"]
        created = row.get("created")
        if created and not record["release"].get("date"):
            # OpenRouter's listing date: the day the model became available there, not always the vendor's release
            day = dt.datetime.fromtimestamp(int(created), dt.UTC).date().isoformat()
            record["release"] = {"date": day, "status": "active", "source": "or"}
