"""Large corpora for the benchmarks, made by varying the bundled articles.

Each synthetic article is a bundled one with every digit re-drawn (so numbers,
and the work of reading them, differ) and its publication date shifted by up to
60 days. `varied_documents` yields documents-table rows; `write_corpus` writes
them as a folder of text files with a `sources.csv` manifest, as tally reads an archive.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

_DIGIT = re.compile(r"\d")


def varied_documents(documents: pd.DataFrame, count: int, seed: int = 7) -> Iterator[dict]:
    """`count` documents, each a bundled one with its digits re-drawn and its date shifted."""
    generator = random.Random(seed)
    templates = documents.to_dict("records")
    for index in range(count):
        template = templates[index % len(templates)]
        text = _DIGIT.sub(lambda _: str(generator.randint(1, 9)), template["text"])
        published = template["published"] + pd.Timedelta(days=generator.randint(0, 60))
        yield {**template, "source": f"synthetic_{index:06d}_{template['source']}", "text": text,
               "published": published}


def varied_corpus(documents: pd.DataFrame, count: int, seed: int = 7) -> pd.DataFrame:
    """The varied documents as one table (held in memory)."""
    return pd.DataFrame(list(varied_documents(documents, count, seed)))


def write_corpus(documents: pd.DataFrame, count: int, folder: Path, seed: int = 7) -> int:
    """Write `count` varied articles into `folder` with their manifest; return the bytes of text written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    with (folder / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        manifest = csv.writer(handle)
        manifest.writerow(["file", "title", "outlet", "site", "author", "published", "url"])
        for document in varied_documents(documents, count, seed):
            data = document["text"].encode("utf-8")
            (folder / document["source"]).write_bytes(data)
            written += len(data)
            manifest.writerow([document["source"], *(_text(document[field]) for field in
                                                     ("title", "outlet", "site", "author")),
                               _day(document["published"]), _text(document["url"])])
    return written


def _day(value: object) -> str:
    """A manifest day: empty where the article gives none (an encyclopedia page)."""
    return "" if pd.isna(value) else value.strftime("%Y-%m-%d")


def _text(value: object) -> str:
    """A manifest cell: empty for a missing value (NaN or None), not the word 'nan'."""
    return value if isinstance(value, str) else ""
