"""Charts drawn on the server as SVG: pure functions from plain numbers and words to markup.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(which also lists every value), with each value written as text beside its bar or point:
colour is never the only cue. No script and no ``style`` attribute (the
Content-Security-Policy forbids inline styles): the look comes from the ``chart-*`` classes
in static/css/app.css, and the page shows a table with the same numbers beside each chart.
"""
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
FONT_SIZE = 14
# What one character of a label takes at FONT_SIZE, on average; labels are laid out with it.
CHARACTER_WIDTH = 7.6
BAR_HEIGHT = 22
BAR_GAP = 10
PADDING = 8
LABEL_SHARE_MAX = 0.45
VALUE_ROOM = 56


@dataclass(frozen=True)
class Bar:
    """One bar: what it counts, how many, and a class suffix for its colour."""

    label: str
    value: int
    kind: str = "default"


@dataclass(frozen=True)
class TimelinePoint:
    """Submissions standing at the end of ``day`` (days after the first day shown), the day
    written as ``label``."""

    day: int
    total: int
    label: str


def _number(value: float) -> str:
    """A coordinate, short: 12 or 12.5."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _opening(chart_id: str, css_class: str, height: float, title: str, description: str,
             values: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart {}" role="img" '
        'aria-labelledby="{}-title {}-desc" viewBox="0 0 {} {}" width="{}" height="{}" '
        'font-size="{}"><title id="{}-title">{}</title><desc id="{}-desc">{} {}</desc>',
        css_class, chart_id, chart_id, WIDTH, _number(height), WIDTH, _number(height), FONT_SIZE,
        chart_id, title, chart_id, description, values,
    )


def _values_text(pairs: list[tuple[str, object]]) -> str:
    return "; ".join(f"{label}: {value}" for label, value in pairs) + "." if pairs else ""


def bar_chart(*, chart_id: str, title: str, description: str, bars: list[Bar]) -> SafeString:
    """Horizontal bars, one a row: its label on the left, its value written after it.

    Bar lengths are proportional to the values, the largest filling the width left by the
    labels; with nothing to count every bar has length 0 and its value reads 0.
    """
    longest_label = max((len(bar.label) for bar in bars), default=0)
    label_width = min(longest_label * CHARACTER_WIDTH + PADDING, WIDTH * LABEL_SHARE_MAX)
    bar_room = WIDTH - label_width - PADDING - VALUE_ROOM
    largest = max((bar.value for bar in bars), default=0)
    height = PADDING * 2 + len(bars) * (BAR_HEIGHT + BAR_GAP) - (BAR_GAP if bars else 0)
    rows = []
    for row, bar in enumerate(bars):
        top = PADDING + row * (BAR_HEIGHT + BAR_GAP)
        length = bar_room * bar.value / largest if largest else 0
        middle = top + BAR_HEIGHT / 2
        rows.append((
            bar.kind,
            _number(label_width - PADDING), _number(middle), bar.label,
            _number(label_width), _number(top), _number(length), BAR_HEIGHT,
            _number(label_width + length + PADDING / 2), _number(middle), bar.value,
        ))
    body = format_html_join(
        "",
        '<g class="chart-bar chart-bar-{}">'
        '<text class="chart-label" x="{}" y="{}" text-anchor="end" '
        'dominant-baseline="middle">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}"></rect>'
        '<text class="chart-value" x="{}" y="{}" dominant-baseline="middle">{}</text></g>',
        rows,
    )
    values = _values_text([(bar.label, bar.value) for bar in bars])
    return _opening(chart_id, "chart-bars", height, title, description, values) + body + \
        SafeString("</svg>")


TIMELINE_HEIGHT = 240
TIMELINE_LEFT = 48
TIMELINE_RIGHT = 24
TIMELINE_TOP = 40
TIMELINE_BOTTOM = 44


def timeline_chart(
    *, chart_id: str, title: str, description: str, points: list[TimelinePoint],
    last_day: int, first_label: str, last_label: str, deadline_day: int | None = None,
    deadline_label: str = "",
) -> SafeString:
    """Submissions standing over time, as a step line from day 0 to ``last_day``.

    ``points`` are the days on which the total changed, in order. The total reached is written
    at the end of the line, the first and last days under the axis, and the deadline (when
    ``deadline_day`` is given) as a dashed vertical line with ``deadline_label`` beside it.
    """
    last_day = max(last_day, 1, *(point.day for point in points))
    largest = max((point.total for point in points), default=0)
    plot_width = WIDTH - TIMELINE_LEFT - TIMELINE_RIGHT
    plot_height = TIMELINE_HEIGHT - TIMELINE_TOP - TIMELINE_BOTTOM
    bottom = TIMELINE_TOP + plot_height

    def x(day: int) -> float:
        return TIMELINE_LEFT + plot_width * day / last_day

    def y(total: int) -> float:
        return bottom - (plot_height * total / largest if largest else 0)

    path = [f"M{_number(x(0))} {_number(bottom)}"]
    for point in points:
        path.append(f"H{_number(x(point.day))} V{_number(y(point.total))}")
    end_day = max(deadline_day or 0, points[-1].day if points else 0)
    path.append(f"H{_number(x(min(end_day, last_day)))}")

    parts = [
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
            TIMELINE_LEFT, _number(bottom), WIDTH - TIMELINE_RIGHT, _number(bottom),
            TIMELINE_LEFT, TIMELINE_TOP, TIMELINE_LEFT, _number(bottom),
        ),
        format_html(
            '<text class="chart-label" x="{}" y="{}" text-anchor="end" '
            'dominant-baseline="middle">0</text>'
            '<text class="chart-label" x="{}" y="{}" text-anchor="end" '
            'dominant-baseline="middle">{}</text>',
            TIMELINE_LEFT - PADDING, _number(bottom), TIMELINE_LEFT - PADDING,
            TIMELINE_TOP, largest,
        ),
        format_html(
            '<text class="chart-label" x="{}" y="{}">{}</text>'
            '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
            TIMELINE_LEFT, _number(bottom + 24), first_label,
            WIDTH - TIMELINE_RIGHT, _number(bottom + 24), last_label,
        ),
    ]
    if deadline_day is not None:
        deadline_x = x(deadline_day)
        anchor = "end" if deadline_x > WIDTH / 2 else "start"
        offset = -PADDING / 2 if anchor == "end" else PADDING / 2
        parts.append(format_html(
            '<g class="chart-deadline"><line x1="{}" y1="{}" x2="{}" y2="{}"></line>'
            '<text class="chart-label" x="{}" y="{}" text-anchor="{}">{}</text></g>',
            _number(deadline_x), TIMELINE_TOP - 8, _number(deadline_x), _number(bottom),
            _number(deadline_x + offset), TIMELINE_TOP - 16, anchor, deadline_label,
        ))
    parts.append(format_html('<path class="chart-line" d="{}"></path>', " ".join(path)))
    parts.append(format_html_join(
        "", '<circle class="chart-point" cx="{}" cy="{}" r="4"></circle>',
        ((_number(x(point.day)), _number(y(point.total))) for point in points),
    ))
    if points:
        final = points[-1]
        parts.append(format_html(
            '<text class="chart-value" x="{}" y="{}" text-anchor="end">{}</text>',
            _number(max(x(final.day) - PADDING, TIMELINE_LEFT + 16)),
            _number(y(final.total) - PADDING), final.total,
        ))
    values = _values_text([(point.label, point.total) for point in points])
    opening = _opening(chart_id, "chart-timeline", TIMELINE_HEIGHT, title, description, values)
    return opening + SafeString("".join(parts)) + SafeString("</svg>")
