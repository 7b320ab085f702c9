"""The server-side SVG charts: real geometry, accessible names, escaped text and nothing the CSP forbids."""

import re
from xml.etree import ElementTree

from tenderbox.lib import charts
from tenderbox.lib.charts import Series, bar_chart, fmt, line_chart, nice_ticks

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg):
    return ElementTree.fromstring(str(svg))  # noqa: S314 - our own output, not untrusted input


def test_ticks_are_round_numbers_covering_the_range():
    assert nice_ticks(92.5, 98.1) == [92, 94, 96, 98, 100]
    assert nice_ticks(0, 1250) == [0, 500, 1000, 1500]
    assert nice_ticks(-3, 7) == [-5.0, -2.5, 0.0, 2.5, 5.0, 7.5]
    assert nice_ticks(5, 5) == [4.5, 4.75, 5.0, 5.25, 5.5]
    assert nice_ticks(0, 0) == [-1.0, -0.5, 0.0, 0.5, 1.0]


def test_numbers_are_formatted_for_people():
    assert [fmt(v) for v in (95, 95.5, 1250, "1234567.891", 0.0, -0.001)] == [
        "95",
        "95.5",
        "1,250",
        "1,234,567.89",
        "0",
        "0",
    ]


def line():
    return line_chart(
        title="Calls answered <20s>",
        description="Monthly share of calls answered within 20 seconds against a 96% target.",
        labels=["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"],
        series=[Series("Acme & Co", [95, None, 97.5, 96], [False, None, True, True])],
        target=96,
        unit="%",
    )


def test_a_line_chart_is_an_accessible_image_with_a_title_and_description():
    root = parse(line())
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Calls answered <20s>"
    assert root.find("svg:title", NS).text == "Calls answered <20s>"
    desc = root.find("svg:desc", NS)
    assert desc.text == "Monthly share of calls answered within 20 seconds against a 96% target."
    assert root.get("aria-describedby") == desc.get("id")
    # 52px for the title, a 200px plot, 48px of x labels, one 20px legend row and 8px below.
    assert root.get("viewBox") == "0 0 640 328"


def test_text_is_escaped():
    svg = str(line())
    assert "Calls answered &lt;20s&gt;" in svg and "<20s>" not in svg
    assert "Acme &amp; Co" in svg


def test_the_chart_uses_no_style_attribute_script_or_event_handler():
    for svg in (line(), bar_chart(title="t", description="d", labels=["a"], values=[1], target=2)):
        text = str(svg)
        assert "style=" not in text and "<style" not in text
        assert "<script" not in text and not re.search(r"\son[a-z]+=", text)


def test_points_sit_on_the_scale_with_a_gap_for_a_missing_value():
    root = parse(line())
    # Plot from y=52 (top) to 252 (bottom); ticks 94..98 (values with headroom), 50px a unit; four
    # bands of 138px, points at their middles.
    ticks = [t.text for t in root.iterfind(".//svg:text[@class='app-chart__tick']", NS)]
    assert ticks == ["94", "95", "96", "97", "98"]
    series_points = root.findall(".//svg:g[@class='app-chart__series app-chart__series--1']/svg:circle", NS)
    assert [(p.get("cx"), p.get("cy")) for p in series_points] == [
        ("133.0", "202.0"),
        ("409.0", "77.0"),
        ("547.0", "152.0"),
    ]
    assert [p.find("svg:title", NS).text for p in series_points] == [
        "Acme & Co, Jan 2026: 95%, target missed",
        "Acme & Co, Mar 2026: 97.5%, target met",
        "Acme & Co, Apr 2026: 96%, target met",
    ]
    # The miss is hollow (not told by colour alone); February breaks the line into two runs.
    assert [p.get("fill") for p in series_points] == ["#ffffff", "#1d70b8", "#1d70b8"]
    assert "app-chart__point--missed" in series_points[0].get("class")
    (polyline,) = root.findall(".//svg:polyline", NS)
    assert polyline.get("points") == "409.0,77.0 547.0,152.0"


def test_the_target_is_a_labelled_dashed_line():
    root = parse(line())
    target = root.find(".//svg:g[@class='app-chart__target']", NS)
    rule = target.find("svg:line", NS)
    assert (rule.get("y1"), rule.get("y2"), rule.get("stroke-dasharray")) == ("152.0", "152.0", "6 4")
    assert target.find("svg:text", NS).text == "Target 96%"


def test_x_labels_are_thinned_out_beyond_twelve():
    labels = [f"M{i}" for i in range(30)]
    root = parse(line_chart(title="t", description="d", labels=labels, series=[Series("s", list(range(30)))]))
    shown = ["".join(t.itertext()) for t in root.iterfind(".//svg:text[@class='app-chart__label']", NS)]
    assert shown == [f"M{i}" for i in range(0, 30, 3)]
    assert len(root.findall(".//svg:line[@class='app-chart__tick-mark']", NS)) == 30


def test_several_series_get_their_own_colours_and_markers():
    root = parse(
        line_chart(
            title="t",
            description="d",
            labels=["Q1", "Q2"],
            series=[Series("A", [1, 2]), Series("B", [2, 1])],
        )
    )
    groups = root.findall(".//svg:g", NS)
    assert [g.get("class") for g in groups if "series" in (g.get("class") or "")] == [
        "app-chart__series app-chart__series--1",
        "app-chart__series app-chart__series--2",
    ]
    assert len(root.findall(".//svg:circle", NS)) == 3  # two of A, one in the legend
    assert len(root.findall(".//svg:rect", NS)) == 3  # two of B, one in the legend
    legend = [t.text for t in root.iterfind(".//svg:g[@class='app-chart__legend']/svg:text", NS)]
    assert legend == ["A", "B"]


def test_a_chart_with_no_values_still_draws_its_axes():
    root = parse(line_chart(title="t", description="d", labels=["Jan"], series=[Series("s", [None])]))
    assert root.findall(".//svg:polyline", NS) == [] and root.findall(".//svg:circle", NS)[1:] == []
    assert [t.text for t in root.iterfind(".//svg:text[@class='app-chart__tick']", NS)] == [
        "0",
        "0.25",
        "0.5",
        "0.75",
        "1",
    ]


def test_bars_rise_from_zero_and_a_miss_is_hollow():
    root = parse(
        bar_chart(
            title="Days to resolve",
            description="d",
            labels=["FY 2025-26", "FY 2026-27"],
            values=[3, 1.5],
            target=2,
            unit="days",
            met=[False, True],
        )
    )
    bars = root.findall(".//svg:rect[@class]", NS)
    bars = [b for b in bars if b.get("class").startswith("app-chart__bar")]
    # Ticks 0..4 (headroom above 3), plot 52..252, so 50px a day: zero at 252, 3 at 102, 1.5 at 177.
    assert [t.text for t in root.iterfind(".//svg:text[@class='app-chart__tick']", NS)] == list("01234")
    assert [(b.get("y"), b.get("height")) for b in bars] == [("102.0", "150.0"), ("177.0", "75.0")]
    assert [b.get("class") for b in bars] == ["app-chart__bar app-chart__bar--missed", "app-chart__bar"]
    assert [b.find("svg:title", NS).text for b in bars] == [
        "FY 2025-26: 3 days, target missed",
        "FY 2026-27: 1.5 days, target met",
    ]


def test_each_chart_gets_its_own_ids():
    first, second = parse(line()), parse(line())
    assert first.get("aria-describedby") != second.get("aria-describedby")
    assert charts.MAX_X_LABELS == 12


def test_a_long_legend_wraps_onto_more_rows_and_the_chart_grows():
    names = [f"CON-2026-00000{i} (Northshire County Council)" for i in range(1, 4)]
    root = parse(
        line_chart(
            title="t", description="d", labels=["Q1"], series=[Series(n, [i]) for i, n in enumerate(names)]
        )
    )
    rows = sorted({t.get("y") for t in root.iterfind(".//svg:g[@class='app-chart__legend']/svg:text", NS)})
    assert rows == ["300", "320", "340"]
    assert root.get("viewBox") == "0 0 640 368"


def test_long_x_labels_wrap_onto_two_lines_and_are_cut_beyond():
    root = parse(
        bar_chart(
            title="t",
            description="d",
            labels=["Good", "Approaching target", "Requires improvement in nearly every respect", "d", "e"],
            values=[1, 0, 2, 0, 0],
            integer=True,
        )
    )
    labels = [
        [s.text for s in t.iterfind("svg:tspan", NS)]
        for t in root.iterfind(".//svg:text[@class='app-chart__label']", NS)
    ]
    # Five bands of 110.4px: 16 characters a line.
    assert labels == [["Good"], ["Approaching", "target"], ["Requires", "improvement in…"], ["d"], ["e"]]
    assert [t.text for t in root.iterfind(".//svg:text[@class='app-chart__tick']", NS)] == [
        "0",
        "1",
        "2",
        "3",
    ]
