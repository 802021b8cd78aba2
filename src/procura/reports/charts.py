"""Report charts with matplotlib (Agg) and the CJK font of the pinned font package.

PNG bytes without timestamps or software metadata, so the same data draws the same bytes.
"""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager

from procura.documents.pdf import font_path


@cache
def _font() -> str:
    path = str(font_path())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def lines(periods: list[str], series: dict[str, list[int]], title: str) -> bytes:
    """Monthly counts, one line per series (labels are the legend)."""
    plt.rcParams["font.family"] = _font()
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    for label, values in series.items():
        ax.plot(periods, values, marker="o", markersize=2.5, linewidth=1.4, label=label)
    ax.set_title(title, fontsize=11)
    ax.set_ylabel("件数 count")
    step = max(1, len(periods) // 8)
    ax.set_xticks(
        range(0, len(periods), step), [periods[i] for i in range(0, len(periods), step)], fontsize=8
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return _png(fig)


def bars(labels: list[str], values: list[int], title: str) -> bytes:
    """Horizontal bars, largest on top."""
    plt.rcParams["font.family"] = _font()
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * max(len(labels), 3) + 0.8))
    ax.barh(labels[::-1], values[::-1], color="#8c2d19")
    for i, v in enumerate(values[::-1]):
        ax.text(v, i, f" {v}", va="center", fontsize=8)
    ax.set_title(title, fontsize=11)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)
