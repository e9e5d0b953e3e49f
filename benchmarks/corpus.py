"""Large corpora for the benchmarks, made by varying the bundled articles.

Each synthetic article is a bundled one with its digits re-drawn (so numbers,
and the work of reading them, differ) and its publication date shifted by up to
60 days. The digits of days, years and times are kept ("March 12", "12 March 2019",
"2019", "4:12"): re-drawn, they make days no article names ("March 78", the year
7115), which cost the date reader what real text never does. `varied_documents` yields documents-table rows; `write_corpus` writes
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
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_KEPT = re.compile(rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
                   rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
                   r"|\b(?:1[89]|20)\d\d\b|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}", re.I)


def redraw_digits(text: str, generator: random.Random) -> str:
    """`text` with every digit re-drawn (1-9), except those of days, years and times."""
    pieces, last = [], 0
    for kept in _KEPT.finditer(text):
        pieces.append(_DIGIT.sub(lambda _: str(generator.randint(1, 9)), text[last : kept.start()]))
        pieces.append(kept.group())
        last = kept.end()
    pieces.append(_DIGIT.sub(lambda _: str(generator.randint(1, 9)), text[last:]))
    return "".join(pieces)


def varied_documents(documents: pd.DataFrame, count: int, seed: int = 7) -> Iterator[dict]:
    """`count` distinct documents, each a bundled one with its digits re-drawn and its date shifted
    (a bundled text with too few digits to give a new one is passed over)."""
    generator = random.Random(seed)
    templates = documents.to_dict("records")
    seen: set[int] = set()
    made = tries = 0
    while made < count:
        template = templates[tries % len(templates)]
        tries += 1
        text = redraw_digits(template["text"], generator)
        if hash(text) in seen:
            if tries > 10 * count + len(templates):
                raise ValueError(f"the bundled texts give fewer than {count:,} distinct articles")
            continue
        seen.add(hash(text))
        published = template["published"] + pd.Timedelta(days=generator.randint(0, 60))
        yield {**template, "source": f"synthetic_{made:06d}_{template['source']}", "text": text,
               "published": published}
        made += 1


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
