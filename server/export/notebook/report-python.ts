/**
 * Python shared by the data-exploration and run-report notebooks: imports, and charts that draw with matplotlib when it
 * is installed and print as text otherwise, so the notebooks run headless in any Python with pandas and NumPy.
 * Static code only: no data is ever interpolated here (data enters notebooks through py-literal.ts).
 */
export const PLOT_HELPERS = String.raw`import math
import warnings

import numpy as np
import pandas as pd

try:
    import matplotlib.pyplot as plt

    HAVE_PLOTS = True
except ImportError:  # without matplotlib every chart below prints as text
    plt = None
    HAVE_PLOTS = False

# a value in a script the chart font lacks shows as a box; the warning about it says nothing more
warnings.filterwarnings("ignore", message="Glyph .* missing from font")
pd.set_option("display.width", 140)
pd.set_option("display.max_columns", 60)
pd.set_option("display.max_colwidth", 60)


def short(text, width=40):
    """a value as one line of at most width characters (values are shown, never run)"""
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "\u2026"


def plot_label(text, width=40):
    # matplotlib reads $...$ as math: escape the dollars so a value shows as written
    return short(text, width).replace("$", r"\$")


def text_bars(title, labels, values, unit=""):
    """one line per value: its label, a bar of # as long as its share of the largest, and the value"""
    labels = [short(label) for label in labels]
    values = [float(v) for v in values]
    print(title)
    if not values:
        print("  (nothing to show)")
        return
    top = max(abs(v) for v in values) or 1.0
    width = max(len(label) for label in labels)
    for label, v in zip(labels, values):
        print(f"  {label:<{width}} | {'#' * int(round(30 * abs(v) / top)):<30} {v:g}{unit}")


def bar_chart(title, labels, values, xlabel="rows"):
    """horizontal bars, in the order given (top to bottom)"""
    labels = list(labels)
    values = [float(v) for v in values]
    if not HAVE_PLOTS:
        text_bars(title, labels, values)
        return
    y = np.arange(len(values))
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(values) + 1.3))
    ax.barh(y, values)
    ax.set_yticks(y)
    ax.set_yticklabels([plot_label(label) for label in labels])
    ax.invert_yaxis()
    ax.set_title(plot_label(title, 80))
    ax.set_xlabel(xlabel)
    fig.tight_layout()
    plt.show()


def histogram(title, values, bins=20):
    """the distribution of numbers (missing values left out)"""
    values = pd.Series(values, dtype="float64").dropna()
    if values.empty:
        print(f"{short(title, 80)}: no values")
        return
    if not HAVE_PLOTS:
        counts, edges = np.histogram(values, bins=min(bins, 10))
        labels = [f"[{edges[i]:.4g}, {edges[i + 1]:.4g}{']' if i == len(counts) - 1 else ')'}" for i in range(len(counts))]
        text_bars(title, labels, counts)
        return
    fig, ax = plt.subplots(figsize=(6, 2.4))
    ax.hist(values, bins=bins)
    ax.set_title(plot_label(title, 80))
    ax.set_ylabel("rows")
    fig.tight_layout()
    plt.show()


print("pandas", pd.__version__, "| numpy", np.__version__, "| charts:", "matplotlib" if HAVE_PLOTS else "text (matplotlib is not installed)")
`;
