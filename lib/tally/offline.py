"""Drawing charts with no network: in JupyterLab with the Vega libraries it ships, in a report page
with those of vl-convert, inlined once into the page.

Kept apart from `tally.charts` so that writing a report page does not import Altair.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from tally.files import write_atomically

# JupyterLab 4 draws Vega-Lite 5 outputs itself (its vega5 extension), offline and in untrusted
# notebooks; the specs tally writes compile under Vega-Lite 5 as under 6 (tests/test_charts.py).
VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"
VEGALITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

_DRAW_FUNCTION = """
window.tallyDraw = function (id) {
  var spec = JSON.parse(document.getElementById(id + "-spec").textContent);
  vegaEmbed("#" + id, spec, {actions: false, renderer: "svg"}).catch(function (error) {
    document.getElementById(id).textContent = "This chart could not be drawn: " + error;
  });
};
"""


# The libraries are inlined gzipped (a third of their size, so that a report with charts stays well
# under 1 MB) and unpacked by the browser itself (DecompressionStream: no network, no file beside the
# page). Charts asked for before the libraries are ready wait in a queue.
_UNPACK = """
(function () {
  var waiting = [];
  window.tallyDraw = function (id) { waiting.push(id); };
  var bytes = Uint8Array.from(atob("%s"), function (c) { return c.charCodeAt(0); });
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text().then(function (code) {
    (0, eval)(code);
    waiting.forEach(function (id) { window.tallyDraw(id); });
  });
})();
"""


def packed_script(script: str) -> str:
    """`script` gzipped into the page as base64, with the few lines that unpack and run it."""
    import base64
    import gzip

    return _UNPACK % base64.b64encode(gzip.compress(script.encode("utf-8"), 9, mtime=0)).decode("ascii")


@lru_cache(maxsize=1)
def vega_script() -> str:
    """The Vega, Vega-Lite and vega-embed libraries (from vl-convert, no network) and `tallyDraw`.

    Bundling takes seconds, so the bundle is kept in the user's cache folder, one file
    per vl-convert version; the cache is only a copy and is rebuilt when missing.
    """
    import vl_convert

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tally"
    version = hashlib.sha1((_DRAW_FUNCTION + _UNPACK).encode()).hexdigest()[:8]
    cached = cache / f"vega-bundle-{vl_convert.__version__}-{version}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    script = packed_script(vl_convert.javascript_bundle("window.vegaEmbed = vegaEmbed;") + "\n" + _DRAW_FUNCTION)
    try:
        write_atomically(cached, script)  # kernels may bundle at once: each writes its own partial file
    except OSError:
        pass  # no writable cache: bundle again next time
    return script


def script_safe_json(value: Any) -> str:
    """JSON that cannot close the <script> element it sits in, whatever the article text holds."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def chart_html(spec: dict[str, Any]) -> str:
    """An HTML snippet that draws a Vega-Lite spec with the page's vegaEmbed.

    Its id comes from the spec's content, so the same chart gets the same id on
    every run (Altair's own ids are random, which defeats output comparison)."""
    payload = script_safe_json(spec)
    chart_id = "tally-chart-" + hashlib.sha1(payload.encode()).hexdigest()[:12]
    return (f'<div class="tally-chart" id="{chart_id}"></div>\n'
            f'<script type="application/json" id="{chart_id}-spec">{payload}</script>\n'
            f'<script>tallyDraw("{chart_id}");</script>')


def report_chart_output(output: dict[str, Any]) -> dict[str, Any]:
    """A notebook output holding a Vega-Lite chart, as the HTML snippet a report page draws with its
    inlined libraries (without a schema: the page's Vega-Lite reads it as its own); other outputs
    unchanged."""
    spec = output.get("data", {}).get(VEGALITE_MIMETYPE)
    if spec is None:
        return output
    spec = {key: value for key, value in spec.items() if key != "$schema"}
    return {**output, "data": {"text/html": chart_html(spec), "text/plain": output["data"].get("text/plain", "<chart>")}}
