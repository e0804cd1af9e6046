"""The wall runs on intranets: nothing it ships may point a browser at another host. Every
http(s) address in assets/ must be one that is never fetched (XML namespaces, licence and
documentation links in comments or descriptions, plotly's logo link, hidden with the mode bar)."""

from __future__ import annotations

import re

from dashboard.app import ASSETS

BUNDLE = "01-plotly-4.1.1-carbonwall.min.js"
URL = re.compile(r"https?://[A-Za-z0-9./_%-]*")

# addresses that appear in the shipped files and are never requested by a page
NEVER_FETCHED = {
    "http://www.w3.org/2000/svg",  # namespace URIs
    "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/XML/1998/namespace",
    "https://www.w3.org/TR/css-color-4/",  # comments and attribute descriptions
    "https://developer.mozilla.org/en-US/docs/Web/SVG/Attribute/fill-rule",
    "https://developer.mozilla.org/en-US/docs/Web/CSS/text-shadow",
    "https://plotly.com/javascript/animations/",
    "https://plotly.com/javascript/plotlyjs-events/",
    "https://plotly.com/",  # the mode bar's logo link (a link, and the mode bar is off)
    "https://github.com/voidqk/polybooljs",  # licence comments
    "https://github.com/d3/d3-time-format/tree/v2.2.3",
    "https://github.com/d3/d3-format/tree/v1.4.5",
    "http://syntheti.cc",
    "http://getify.mit-license.org",
    "https://getbootstrap.com/",
    "https://github.com/twbs/bootstrap/blob/main/LICENSE",
}


def test_no_shipped_asset_names_a_host_a_page_would_fetch():
    found = {
        (path.name, url)
        for path in sorted(ASSETS.iterdir())
        if path.suffix in {".js", ".css"}
        for url in URL.findall(path.read_text(encoding="utf-8"))
    }
    assert sorted(f"{name}: {url}" for name, url in found if url not in NEVER_FETCHED) == []


def test_the_plotly_bundle_defaults_to_the_servers_own_topojson_and_no_cloud():
    text = (ASSETS / BUNDLE).read_text(encoding="utf-8")
    # a geo figure without config={"topojsonURL": ...} must still stay on this server
    assert 'topojsonURL:{valType:"string",noBlank:!0,dflt:"/geo/topojson/"' in text
    assert 'plotlyServerURL:{valType:"string",dflt:""' in text
    assert "cdn.plot.ly" not in text and "cloud.plotly.com" not in text
