"""The SVG charts: accessible (named, described, every value written out), safe (escaped, no
script or inline style), and drawn to scale."""
from xml.etree import ElementTree

import pytest

from reviews.charts import WIDTH, Bar, TimelinePoint, bar_chart, timeline_chart

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(root: ElementTree.Element) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def bars_of(root: ElementTree.Element) -> list[float]:
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]


def a_bar_chart(bars: list[Bar]) -> str:
    return bar_chart(chart_id="chart-test", title="By status", description="How many.", bars=bars)


def a_timeline(**changes) -> str:
    arguments = {
        "chart_id": "chart-line", "title": "Over time", "description": "Standing by day.",
        "points": [TimelinePoint(0, 2, "1 March"), TimelinePoint(3, 5, "4 March")],
        "last_day": 7, "first_label": "1 March", "last_label": "8 March",
        "deadline_day": 7, "deadline_label": "Deadline, 8 March",
    }
    return timeline_chart(**{**arguments, **changes})


@pytest.mark.parametrize("svg", [
    pytest.param(lambda: a_bar_chart([Bar("Eligible", 3), Bar("Incomplete", 1)]), id="bars"),
    pytest.param(lambda: a_timeline(), id="timeline"),
])
def test_a_chart_is_an_image_named_by_its_title_and_described_by_its_description(svg):
    root = parsed(svg())
    title_id, description_id = root.get("aria-labelledby").split()

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == description_id
    assert root.find(f"{SVG}title").text in {"By status", "Over time"}


@pytest.mark.parametrize("svg", [
    pytest.param(lambda: a_bar_chart([Bar("Eligible", 3)]), id="bars"),
    pytest.param(lambda: a_timeline(), id="timeline"),
])
def test_a_chart_has_no_script_and_no_style_attribute_for_the_content_security_policy(svg):
    root = parsed(svg())

    for element in root.iter():
        assert element.tag != f"{SVG}script"
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)


def test_each_bar_writes_its_label_and_its_value_as_text_and_the_description_lists_them():
    root = parsed(a_bar_chart([Bar("Not reviewed", 4), Bar("Confirmed eligible", 0)]))

    assert texts(root) == ["Not reviewed", "4", "Confirmed eligible", "0"]
    assert root.find(f"{SVG}desc").text == "How many. Not reviewed: 4; Confirmed eligible: 0."


def test_bars_are_drawn_to_scale_the_largest_filling_the_room_left_by_the_labels():
    widths = bars_of(parsed(a_bar_chart([Bar("A", 10), Bar("B", 5), Bar("C", 0)])))

    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.1)
    assert widths[2] == 0
    assert widths[0] < WIDTH


def test_with_nothing_to_count_every_bar_is_empty_and_reads_zero():
    root = parsed(a_bar_chart([Bar("A", 0), Bar("B", 0)]))

    assert bars_of(root) == [0, 0]
    assert texts(root) == ["A", "0", "B", "0"]


def test_each_bar_carries_its_kind_as_a_class_for_its_colour():
    root = parsed(a_bar_chart([Bar("Eligible", 1, "eligible")]))

    assert "chart-bar-eligible" in root.find(f"{SVG}g").get("class")


def test_labels_and_titles_are_escaped():
    svg = bar_chart(chart_id="chart-x", title="<b>T</b>", description="D & d",
                    bars=[Bar('<script>alert("x")</script>', 1)])

    root = parsed(svg)
    assert "<script>" not in svg
    assert texts(root)[0] == '<script>alert("x")</script>'
    assert root.find(f"{SVG}title").text == "<b>T</b>"


def test_the_timeline_marks_the_deadline_at_its_day_with_its_label():
    root = parsed(a_timeline(last_day=10, deadline_day=5))
    deadline = root.find(f"{SVG}g[@class='chart-deadline']")
    axis = root.find(f"{SVG}line[@class='chart-axis']")
    left, right = float(axis.get("x1")), float(axis.get("x2"))

    line = deadline.find(f"{SVG}line")
    assert float(line.get("x1")) == pytest.approx(left + (right - left) * 5 / 10, abs=0.1)
    assert deadline.find(f"{SVG}text").text == "Deadline, 8 March"


def test_the_timeline_has_a_point_per_day_with_submissions_and_writes_the_total_reached():
    root = parsed(a_timeline())

    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert root.find(f"{SVG}text[@class='chart-value']").text == "5"
    assert "1 March: 2; 4 March: 5." in root.find(f"{SVG}desc").text


def test_the_timeline_line_climbs_with_the_total_and_the_highest_point_is_at_the_top():
    root = parsed(a_timeline())
    first, last = [float(circle.get("cy")) for circle in root.iter(f"{SVG}circle")]

    assert last < first  # higher total, higher on the page
    assert texts(root)[1] == "5"  # the top of the scale


def test_every_text_of_the_timeline_stays_inside_the_picture():
    root = parsed(a_timeline(deadline_day=0, last_day=30))

    for text in root.iter(f"{SVG}text"):
        assert 0 <= float(text.get("x")) <= WIDTH
