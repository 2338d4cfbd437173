"""A picture of the rounds on a time axis, as SVG: venue, observers, US boycott, Sochi rounds.

Drawn by hand as SVG (no plotting library): one marker per round at its
start date, coloured by the venue's name at the time, its number above; below,
one row per observer with a dot where it observed the round and a cross where
it refused to attend; the years from the US boycott onwards shaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from .prefixes import PREFIXES

if TYPE_CHECKING:
    from .sparql import Sparql

VENUE_COLOURS = {"Astana": "#1f6fb4", "Nur-Sultan": "#2a9d8f", "Sochi": "#e76f51"}
OBSERVERS = [("united-nations", "UN"), ("jordan", "Jordan"), ("united-states", "United States"),
             ("lebanon", "Lebanon"), ("iraq", "Iraq")]


@dataclass
class RoundMark:
    number: int
    start: datetime.date
    venue_name: str
    observers: set[str] = field(default_factory=set)
    boycotts: set[str] = field(default_factory=set)


def rounds_for_timeline(sparql: Sparql) -> list[RoundMark]:
    """The rounds with a start date, their venue name at the time, observers and boycotts."""
    rows = sparql.query("""
        SELECT ?number ?start ?venueName ?observer ?boycott WHERE {
            ?round ap:roundNumber ?number ; ap:startDate ?start .
            FILTER (DATATYPE(?start) = xsd:date)
            OPTIONAL { ?round ap:venueNameAsStated ?venueName }
            OPTIONAL { ?round ap:hasObserver ?observer }
            OPTIONAL { ?round ap:boycottedBy ?boycott }
        } ORDER BY ?number""", prefixes=PREFIXES).rows
    marks: dict[int, RoundMark] = {}
    for row in rows:
        number = int(row["number"].value)
        mark = marks.setdefault(number, RoundMark(number, datetime.date.fromisoformat(row["start"].value),
                                                  row["venueName"].value if "venueName" in row else "Astana"))
        if "observer" in row:
            mark.observers.add(row["observer"].value.rsplit("/", 1)[1])
        if "boycott" in row:
            mark.boycotts.add(row["boycott"].value.rsplit("/", 1)[1])
    return [marks[n] for n in sorted(marks)]


def timeline_svg(marks: list[RoundMark]) -> str:
    """The SVG document."""
    left, right, width = 130, 30, 1400
    top, axis_y, row_height = 70, 190, 26
    first_year = min(m.start.year for m in marks)
    last_year = max(m.start.year for m in marks) + 1
    span = (datetime.date(last_year, 1, 1) - datetime.date(first_year, 1, 1)).days

    def x(day: datetime.date) -> float:
        return left + (width - left - right) * (day - datetime.date(first_year, 1, 1)).days / span

    height = axis_y + 40 + row_height * len(OBSERVERS) + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           '<text x="20" y="28" font-size="18" font-weight="bold">The Astana Process: rounds 1 to '
           f'{max(m.number for m in marks)}, {first_year} to {last_year - 1}</text>']
    boycott_start = min((m.start for m in marks if "united-states" in m.boycotts and m.start.year > 2019), default=None)
    observer_top = axis_y + 40
    if boycott_start:
        out.append(f'<rect x="{x(boycott_start) - 6:.1f}" y="{top}" width="{width - right - x(boycott_start) + 6:.1f}" '
                   f'height="{observer_top + row_height * len(OBSERVERS) - top}" fill="#f4e3e3"/>')
        out.append(f'<text x="{x(boycott_start) + 4:.1f}" y="{top + 14}" fill="#9b2226">US boycott from round '
                   f'{min(m.number for m in marks if m.start == boycott_start)} on</text>')
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#333"/>')
    for year in range(first_year, last_year + 1):
        xx = x(datetime.date(year, 1, 1))
        out.append(f'<line x1="{xx:.1f}" y1="{axis_y - 5}" x2="{xx:.1f}" y2="{axis_y + 5}" stroke="#333"/>')
        out.append(f'<text x="{xx:.1f}" y="{axis_y + 20}" text-anchor="middle">{year}</text>')
    for index, mark in enumerate(marks):
        xx = x(mark.start)
        colour = VENUE_COLOURS.get(mark.venue_name, "#777")
        lift = 22 if index % 2 else 0  # stagger the numbers of rounds that fall close together
        out.append(f'<line x1="{xx:.1f}" y1="{axis_y - 38 - lift}" x2="{xx:.1f}" y2="{axis_y}" stroke="{colour}"/>')
        shape = (f'<rect x="{xx - 7:.1f}" y="{axis_y - 7}" width="14" height="14" fill="{colour}"/>'
                 if mark.venue_name == "Sochi" else f'<circle cx="{xx:.1f}" cy="{axis_y}" r="7" fill="{colour}"/>')
        out.append(f'<g><title>Round {mark.number}: {mark.start.isoformat()}, {escape(mark.venue_name)}</title>{shape}</g>')
        out.append(f'<text x="{xx:.1f}" y="{axis_y - 42 - lift}" text-anchor="middle" font-weight="bold">{mark.number}</text>')
    for row, (slug, label) in enumerate(OBSERVERS):
        yy = observer_top + row_height * row
        out.append(f'<text x="{left - 10}" y="{yy + 4}" text-anchor="end">{escape(label)}</text>')
        out.append(f'<line x1="{left}" y1="{yy}" x2="{width - right}" y2="{yy}" stroke="#ddd"/>')
        for mark in marks:
            xx = x(mark.start)
            if slug in mark.observers:
                out.append(f'<circle cx="{xx:.1f}" cy="{yy}" r="5" fill="#444"/>')
            elif slug in mark.boycotts:
                out.append(f'<path d="M{xx - 5:.1f},{yy - 5} l10,10 m0,-10 l-10,10" stroke="#9b2226" stroke-width="2"/>')
    legend_y = observer_top + row_height * len(OBSERVERS) + 20
    out.append(f'<text x="{left}" y="{legend_y}">Venue as named at the time:</text>')
    lx = left + 190
    for name, colour in VENUE_COLOURS.items():
        marker = (f'<rect x="{lx}" y="{legend_y - 11}" width="12" height="12" fill="{colour}"/>' if name == "Sochi"
                  else f'<circle cx="{lx + 6}" cy="{legend_y - 5}" r="6" fill="{colour}"/>')
        out.append(marker + f'<text x="{lx + 18}" y="{legend_y}">{name}</text>')
        lx += 130
    out.append(f'<circle cx="{lx + 6}" cy="{legend_y - 5}" r="5" fill="#444"/><text x="{lx + 18}" y="{legend_y}">observed</text>')
    out.append(f'<path d="M{lx + 101},{legend_y - 10} l10,10 m0,-10 l-10,10" stroke="#9b2226" stroke-width="2"/>'
               f'<text x="{lx + 118}" y="{legend_y}">refused to attend</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
