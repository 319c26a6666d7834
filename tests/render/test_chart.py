"""Chart geometry: ticks, NaN gaps, histogram bins."""
from __future__ import annotations

import math

from autograder.render.chart import bin_index, histogram, line_chart, nice_ticks, score_bins


def test_nice_ticks_cover_the_range():
    ticks = nice_ticks(1.2933, 1.7272)
    assert ticks[0] <= 1.2933 and ticks[-1] >= 1.7272 and 3 <= len(ticks) <= 7
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:])}
    assert len(steps) == 1
    assert nice_ticks(2.0, 2.0)[0] < 2.0 < nice_ticks(2.0, 2.0)[-1]


def test_line_chart_points_inside_the_plot_and_decreasing_loss_goes_down():
    chart = line_chart([("loss", "Loss", (0.9, 0.7, 0.6)), ("val-loss", "Val", (0.8, 0.75, 0.7))], "t", "Epoch", "d")
    loss = chart.series[0]
    ys = [m.y for m in loss.markers]
    assert ys == sorted(ys)  # SVG y grows downwards
    for s in chart.series:
        for m in s.markers:
            assert chart.left <= m.x <= chart.right and chart.top <= m.y <= chart.bottom
    assert [t.label for t in chart.x_ticks] == ["1", "2", "3"]


def test_nan_breaks_the_line_and_all_nan_gives_no_chart():
    chart = line_chart([("loss", "Loss", (1.0, math.nan, 0.5, 0.4))], "t", "E", "d")
    assert len(chart.series[0].segments) == 2 and len(chart.series[0].markers) == 3
    assert line_chart([("loss", "Loss", (math.nan,) * 3)], "t", "E", "d") is None


def test_score_bins_and_histogram():
    bins = score_bins(10.0)
    assert len(bins) == 11 and bins[0][2] == "0" and bins[-1][2] == "10"
    assert bin_index(10.0, bins) == 10 and bin_index(9.5, bins) == 9 and bin_index(0, bins) == 0
    wide = score_bins(100.0)
    assert len(wide) == 10 and bin_index(100.0, wide) == 9 and bin_index(55, wide) == 5
    chart = histogram([8, 8, 10, 0], 10.0, "t", "Nota", "d")
    counts = {b.label: b.count for b in chart.bars}
    assert counts["8"] == 2 and counts["10"] == 1 and counts["0"] == 1 and counts["5"] == 0
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.label == "8" and tallest.height == 2 * chart.bars[0].height
