"""tally: reported figures from news articles, as data, charts and reports.

The pipeline, one module per stage, data flowing one way:
sources -> documents table (`tally.sources`) -> figures table (`tally.figures`)
-> claims (`tally.claims`) -> charts (`tally.charts`) -> reports (`tally.reports`).
"""

from tally.sources import DOCUMENTS, load_sources, read_sources

__all__ = ["DOCUMENTS", "load_sources", "read_sources"]
