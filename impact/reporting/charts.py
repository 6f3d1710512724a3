"""The reports' charts, drawn with matplotlib from the *published* tables.

Each function takes a table that has already been through disclosure control
(suppressed cells are NaN and named in the row's ``hidden`` column) and returns a
matplotlib figure; a suppressed value is drawn as a labelled gap, never as a number,
and a value that is missing (not computed, not applicable) is labelled as such, never
as suppressed.

Rules every chart keeps: a reference line (a target, "no change") is drawn under the
labels, which sit on a white ground, so a line never runs through a label; where colour or
shade carries meaning there is a legend, naming only what is drawn; a score's axis runs over
its whole scale (:func:`outcome_scale`), and a yes/no outcome is drawn as stacked shares. The figure is turned into PNG bytes
by ``impact.reporting.render.png_bytes`` (no timestamps, no software tag), and the
table it was drawn from is published beside it as CSV, so what a chart shows can
be checked cell by cell.
"""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from matplotlib.lines import Line2D  # noqa: E402

from impact.instruments.registry import REGISTRY  # noqa: E402
from impact.language import Translator  # noqa: E402
from impact.reporting.tables import hidden_reason  # noqa: E402
from impact.statistics.verdicts import VERDICTS  # noqa: E402

WIDTH_IN = 6.5  # the text width of an A4 page with 2 cm margins
INK = "#1b1b1b"
MUTED = "#6b6b6b"
ACCENT = "#b3001b"  # a municipal red
BAR = "#4a6d8c"
BAR_LIGHT = "#a9bfd3"
# Colour never carries a meaning alone: Okabe and Ito's palette, which people with a red-green colour vision
# deficiency tell apart (blue against orange, never green against red), darkened where the colour is also used
# for text so that it keeps WCAG AA's 4.5:1 on white; and a second cue that survives a grey-scale print: a
# marker shape per verdict and per theme, the verdict written beside each row, and for the change chart three
# lightnesses in a fixed order.
VERDICT_COLOURS = {"supported": "#0072B2", "contradicted": "#B84E00", "not_shown": "#595959",
                   "unreliable_measurement": "#8A5A00", "insufficient_data": "#6b6b6b"}
#: (marker, filled): a verdict's point in the forest plot; an unreliable measurement's is open (not judged)
VERDICT_MARKERS = {"supported": ("o", True), "contradicted": ("X", True), "not_shown": ("s", True),
                   "unreliable_measurement": ("D", False), "insufficient_data": ("|", True)}
THEME_COLOURS = {"impact_definition": "#0072B2", "data_collection": "#009E73", "analysis": "#E69F00",
                 "reporting": "#CC79A7", "improvement": "#D55E00"}
THEME_MARKERS = {"impact_definition": "o", "data_collection": "s", "analysis": "^", "reporting": "D",
                 "improvement": "v", "other": "P"}
#: worse, the same, better: orange, light grey and blue, three lightnesses that a grey-scale print keeps apart (a
#: pattern would be taken for the hatched, suppressed part); the share is written on it in INK or white
CHANGE_COLOURS = {"worse": "#E69F00", "same": "#d0d0d0", "better": "#0072B2"}
CHANGE_INK = {"worse": INK, "same": INK, "better": "white"}

plt.rcParams.update({
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same glyphs on every machine
    "font.size": 8.5,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "svg.hashsalt": "impact-coaching",
})


def _numbers(tr: Translator) -> matplotlib.ticker.FuncFormatter:
    """Tick labels written as the report's language writes numbers (a decimal comma in Dutch)."""
    decimal = "," if tr.language == "nl" else "."

    def label(value: float, _position) -> str:
        text = tr.num(0.0 if abs(value) < 1e-12 else value, 2)
        return text.rstrip("0").rstrip(decimal) if decimal in text else text

    return matplotlib.ticker.FuncFormatter(label)


#: Bars are drawn at zorder 2, a reference line over them at 2.5, labels over both at 4 on a white ground where
#: a line may meet them (LABEL_GROUND): a line never runs through a label.
LINE_Z, LABEL_Z = 2.5, 4
LABEL_GROUND = {"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none"}


def outcome_scale(outcomes: pd.DataFrame, outcome_id: str) -> tuple[float, float] | None:
    """The range an outcome's score can take: its instrument's ``score_scale`` (a ZRM domain,
    ``<outcome>.<domain>``, that of its outcome), or for a custom outcome the Theory of Change's ``min`` and
    ``max`` (a binary outcome 0 to 1). ``outcomes``: rows of ``programme.outcomes`` (outcome_id, instrument,
    type, min, max). None when the outcome or its range is unknown: the axis then follows the data."""
    rows = outcomes[outcomes["outcome_id"] == str(outcome_id).split(".")[0]]
    if rows.empty:
        return None
    row = rows.iloc[0]
    instrument = REGISTRY.get(str(row.get("instrument")))
    if instrument is not None and instrument.score_scale is not None:
        low, high = instrument.score_scale
        return float(low), float(high)
    if row.get("type") == "binary":
        return 0.0, 1.0
    low, high = row.get("min"), row.get("max")
    if low is None or high is None or pd.isna(low) or pd.isna(high) or float(high) <= float(low):
        return None
    return float(low), float(high)


def _legend_if(ax_or_fig, handles: list, **kw) -> None:
    """A legend of ``handles`` (only what is drawn), or none when nothing carries a meaning."""
    if handles:
        ax_or_fig.legend(handles=handles, **kw)


def _figure(height_in: float, ncols: int = 1, nrows: int = 1, **kw) -> tuple[Figure, np.ndarray]:
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH_IN, height_in), squeeze=False, layout="constrained", **kw)
    return fig, axes


def _gap_label(ax, x: float, row, column: str, tr: Translator) -> None:
    """A masked or missing bar: 'afgeschermd' or 'geen gegevens' written up from the axis."""
    gap = "chart.suppressed_short" if hidden_reason(row, column) else "chart.no_data"
    ax.annotate(tr.t(gap), (x, 0), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=6.5,
                color=MUTED, rotation=90, zorder=LABEL_Z)


def reach_and_activities(quarters: pd.DataFrame, target: float | None, tr: Translator) -> Figure:
    """Two panels per quarter: new and cumulative participants (against the year's target), and activities held.

    The target is a dashed line named in the legend (not a label on the line); the legend names only the series
    drawn (a series masked in every quarter is not named). ``quarters``: period, participants_new,
    participants_reached, activities (NaN = suppressed).
    """
    fig, axes = _figure(2.6, ncols=2)
    left, right = axes[0]
    x = np.arange(len(quarters))
    labels = [p.split("-")[-1] for p in quarters["period"]]
    new = quarters["participants_new"].astype(float)
    cumulative = quarters["participants_reached"].astype(float)
    handles = []
    if new.notna().any():
        handles.append(left.bar(x, new.fillna(0), color=BAR_LIGHT, label=tr.t("chart.new_participants"), zorder=2))
    if cumulative.notna().any():
        handles.append(left.plot(x, cumulative, color=BAR, marker="o", label=tr.t("chart.cumulative_participants"),
                                 zorder=3)[0])
    for xi, value, (_, row) in zip(x, new, quarters.iterrows()):
        if np.isnan(value):
            _gap_label(left, xi, row, "participants_new", tr)
    has_target = target is not None and not np.isnan(target)
    if has_target:
        handles.append(left.axhline(target, color=ACCENT, linestyle="--", linewidth=1, zorder=LINE_Z,
                                    label=tr.t("chart.target", value=tr.num(target, 0))))
    left.set_xticks(x, labels)
    left.yaxis.set_major_formatter(_numbers(tr))
    left.set_title(tr.t("chart.participants_title"))
    _legend_if(left, handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=min(3, len(handles)), fontsize=7)
    left.set_ylim(0, max(np.nanmax([cumulative.max(), new.max(), target if has_target else 0, 1]) * 1.12, 1))

    activities = quarters["activities"].astype(float)
    right.bar(x, activities.fillna(0), color=BAR, zorder=2)
    right.set_xticks(x, labels)
    right.yaxis.set_major_formatter(_numbers(tr))
    right.set_title(tr.t("chart.activities_title"))
    right.set_ylim(0, max(np.nanmax([activities.max(), 1]) * 1.18, 1))
    for xi, value, (_, row) in zip(x, activities, quarters.iterrows()):
        if np.isnan(value):
            _gap_label(right, xi, row, "activities", tr)
        else:
            right.annotate(tr.num(value, 0), (xi, value), ha="center", va="bottom", fontsize=7.5, zorder=LABEL_Z)
    return fig


def _gap_text(row, column: str, tr: Translator) -> str:
    """Why a wave is not drawn: the reason disclosure control gave, or that there are no data."""
    why = hidden_reason(row, column)
    if why == "fewer_than_threshold":
        return tr.t("chart.too_few", threshold=tr.threshold)
    if why:
        return tr.t("chart.hidden_wave", reason=tr.t(f"hidden_short.{why}", threshold=tr.threshold))
    return tr.t("chart.no_data")


def _wave_labels(dist: pd.DataFrame, tr: Translator) -> list[str]:
    return [f"{tr.t('wave.' + w)} (n = {tr.count(n)})" for w, n in zip(dist["wave"], dist["n"])]


def _yes_no_shares(ax, dist: pd.DataFrame, tr: Translator) -> None:
    """Per wave one bar of the shares 'ja' and 'nee' (0–100%), each labelled; a masked wave says why."""
    y = np.arange(len(dist))[::-1]
    drawn = set()
    for yi, (_, row) in zip(y, dist.iterrows()):
        share = float(row["mean"])
        if np.isnan(share):
            ax.annotate(_gap_text(row, "mean", tr), (0.5, yi), xycoords=("axes fraction", "data"), ha="center",
                        va="center", fontsize=7.5, color=MUTED)
            continue
        for part, left, width, colour, ink in (("yes", 0.0, share, BAR, "white"), ("no", share, 1 - share, BAR_LIGHT, INK)):
            if width <= 0:
                continue
            drawn.add(part)
            ax.barh(yi, width, left=left, color=colour, height=0.6)
            if width >= 0.08:
                ax.annotate(tr.pct(width), (left + width / 2, yi), ha="center", va="center", fontsize=7.5, color=ink)
    ax.set_yticks(y, _wave_labels(dist, tr))
    ax.set_ylim(-0.6, len(dist) - 0.4)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: tr.pct(v)))
    ax.set_xlabel(tr.t("chart.yes_no_axis"))
    _legend_if(ax, [Patch(color=c, label=tr.t(f"chart.answer_{p}")) for p, c in (("yes", BAR), ("no", BAR_LIGHT))
                    if p in drawn], ncols=2, loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=7.5)


def distribution(dist: pd.DataFrame, label: str, scale: tuple[float, float] | None, tr: Translator,
                 yes_no: bool = False) -> Figure:
    """Per wave a box from the 25th to the 75th percentile, whiskers from the 10th to the 90th,
    the median as a line and the mean as a dot, on an axis over the whole ``scale`` (the outcome's lowest to
    highest score, :func:`outcome_scale`; a tick at every score of a short whole-number scale); a wave resting on
    too few people is not drawn, and says why. A yes/no outcome (``yes_no``) has no spread: per wave its shares
    of 'ja' and 'nee' are drawn as one stacked bar.

    ``dist``: wave, n, mean, p10, p25, p50, p75, p90 (NaN when suppressed or not applicable), hidden.
    """
    fig, axes = _figure(1.35 if not yes_no else 1.45)
    ax = axes[0][0]
    ax.set_title(label)
    if yes_no:
        _yes_no_shares(ax, dist, tr)
        return fig
    waves = list(dist["wave"])
    y = np.arange(len(waves))[::-1]
    for yi, (_, row) in zip(y, dist.iterrows()):
        if np.isnan(row["p50"]):
            ax.annotate(_gap_text(row, "p50", tr), (0.5, yi), xycoords=("axes fraction", "data"), ha="center",
                        va="center", fontsize=7.5, color=MUTED)
            continue
        ax.plot([row["p10"], row["p90"]], [yi, yi], color=BAR, linewidth=1)
        ax.add_patch(plt.Rectangle((row["p25"], yi - 0.25), row["p75"] - row["p25"], 0.5, facecolor=BAR_LIGHT,
                                   edgecolor=BAR))
        ax.plot([row["p50"], row["p50"]], [yi - 0.25, yi + 0.25], color=INK, linewidth=1.6)
        ax.plot([row["mean"]], [yi], marker="o", color=ACCENT, markersize=4)
    ax.set_yticks(y, _wave_labels(dist, tr))
    ax.set_ylim(-0.6, len(waves) - 0.4)
    if scale is not None:
        low, high = scale
        pad = (high - low) * 0.03
        ax.set_xlim(low - pad, high + pad)
        if float(low).is_integer() and float(high).is_integer() and high - low <= 12:
            ax.set_xticks(np.arange(low, high + 1))  # an ordinal or short scale: every score
        else:
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
    ax.set_xlabel(tr.t("chart.score"))
    ax.xaxis.set_major_formatter(_numbers(tr))
    return fig


def change_shares(changes: pd.DataFrame, tr: Translator) -> Figure:
    """Per outcome one bar of the paired participants: worse, the same, better (shares; NaN = suppressed), and
    what is suppressed as one hatched grey part, so that a bar with only 'worse' shown is not read as 'nobody got
    better'. The legend names only the parts drawn: a part masked (or empty) in every bar is not named."""
    fig, axes = _figure(0.55 + 0.38 * len(changes))
    ax = axes[0][0]
    y = np.arange(len(changes))[::-1]
    left = np.zeros(len(changes))
    handles = []
    for part in ("worse", "same", "better"):
        share = changes[f"share_{part}"].astype(float).to_numpy()
        bars = ax.barh(y, np.nan_to_num(share), left=left, color=CHANGE_COLOURS[part], label=tr.t(f"change.{part}"),
                       height=0.6)
        if (np.nan_to_num(share) > 0).any():
            handles.append(bars)
        for yi, l, s in zip(y, left, share):
            if not np.isnan(s) and s >= 0.07:
                ax.annotate(tr.pct(s), (l + s / 2, yi), ha="center", va="center", fontsize=7.5, color=CHANGE_INK[part])
        left = left + np.nan_to_num(share)
    # the rest of each bar is what disclosure control hides: the shown shares are public, so their remainder is too
    rest = np.where(changes[[f"share_{p}" for p in ("worse", "same", "better")]].isna().any(axis=1).to_numpy(),
                    np.clip(1.0 - left, 0.0, 1.0), 0.0)
    if (rest > 0.001).any():
        handles.append(ax.barh(y, rest, left=left, color="white", edgecolor=MUTED, hatch="////", linewidth=0.6,
                               label=tr.t("chart.suppressed_short"), height=0.6))
    ax.set_yticks(y, list(changes["label"]))
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: tr.pct(v)))
    _legend_if(ax, handles, ncols=len(handles), loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=7.5)
    return fig


EFFECT_KINDS = ("cohen_dz", "rank_biserial", "odds_ratio")
#: Characters per line of a reason in the forest plot's last panel (7 pt beside labels of up to ~40 characters).
UNTESTED_WRAP = 62


def _not_plotted(row, tr: Translator) -> str:
    """Why a hypothesis has no point in the forest plot: not tested, effect size suppressed (why), not computed."""
    verdict = tr.t(f"verdict.{row['verdict']}")
    if row["verdict"] == "insufficient_data":
        return f"{verdict} – {tr.t('chart.not_tested')}"
    if not pd.isna(row["effect_size"]):  # an odds ratio of 0 or ∞: no point on a log scale
        value = f"{tr.t('effect_kind_short.' + str(row['effect_size_kind']))} = {tr.num(row['effect_size'], 2)}"
        return f"{verdict} – {tr.t('chart.off_scale', value=value)}"
    why = hidden_reason(row, "effect_size")
    if why:
        return f"{verdict} – {tr.t('chart.suppressed_short')}: {tr.t('hidden_short.' + why, threshold=tr.threshold)}"
    return f"{verdict} – {tr.t('chart.not_computed')}"


def forest(rows: pd.DataFrame, tr: Translator) -> Figure:
    """Effect sizes with their 95% intervals, coloured by verdict: one panel per kind of effect size, each with
    its own axis named after the kind and its 'no change' line (0 for d_z and r, 1 for the odds ratio on a log
    scale), so Cohen's d_z, the rank-biserial r and the odds ratio are never read on one scale. A result that
    was not judged (unreliable measurement) is drawn hollow. A hypothesis without an effect size is listed in a
    last panel with the reason (not tested; suppressed, and why; not computed); a missing or suppressed interval
    is labelled beside its point.

    ``rows``: label, effect_size_kind, effect_size, effect_size_ci_low, effect_size_ci_high, verdict, hidden.
    """
    effect = rows["effect_size"].astype(float)
    drawn = (np.isfinite(effect) & rows["effect_size_kind"].isin(EFFECT_KINDS)
             & ((rows["effect_size_kind"] != "odds_ratio") | (effect > 0)))
    kinds = [k for k in EFFECT_KINDS if (drawn & (rows["effect_size_kind"] == k)).any()]
    untested = rows[~drawn]
    panels = kinds + (["untested"] if len(untested) else [])
    heights = [int((drawn & (rows["effect_size_kind"] == k)).sum()) if k != "untested" else len(untested) for k in panels]
    extra = 0.3 * len(kinds)  # the axis label under each panel of effects
    fig, axes = plt.subplots(len(panels), 1, figsize=(WIDTH_IN, 0.75 + 0.32 * sum(heights) + 0.45 * len(panels) + extra),
                             squeeze=False, layout="constrained", gridspec_kw={"height_ratios": heights})
    for ax, kind in zip(axes[:, 0], panels):
        part = untested if kind == "untested" else rows[drawn & (rows["effect_size_kind"] == kind)]
        y = np.arange(len(part))[::-1]
        if kind == "untested":
            for yi, (_, r) in zip(y, part.iterrows()):  # wrapped, so a long reason stays inside the figure
                ax.annotate(textwrap.fill(_not_plotted(r, tr), UNTESTED_WRAP), (0.02, yi),
                            xycoords=("axes fraction", "data"), va="center", fontsize=7, color=MUTED, linespacing=1.1)
            ax.set_xticks([])
            ax.spines["bottom"].set_visible(False)
            ax.set_title(tr.t("chart.forest_untested"), fontsize=8, loc="left")
        else:
            null = 1.0 if kind == "odds_ratio" else 0.0
            ax.axvline(null, color=MUTED, linewidth=0.8, zorder=1.5)  # under the intervals and the labels
            values = part[["effect_size", "effect_size_ci_low", "effect_size_ci_high"]].to_numpy(dtype=float)
            finite = values[np.isfinite(values) & ((values > 0) if kind == "odds_ratio" else True)]
            lo, hi = float(finite.min()), float(finite.max())
            for yi, (_, r) in zip(y, part.iterrows()):
                colour = VERDICT_COLOURS.get(r["verdict"], MUTED)
                low, high = r["effect_size_ci_low"], r["effect_size_ci_high"]
                if pd.isna(low) or pd.isna(high):
                    hid = hidden_reason(r, "effect_size_ci_low") or hidden_reason(r, "effect_size_ci_high")
                    ax.annotate(tr.t("chart.interval_hidden" if hid else "chart.no_interval"), (r["effect_size"], yi),
                                xytext=(6, 0), textcoords="offset points", va="center", fontsize=6.5, color=MUTED,
                                zorder=LABEL_Z, bbox=LABEL_GROUND)
                else:  # a one-sided interval runs to the edge of the panel
                    ax.plot([max(low, lo), min(high, hi)], [yi, yi], color=colour, linewidth=1.4, zorder=2)
                marker, filled = VERDICT_MARKERS.get(r["verdict"], ("s", True))
                ax.plot([r["effect_size"]], [yi], marker=marker, color=colour, markersize=6,
                        markerfacecolor=colour if filled else "white", zorder=3)
            if kind == "odds_ratio":
                ax.set_xscale("log")
                ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            ax.xaxis.set_major_formatter(_numbers(tr))
            ax.set_title(tr.t(f"effect_kind.{kind}"), fontsize=8, loc="left")
            ax.set_xlabel(tr.t(f"chart.axis.{kind}"), fontsize=7, color=MUTED)
            # the verdict in words at the right of its row, in its colour: read without the legend or the colour
            words = ax.secondary_yaxis("right")
            words.set_yticks(y, [tr.t(f"verdict.{v}") for v in part["verdict"]])
            words.tick_params(length=0, labelsize=7)
            words.spines["right"].set_visible(False)
            for label, verdict in zip(words.get_yticklabels(), part["verdict"]):
                label.set_color(VERDICT_COLOURS.get(verdict, MUTED))
        ax.set_yticks(y, list(part["label"]))
        ax.set_ylim(-0.6, len(part) - 0.4)
    shown_verdicts = set(rows.loc[drawn, "verdict"])
    handles = [Line2D([], [], linestyle="", marker=VERDICT_MARKERS[v][0], markersize=6, color=VERDICT_COLOURS[v],
                      markerfacecolor=VERDICT_COLOURS[v] if VERDICT_MARKERS[v][1] else "white",
                      label=tr.t(f"verdict.{v}")) for v in VERDICTS if v in shown_verdicts]
    _legend_if(fig, handles, loc="outside lower center", ncols=min(4, len(handles)), fontsize=7.5)
    return fig


def realisation(rows: pd.DataFrame, tr: Translator) -> Figure:
    """Realised share of each output target (``label``, ``realisation``); 100% is the target, a dashed line.
    The value labels stand in a column right of the plot area, level with their bars, so that the target line
    (and the bars near it, 89% to 110%) never runs through a label. A bar is dark where the target is met and
    light where it is not, as the legend says (naming only what is drawn); a masked or missing share is written,
    not drawn."""
    fig, axes = _figure(0.6 + 0.24 * len(rows) + 0.25)
    ax = axes[0][0]
    y = np.arange(len(rows))[::-1]
    share = rows["realisation"].astype(float).to_numpy()
    met = np.nan_to_num(share) >= 1
    colours = [BAR if m else BAR_LIGHT for m in met]
    ax.barh(y, np.nan_to_num(share), color=colours, height=0.65, zorder=2)
    line = ax.axvline(1.0, color=ACCENT, linestyle="--", linewidth=1, zorder=LINE_Z,
                      label=tr.t("chart.target", value=tr.pct(1.0)))
    for yi, s, (_, row) in zip(y, share, rows.iterrows()):
        gap = "chart.suppressed_short" if hidden_reason(row, "realisation") else "chart.no_data"
        # x in axes coordinates (1 = the right edge of the plot area), y in data: beside the bar, outside the plot
        ax.annotate(tr.pct(s) if not np.isnan(s) else tr.t(gap), (1.0, yi), xycoords=ax.get_yaxis_transform(),
                    xytext=(4, 0), textcoords="offset points", ha="left", va="center", fontsize=7, zorder=LABEL_Z,
                    bbox=LABEL_GROUND, color=INK if not np.isnan(s) else MUTED, annotation_clip=False)
    ax.set_yticks(y, list(rows["label"]), fontsize=7.5)
    ax.set_xlim(0, max(1.15, np.nanmax(np.append(share, 1)) * 1.05))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: tr.pct(v)))
    ax.set_ylim(-0.6, len(rows) - 0.4)
    drawn = ~np.isnan(share)
    handles = [Patch(color=BAR, label=tr.t("chart.target_met"))] if (met & drawn).any() else []
    handles += [Patch(color=BAR_LIGHT, label=tr.t("chart.target_not_met"))] if (~met & drawn).any() else []
    _legend_if(fig, handles + [line], ncols=3, loc="outside upper center", fontsize=7.5)
    return fig


def timeline(sessions: pd.DataFrame, rows: list[tuple[str, str]], tr: Translator) -> Figure:
    """The coaching year: one line per initiative (and one for the plenary meetings), a marker per session
    coloured and shaped by its theme. ``sessions``: initiative_id, date, theme; ``rows``: (initiative_id, label) top to bottom."""
    fig, axes = _figure(1.2 + 0.27 * len(rows))
    ax = axes[0][0]
    index = {key: len(rows) - 1 - i for i, (key, _) in enumerate(rows)}
    for theme, colour in THEME_COLOURS.items():  # a theme without sessions is neither drawn nor named
        part = sessions[sessions["theme"] == theme]
        if part.empty:
            continue
        ax.scatter(pd.to_datetime(part["date"]), part["initiative_id"].map(index), color=colour, s=24, zorder=3,
                   marker=THEME_MARKERS[theme], edgecolors=INK, linewidths=0.4, label=tr.t(f"theme.{theme}"))
    other = sessions[~sessions["theme"].isin(list(THEME_COLOURS))]
    if len(other):
        ax.scatter(pd.to_datetime(other["date"]), other["initiative_id"].map(index), color=MUTED, s=24, zorder=3,
                   marker=THEME_MARKERS["other"], edgecolors=INK, linewidths=0.4, label=tr.t("theme.other"))
    for i in range(len(rows)):
        ax.axhline(i, color="#e3e3e3", linewidth=0.6, zorder=1)
    ax.set_yticks(list(range(len(rows)))[::-1], [label for _, label in rows])
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 3, 5, 7, 9, 11)))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda v, _: tr.short_month(mdates.num2date(v).date())))
    _legend_if(fig, ax.get_legend_handles_labels()[0], loc="outside lower center", ncols=3, fontsize=7)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    return fig
