"""The rules every chart keeps (impact/reporting/charts.py): reference lines under labels on a white ground, a
legend wherever colour carries meaning that names only what is drawn, a score's axis over its whole scale, yes/no
outcomes as stacked shares; and the same data give the same PNG bytes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from impact.reporting import charts
from impact.language import Translator
from impact.reporting.render import png_bytes
from impact.reporting.tables import HIDDEN_COLUMN

pytestmark = pytest.mark.unit

NL = Translator("nl")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _legend_texts(fig) -> list[str]:
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def _quarters(new, reached, activities, hidden=("",) * 4) -> pd.DataFrame:
    return pd.DataFrame({"period": [f"2018-Q{i}" for i in range(1, 5)], "participants_new": new,
                         "participants_reached": reached, "activities": activities, HIDDEN_COLUMN: list(hidden)})


def test_the_target_is_a_line_under_everything_and_named_in_the_legend_not_written_on_it():
    hidden = ("", "participants_new:fewer_than_threshold", "", "")
    fig = charts.reach_and_activities(_quarters([66, np.nan, 15, 9], [66, 86, 101, 110], [29, 28, 18, 25], hidden),
                                      120, NL)
    left = fig.axes[0]
    target = [line for line in left.get_lines() if line.get_linestyle() == "--"]
    assert len(target) == 1 and target[0].get_zorder() < min(t.get_zorder() for t in left.texts)
    assert all("doel" not in t.get_text() for t in left.texts)
    assert _legend_texts(fig) == ["nieuw in het kwartaal", "totaal tot dan toe", "doel 120"]


def test_a_series_masked_in_every_quarter_is_not_named_in_the_legend():
    hidden = ("participants_new:fewer_than_threshold",) * 4
    fig = charts.reach_and_activities(_quarters([np.nan] * 4, [66, 86, 101, 110], [29, np.nan, 18, 25], hidden),
                                      None, NL)
    assert _legend_texts(fig) == ["totaal tot dan toe"]
    assert [t.get_text() for t in fig.axes[0].texts] == ["afgeschermd"] * 4
    assert [t.get_text() for t in fig.axes[1].texts] == ["29", "geen gegevens", "18", "25"]


def test_realisation_has_a_legend_for_its_shades_and_labels_beside_the_plot_clear_of_the_target_line():
    rows = pd.DataFrame({"label": ["A", "B", "C"], "realisation": [1.1, 0.96, np.nan],
                         HIDDEN_COLUMN: ["", "", "realisation:fewer_than_threshold"]})
    fig = charts.realisation(rows, NL)
    ax = fig.axes[0]
    assert _legend_texts(fig) == ["doel gehaald", "doel niet gehaald", "doel 100%"]
    line = next(line for line in ax.get_lines() if line.get_linestyle() == "--")
    for text in ax.texts:
        assert text.get_zorder() > line.get_zorder()
        assert text.get_bbox_patch() is not None and text.get_bbox_patch().get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert [t.get_text() for t in ax.texts] == ["110%", "96%", "afgeschermd"]
    # no label crosses the target line (or any line): each stands right of the plot area, beside its bar
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    right_edge = ax.get_window_extent(renderer).x1
    line_x = ax.transData.transform((1.0, 0))[0]
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        assert box.x0 > right_edge > line_x
        assert not box.x0 <= line_x <= box.x1
    only_missed = charts.realisation(rows.assign(realisation=[0.5, 0.9, np.nan]), NL)
    assert _legend_texts(only_missed) == ["doel niet gehaald", "doel 100%"]


def test_change_shares_name_only_the_parts_drawn():
    changes = pd.DataFrame({"label": ["Welzijn"], "share_worse": [np.nan], "share_same": [0.4], "share_better": [0.6],
                            HIDDEN_COLUMN: ["share_worse:fewer_than_threshold"]})
    assert _legend_texts(charts.change_shares(changes, NL)) == ["gelijk", "beter"]


def test_the_forest_legend_draws_unreliable_measurement_hollow_as_in_the_plot():
    rows = pd.DataFrame({"label": ["A H1", "B H1"], "effect_size_kind": ["cohen_dz", "cohen_dz"],
                         "effect_size": [0.5, 0.1], "effect_size_ci_low": [0.2, -0.2], "effect_size_ci_high": [0.8, 0.4],
                         "verdict": ["supported", "unreliable_measurement"], HIDDEN_COLUMN: ["", ""]})
    fig = charts.forest(rows, NL)
    handles = fig.legends[0].legend_handles
    assert [h.get_label() for h in handles] == ["Ondersteund", "Meting onbetrouwbaar"]
    assert handles[1].get_markerfacecolor() == "white" and handles[0].get_markerfacecolor() != "white"
    null = fig.axes[0].get_lines()[0]
    assert null.get_zorder() < min(line.get_zorder() for line in fig.axes[0].get_lines()[1:])


def _dist(p10, p25, p50, p75, p90, mean) -> pd.DataFrame:
    return pd.DataFrame({"wave": ["baseline", "follow_up"], "n": [42.0, 36.0], "mean": mean, "p10": p10, "p25": p25,
                         "p50": p50, "p75": p75, "p90": p90, HIDDEN_COLUMN: ["", ""]})


def test_an_ordinal_score_axis_runs_over_the_whole_scale_with_a_tick_at_every_score():
    outcomes = pd.DataFrame({"outcome_id": ["self_reliance", "wellbeing", "network", "work"],
                             "instrument": ["zrm", "who5", "custom", "custom"], "type": [None, None, "numeric", "binary"],
                             "min": [np.nan, np.nan, 0.0, np.nan], "max": [np.nan, np.nan, 30.0, np.nan]})
    assert charts.outcome_scale(outcomes, "self_reliance.financien") == (1.0, 5.0)  # a ZRM domain
    assert charts.outcome_scale(outcomes, "wellbeing") == (0.0, 100.0)
    assert charts.outcome_scale(outcomes, "network") == (0.0, 30.0)
    assert charts.outcome_scale(outcomes, "work") == (0.0, 1.0)
    assert charts.outcome_scale(outcomes, "unknown") is None
    fig = charts.distribution(_dist([2, 2], [2, 2], [3, 3], [3, 4], [4, 5], [2.7, 3.1]), "Financiën", (1.0, 5.0), NL)
    ax = fig.axes[0]
    assert list(ax.get_xticks()) == [1, 2, 3, 4, 5]
    low, high = ax.get_xlim()
    assert low < 1 <= low + 0.2 and high > 5


def test_the_same_data_give_the_same_png_bytes():
    def draw() -> bytes:
        return png_bytes(charts.distribution(_dist([2, 2], [2, 2], [3, 3], [3, 4], [4, 5], [2.7, 3.1]), "Financiën",
                                             (1.0, 5.0), NL))

    assert draw() == draw()


def test_the_verdict_colours_of_the_text_are_the_charts_and_readable_on_white():
    """report.css repeats charts.VERDICT_COLOURS for the verdict words; both keep WCAG AA (4.5:1 on white)."""
    import re
    from importlib import resources

    from impact.reporting.charts import VERDICT_COLOURS

    css = resources.files("impact.reporting").joinpath("templates/report.css").read_text(encoding="utf-8")
    in_css = dict(re.findall(r"\.verdict\.(\w+) \{ color: (#[0-9a-f]{6}); \}", css))
    assert in_css == {v: c.lower() for v, c in VERDICT_COLOURS.items()}

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert {v: round(1.05 / (luminance(c) + 0.05), 2) for v, c in VERDICT_COLOURS.items()} == {
        "supported": 5.19, "contradicted": 5.09, "not_shown": 7.0, "unreliable_measurement": 5.93,
        "insufficient_data": 5.33}
