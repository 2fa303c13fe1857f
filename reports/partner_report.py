"""The report for the partners' monthly meeting: one self-contained HTML page.

The page is the Jinja2 template reports/templates/partner_report.html, autoescaped: source
names, sectors and the rest come from the warehouse and the config, and a `<` or `&` in
them must stay text. Plots are drawn with matplotlib (no pyplot state, the Agg renderer)
and embedded as base64 PNG images, the styles are inline: the file can be mailed or opened
offline, and loads nothing from anywhere. Figures come from warehouse/figures.py (the
analyst views). Sources appear by their display names (reports/source_names.py, the
config's `display_name` first), times in German local time: the warehouse stores UTC.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import jinja2
import pandas as pd
from matplotlib.figure import Figure

from resque.errors import ResqueError
from resque.reports.source_names import display_name
from resque.warehouse.figures import report_data

LOCAL = ZoneInfo("Europe/Berlin")
TOP_SECTORS = 12
WEEKS = 26  # as in warehouse/sql/report_vacancies_by_week.sql
COLOURS = [
    "#305496",
    "#ed7d31",
    "#70ad47",
    "#ffc000",
    "#5b9bd5",
    "#a5a5a5",
    "#9e480e",
    "#264478",
    "#636363",
    "#43682b",
]
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("resque.reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,  # a context name the template misspells fails loudly
    keep_trailing_newline=True,
)
Names = Callable[[str], str]


def _number(value) -> str:
    """A count the German way: 1.234."""
    return f"{int(value):,}".replace(",", ".")


TEMPLATES.filters["number"] = _number


def write_report(
    con: duckdb.DuckDBPyConnection,
    out: str | Path,
    source_names: Mapping[str, str] | None = None,
) -> Path:
    """Write the partner report for the data behind `con` to `out` (an HTML file).

    Args:
        source_names: configured display names of sources (`display_name` in the config).
    Returns:
        The written path. Raises ResqueError when the file cannot be written.
    """
    out = Path(out)
    page = build_report(report_data(con), source_names)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ResqueError(f"{out}: cannot write the report ({exc.strerror})") from exc
    return out


def build_report(
    data: dict[str, pd.DataFrame],
    source_names: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The whole HTML page from the report's tables (`now`: when it is made, default now)."""
    head = data["headline"].iloc[0]

    def names(slug: str) -> str:
        return display_name(str(slug), source_names)

    by_week = data["vacancies_by_week"]
    undated = by_week[by_week["week"].isna()].sort_values("vacancies", ascending=False)
    return TEMPLATES.get_template("partner_report.html").render(
        data_as_of=local_time(head["data_as_of"]),
        created=f"{(now or dt.datetime.now(dt.UTC)).astimezone(LOCAL):%d.%m.%Y}",
        tiles=_tiles(head),
        weeks=WEEKS,
        top_sectors=TOP_SECTORS,
        weekly=_png(
            weekly_figure(by_week[by_week["week"].notna()], names), "Stellen je Woche nach Quelle"
        ),
        undated={
            "total": int(undated["vacancies"].sum()),
            "rows": [(names(r.source), _number(r.vacancies)) for r in undated.itertuples()],
        },
        sectors=_png(sector_figure(data["sectors"]), "Offene Stellen nach Branche"),
        duplicates=_png(
            duplicate_figure(data["duplicates"], names), "Anteil doppelter Angebote je Quelle"
        ),
        duplicate_rows=_duplicate_rows(data["duplicates"], names),
        matches=_png(
            match_figure(data["match_distribution"]), "Teilnehmende nach Zahl der Vorschläge"
        ),
        match_run_id=int(head["match_run_id"]) if pd.notna(head["match_run_id"]) else None,
    )


def local_time(utc: dt.datetime | pd.Timestamp | None) -> str | None:
    """A naive UTC timestamp of the warehouse as German local time: '05.12.2026 16:10'."""
    if utc is None or pd.isna(utc):
        return None
    return f"{pd.Timestamp(utc).tz_localize('UTC').tz_convert(LOCAL):%d.%m.%Y %H:%M}"


def _tiles(head: pd.Series) -> list[tuple[str, str]]:
    """The headline figures as (number, label) tiles."""
    return [
        (_number(head["active_vacancies"]), "offene Stellen"),
        (_number(head["active_postings"]), "aktive Angebote"),
        (_number(head["sources"]), "Quellen"),
        (_number(head["participants"]), "aktive Teilnehmende"),
        (_number(head["matched_participants"]), "davon mit Vorschlägen"),
    ]


def _png(figure: Figure | None, alt: str) -> dict[str, str] | None:
    """The figure as base64 PNG data for an inline image; None for no figure."""
    if figure is None:
        return None
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return {"alt": alt, "png": base64.b64encode(buffer.getvalue()).decode("ascii")}


def _axes(width: float, height: float):
    figure = Figure(figsize=(width, height))
    axes = figure.subplots()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y" if width > height else "x", color="#e5e5e5")
    axes.set_axisbelow(True)
    return figure, axes


def weekly_figure(frame: pd.DataFrame, names: Names) -> Figure | None:
    """Stacked bars: vacancies per week of first publication, one colour per source
    (dated vacancies only; None when there are none)."""
    if frame.empty:
        return None
    table = frame.pivot_table(index="week", columns="source", values="vacancies", fill_value=0)
    table = table.sort_index()
    figure, axes = _axes(10, 4.2)
    bottom = pd.Series(0, index=table.index)
    labels = [f"{pd.Timestamp(w):%d.%m.}" for w in table.index]
    for number, source in enumerate(table.columns):
        axes.bar(
            labels,
            table[source],
            bottom=bottom,
            label=names(source),
            color=COLOURS[number % len(COLOURS)],
        )
        bottom += table[source]
    axes.set_ylabel("neue Stellen")
    axes.set_xlabel("Woche ab")
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return figure


def sector_figure(frame: pd.DataFrame) -> Figure | None:
    """Horizontal bars: active vacancies of the most frequent sectors, the rest together."""
    if frame.empty:
        return None
    top = frame.head(TOP_SECTORS)
    rest = int(frame["vacancies"].iloc[TOP_SECTORS:].sum())
    if rest:
        top = pd.concat([top, pd.DataFrame({"sector": ["übrige Branchen"], "vacancies": [rest]})])
    top = top.iloc[::-1]
    figure, axes = _axes(10, 0.38 * len(top) + 1)
    bars = axes.barh(top["sector"], top["vacancies"], color=COLOURS[0])
    axes.bar_label(bars, padding=3, fontsize=8)
    axes.set_xlabel("offene Stellen")
    return figure


def duplicate_figure(frame: pd.DataFrame, names: Names) -> Figure | None:
    """Horizontal bars: share of each source's postings merged with another posting."""
    if frame.empty:
        return None
    frame = frame.sort_values("duplicate_rate")
    figure, axes = _axes(10, 0.42 * len(frame) + 1)
    labels = [names(s) for s in frame["source"]]
    bars = axes.barh(labels, frame["duplicate_rate"] * 100, color=COLOURS[1])
    axes.bar_label(
        bars, labels=[f"{v:.0%}" for v in frame["duplicate_rate"]], padding=3, fontsize=8
    )
    axes.set_xlabel("Anteil doppelter Angebote (%)")
    axes.set_xlim(0, 105)
    return figure


def _duplicate_rows(frame: pd.DataFrame, names: Names) -> list[tuple[str, ...]]:
    """The numbers behind the duplicate plot, one row per source."""
    return [
        (
            names(r.source),
            _number(r.postings),
            _number(r.vacancies),
            _number(r.postings_with_twin),
            _number(r.postings_in_other_sources),
            f"{r.duplicate_rate:.0%}",
        )
        for r in frame.itertuples(index=False)
    ]


def match_figure(frame: pd.DataFrame) -> Figure | None:
    """Bars: how many active participants got 0, 1, 2, ... matches."""
    if frame.empty or frame["participants"].sum() == 0:
        return None
    counts = frame.set_index("matches")["participants"]
    counts = counts.reindex(range(int(counts.index.max()) + 1), fill_value=0)  # show gaps as 0
    figure, axes = _axes(10, 3.6)
    colours = [COLOURS[5] if m == 0 else COLOURS[2] for m in counts.index]
    bars = axes.bar(counts.index.astype(str), counts.to_numpy(), color=colours)
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.set_xlabel("Vorschläge je Person (0 = kein passendes Angebot)")
    axes.set_ylabel("Teilnehmende")
    return figure
