"""`make screenshots` embeds the real demo page on a second origin, pointed at the server it started."""

from __future__ import annotations

from bench.screenshots import DEMO_PAGE, write_demo_site


def test_the_demo_site_loads_the_widget_from_the_started_server(tmp_path):
    site = write_demo_site(tmp_path / "site", "http://127.0.0.1:54321")
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'src="http://127.0.0.1:54321/widget.js"' in html
    assert 'src="../widget.js"' not in html
    assert html.count("<script") == DEMO_PAGE.read_text(encoding="utf-8").count("<script")
