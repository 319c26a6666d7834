"""Geometry for the inline SVG charts (a line chart of losses, a histogram of scores), as plain data.

The templates only copy these numbers into SVG elements; every coordinate and label is decided here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Tick:
    pos: float
    """Pixel position along its axis."""
    label: str
    text_pos: float
    """Where the label's baseline sits (along the same axis)."""


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str
    """Tooltip text (``<title>``) for the data point."""

    @property
    def left(self) -> float:
        return round(self.x - 3.5, 1)

    @property
    def top(self) -> float:
        return round(self.y - 3.5, 1)


@dataclass(frozen=True)
class Series:
    css: str
    """CSS class that sets the stroke colour and dash pattern."""
    label: str
    segments: tuple[str, ...]
    """SVG ``points`` strings, one per run of finite values (a NaN breaks the line)."""
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    x_label: str
    title: str
    desc: str

    @property
    def tick_text_x(self) -> int:
        return self.left - 6

    @property
    def tick_text_y(self) -> int:
        return self.bottom + 18

    @property
    def label_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def label_y(self) -> int:
        return self.height - 6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str
    """The bin's score (or score range), shown under the bar."""
    label_x: float
    title: str

    @property
    def count_y(self) -> float:
        return round(self.y - 5, 1)


@dataclass(frozen=True)
class Histogram:
    width: int
    height: int
    baseline: float
    left: int
    right: int
    bars: tuple[Bar, ...]
    x_label: str
    title: str
    desc: str

    @property
    def tick_text_y(self) -> float:
        return self.baseline + 18

    @property
    def label_x(self) -> float:
        return self.width / 2

    @property
    def label_y(self) -> int:
        return self.height - 6


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (about ``count`` of them)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def line_chart(series: list[tuple[str, str, tuple[float, ...]]], title: str, x_label: str, desc: str,
               width: int = 560, height: int = 260) -> LineChart | None:
    """A chart of values per epoch; ``series`` holds (css class, label, values). None when nothing is finite."""
    finite = [v for _, _, values in series for v in values if v is not None and math.isfinite(v)]
    epochs = max((len(values) for _, _, values in series), default=0)
    if not finite or epochs == 0:
        return None
    left, right, top, bottom = 56, width - 16, 16, height - 44
    y_values = nice_ticks(min(finite), max(finite))
    y_low, y_high = y_values[0], y_values[-1]

    def x_at(epoch: int) -> float:
        return round(left + (right - left) * (0.5 if epochs == 1 else (epoch - 1) / (epochs - 1)), 1)

    def y_at(value: float) -> float:
        return round(bottom - (bottom - top) * (value - y_low) / (y_high - y_low), 1)

    built = []
    for css, label, values in series:
        segments, current, markers = [], [], []
        for i, value in enumerate(values, start=1):
            if value is None or not math.isfinite(value):
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            current.append(f"{x_at(i)},{y_at(value)}")
            markers.append(Marker(x_at(i), y_at(value), f"{label}, {i}: {_fmt(value)}"))
        if current:
            segments.append(" ".join(current))
        built.append(Series(css, label, tuple(segments), tuple(markers)))
    step = max(1, math.ceil(epochs / 10))
    x_ticks = tuple(Tick(x_at(e), str(e), x_at(e)) for e in range(1, epochs + 1) if (e - 1) % step == 0 or e == epochs)
    y_ticks = tuple(Tick(y_at(v), _fmt(v), y_at(v) + 4) for v in y_values)
    return LineChart(width, height, left, right, top, bottom, tuple(built), x_ticks, y_ticks, x_label, title, desc)


def score_bins(max_score: float) -> list[tuple[float, float, str]]:
    """Bins of the score axis as (low, high, label): one per point up to 20 points, else ten equal ranges."""
    if max_score <= 0:
        return [(0.0, 0.0, "0")]
    if max_score <= 20 and float(max_score).is_integer():
        return [(float(s), float(s), f"{s}") for s in range(int(max_score) + 1)]
    width = max_score / 10
    return [(i * width, (i + 1) * width, f"{i * width:g}–{(i + 1) * width:g}") for i in range(10)]


def bin_index(score: float, bins: list[tuple[float, float, str]]) -> int:
    """The bin a score falls in: whole points are floored (9.5 counts as 9); the top bin includes the maximum."""
    low, high = bins[0][0], bins[0][1]
    width = (high - low) or 1.0
    index = math.floor((score - low) / width + 1e-9) if math.isfinite(score) else 0
    return min(max(index, 0), len(bins) - 1)


def histogram(scores: list[float], max_score: float, title: str, x_label: str, desc: str,
              width: int = 560, height: int = 240) -> Histogram:
    """Bars of how many submissions scored in each bin."""
    bins = score_bins(max_score)
    counts = [0] * len(bins)
    for score in scores:
        counts[bin_index(score, bins)] += 1
    left, right, top, baseline = 16, width - 16, 24, height - 44
    slot = (right - left) / len(bins)
    tallest = max(counts) or 1
    bars = []
    for (low, high, label), count in zip(bins, counts):
        x = left + slot * len(bars)
        bar_height = round((baseline - top) * count / tallest, 1)
        bars.append(Bar(x=round(x + slot * 0.12, 1), y=round(baseline - bar_height, 1), width=round(slot * 0.76, 1),
                        height=bar_height, count=count, label=label, label_x=round(x + slot / 2, 1),
                        title=f"{label}: {count}"))
    return Histogram(width, height, baseline, left, right, tuple(bars), x_label, title, desc)
