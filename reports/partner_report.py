"""The report for the partners' monthly meeting: one self-contained HTML page.

Plots are drawn with matplotlib (no pyplot state, the Agg renderer) and embedded as base64
PNG images, the styles are inline: the file can be mailed or opened offline, and loads
nothing from anywhere. Figures come from warehouse/figures.py (the analyst views).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from pathlib import Path

import duckdb
import pandas as pd
from matplotlib.figure import Figure

from resque.errors import ResqueError
from resque.warehouse.figures import report_data

TOP_SECTORS = 12
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
STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #222; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 2px solid #305496;
     padding-bottom: 0.2rem; }
.meta { color: #666; margin-top: 0; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0; }
.figure { background: #f2f5fa; border-radius: 6px; padding: 0.8rem 1.2rem; min-width: 150px; }
.figure b { display: block; font-size: 1.6rem; color: #305496; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin-top: 0.8rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.7rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f2f5fa; }
.note { color: #666; font-size: 0.85rem; }
"""


def write_report(con: duckdb.DuckDBPyConnection, out: str | Path) -> Path:
    """Write the partner report for the data behind `con` to `out` (an HTML file).

    Returns:
        The written path. Raises ResqueError when the file cannot be written.
    """
    out = Path(out)
    page = build_report(report_data(con))
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ResqueError(f"{out}: cannot write the report ({exc.strerror})") from exc
    return out


def build_report(data: dict[str, pd.DataFrame]) -> str:
    """The whole HTML page from the report's tables."""
    head = data["headline"].iloc[0]
    sections = [
        _section(
            "Stellen im Zeitverlauf nach Quelle",
            _weekly_plot(data["weekly_by_source"]),
            "Angebote je Woche der Veröffentlichung (ohne Datum: Woche der ersten Erfassung).",
        ),
        _section(
            "Offene Stellen nach Branche",
            _sector_plot(data["sectors"]),
            f"Aktive Stellen (nach Zusammenführung), die {TOP_SECTORS} häufigsten Branchen.",
        ),
        _section(
            "Doppelte Angebote je Quelle",
            _duplicate_plot(data["duplicates"]),
            "Anteil der Angebote einer Quelle, die mit einem anderen Angebot zu einer Stelle "
            "zusammengeführt wurden.",
            _duplicate_table(data["duplicates"]),
        ),
        _section(
            "Vorschläge je teilnehmender Person",
            _match_plot(data["match_distribution"]),
            "Aktive Teilnehmende nach Zahl der Vorschläge im letzten Abgleich-Lauf"
            + (f" (Lauf {int(head['match_run_id'])})." if pd.notna(head["match_run_id"]) else "."),
        ),
    ]
    as_of = head["data_as_of"]
    stamp = f"{as_of:%d.%m.%Y %H:%M} UTC" if pd.notna(as_of) else "noch keine Läufe"
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>resque: Bericht für das Partnertreffen</title><style>{STYLE}</style></head>"
        "<body><h1>Stellen und Vorschläge: Bericht für das Partnertreffen</h1>"
        f'<p class="meta">Datenstand {html.escape(stamp)} · erstellt am '
        f"{dt.date.today():%d.%m.%Y}</p>" + _figures(head) + "".join(sections) + "</body></html>\n"
    )


def _figures(head: pd.Series) -> str:
    """The headline figures as tiles."""
    matched = int(head["matched_participants"])
    tiles = [
        (head["active_vacancies"], "offene Stellen"),
        (head["active_postings"], "aktive Angebote"),
        (head["sources"], "Quellen"),
        (head["participants"], "aktive Teilnehmende"),
        (matched, "davon mit Vorschlägen"),
    ]
    cells = "".join(f'<div class="figure"><b>{int(v):,}</b>{t}</div>' for v, t in tiles)
    return f'<div class="figures">{cells.replace(",", ".")}</div>'


def _section(title: str, image: str, note: str, extra: str = "") -> str:
    return f'<h2>{html.escape(title)}</h2>{image}<p class="note">{html.escape(note)}</p>{extra}'


def _png(figure: Figure, alt: str) -> str:
    """The figure as an inline PNG image."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _empty(text: str) -> str:
    return f'<p class="note"><i>{html.escape(text)}</i></p>'


def _axes(width: float, height: float):
    figure = Figure(figsize=(width, height))
    axes = figure.subplots()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y" if width > height else "x", color="#e5e5e5")
    axes.set_axisbelow(True)
    return figure, axes


def _weekly_plot(frame: pd.DataFrame) -> str:
    """Stacked bars: postings per week, one colour per source."""
    if frame.empty:
        return _empty("Noch keine Angebote.")
    table = frame.pivot_table(index="week", columns="source", values="postings", fill_value=0)
    table = table.sort_index()
    figure, axes = _axes(10, 4.2)
    bottom = pd.Series(0, index=table.index)
    labels = [f"{pd.Timestamp(w):%d.%m.}" for w in table.index]
    for number, source in enumerate(table.columns):
        axes.bar(
            labels,
            table[source],
            bottom=bottom,
            label=source,
            color=COLOURS[number % len(COLOURS)],
        )
        bottom += table[source]
    axes.set_ylabel("Angebote")
    axes.set_xlabel("Woche ab")
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _png(figure, "Angebote je Woche nach Quelle")


def _sector_plot(frame: pd.DataFrame) -> str:
    """Horizontal bars: active vacancies of the most frequent sectors, the rest together."""
    if frame.empty:
        return _empty("Keine offenen Stellen.")
    top = frame.head(TOP_SECTORS)
    rest = int(frame["vacancies"].iloc[TOP_SECTORS:].sum())
    if rest:
        top = pd.concat([top, pd.DataFrame({"sector": ["übrige Branchen"], "vacancies": [rest]})])
    top = top.iloc[::-1]
    figure, axes = _axes(10, 0.38 * len(top) + 1)
    bars = axes.barh(top["sector"], top["vacancies"], color=COLOURS[0])
    axes.bar_label(bars, padding=3, fontsize=8)
    axes.set_xlabel("offene Stellen")
    return _png(figure, "Offene Stellen nach Branche")


def _duplicate_plot(frame: pd.DataFrame) -> str:
    """Horizontal bars: share of each source's postings merged with another posting."""
    if frame.empty:
        return _empty("Noch keine Angebote.")
    frame = frame.sort_values("duplicate_rate")
    figure, axes = _axes(10, 0.42 * len(frame) + 1)
    bars = axes.barh(frame["source"], frame["duplicate_rate"] * 100, color=COLOURS[1])
    axes.bar_label(
        bars, labels=[f"{v:.0%}" for v in frame["duplicate_rate"]], padding=3, fontsize=8
    )
    axes.set_xlabel("Anteil doppelter Angebote (%)")
    axes.set_xlim(0, 105)
    return _png(figure, "Anteil doppelter Angebote je Quelle")


def _duplicate_table(frame: pd.DataFrame) -> str:
    """The numbers behind the duplicate plot."""
    if frame.empty:
        return ""
    header = (
        "<tr><th>Quelle</th><th>Angebote</th><th>Stellen</th><th>mit Doppel</th>"
        "<th>auch in anderen Quellen</th><th>Anteil doppelt</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{html.escape(str(r.source))}</td><td>{r.postings}</td><td>{r.vacancies}</td>"
        f"<td>{r.postings_with_twin}</td><td>{r.postings_in_other_sources}</td>"
        f"<td>{r.duplicate_rate:.0%}</td></tr>"
        for r in frame.itertuples(index=False)
    )
    return f"<table>{header}{rows}</table>"


def _match_plot(frame: pd.DataFrame) -> str:
    """Bars: how many active participants got 0, 1, 2, ... matches."""
    if frame.empty or frame["participants"].sum() == 0:
        return _empty("Noch keine aktiven Teilnehmenden oder kein Abgleich-Lauf.")
    counts = frame.set_index("matches")["participants"]
    counts = counts.reindex(range(int(counts.index.max()) + 1), fill_value=0)  # show gaps as 0
    figure, axes = _axes(10, 3.6)
    colours = [COLOURS[5] if m == 0 else COLOURS[2] for m in counts.index]
    bars = axes.bar(counts.index.astype(str), counts.to_numpy(), color=colours)
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.set_xlabel("Vorschläge je Person (0 = kein passendes Angebot)")
    axes.set_ylabel("Teilnehmende")
    return _png(figure, "Teilnehmende nach Zahl der Vorschläge")
