"""The briefing pack's text as HTML (Qt-free): a cover, a section per trust and a method and sources page.

Qt's rich-text engine lays it out on A4 (ui.pdf).  Maps and score bars are
<img> placeholders ("map:CODE", "bar:SCORE") with their size in millimetres,
drawn as vector graphics by the PDF writer.  Black and greys only, so that a
printout in greyscale loses nothing.
"""

from __future__ import annotations

from html import escape

from trustmatch.export import briefing as content
from trustmatch.export import trust_html
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.evidence import character_in_words

MAP_WIDTH_MM, MAP_HEIGHT_MM = 174, 100
MEMBERS_LISTED = 15
TABLE = "<table width='100%' cellpadding='2' cellspacing='0'>"  # the nearest ones; the workbook lists them all

STYLE = """
body { font-family: 'DejaVu Sans', 'Arial', sans-serif; font-size: 9.5pt; color: #000000; }
h1 { font-size: 17pt; font-weight: bold; margin-top: 0; margin-bottom: 4pt; }
h2 { font-size: 12pt; font-weight: bold; margin-top: 10pt; margin-bottom: 3pt; }
h3 { font-size: 10pt; font-weight: bold; margin-top: 6pt; margin-bottom: 1pt; }
p { margin-top: 2pt; margin-bottom: 4pt; }
td, th { vertical-align: top; }
th { text-align: left; font-weight: bold; border-bottom: 1px solid #000000; }
.small { font-size: 8pt; color: #333333; }
.label { font-weight: bold; white-space: nowrap; }
.score { font-weight: bold; text-align: right; }
.num { text-align: right; }
.caption { font-size: 8pt; color: #333333; margin-top: 1pt; }
"""


def _e(value) -> str:
    return escape(str(value))


_rows = trust_html.rows


def _school_line(school) -> str:
    pupils = f"{school.pupils:,} pupils" if school.pupils is not None else "pupils not recorded"
    return f"{_e(school.phase)}, {_e(school.type)}, {_e(character_in_words(school.religious_character))}; {pupils}"


def cover(b) -> str:
    school = b.school
    current = f"{_e(school.trust_name)} ({_e(school.trust_type)})" if school.trust_name else "not in a trust"
    parts = [
        f"<h1>{_e(b.title)}</h1>",
        f"<p>A briefing prepared on {_e(b.created_text)} with TrustMatch {_e(b.version)}, from the DfE register of "
        f"schools (Get Information about Schools) of {_e(b.data_date_text)}.</p>",
        "<h2>The school</h2><table cellpadding='2' cellspacing='0'>",
        _rows(
            [
                ("School", f"<b>{_e(school.name)}</b> (URN {school.urn})"),
                ("", _school_line(school)),
                ("Where", f"{_e(school.town)} {_e(school.postcode)}; {_e(school.la_name)}, {_e(school.region)}"),
                ("Now", current),
            ]
        ),
        "</table><h2>Settings</h2><table cellpadding='2' cellspacing='0'>",
        _rows(
            [
                ("Weights", _e(b.weights_text)),
                ("Filters", _e(b.filters_text)),
            ]
        ),
        "</table><h2>The method in brief</h2>",
        f"<p>{_e(content.METHOD)}</p>",
        "<h2>The trusts in this pack</h2>",
        # the ranking's notice (a nursery school; its own trust not listed) where the list starts
        f"<p><b>{_e(b.notice)}</b></p>" if b.notice else "",
        f"{TABLE}<tr><th>#</th><th>Trust</th><th class='score'>Total</th>",
        "".join(f"<th class='score'>{c.capitalize()}</th>" for c in CRITERIA),
        "<th class='num'>Nearest</th>" + ("<th>&nbsp;&nbsp;Status</th>" if b.has_notes else "") + "</tr>",
    ]
    for t in b.trusts:
        c = t.candidate
        parts.append(
            f"<tr><td>{c.rank if c.rank is not None else '-'}</td><td>{_e(t.name)}</td>"
            f"<td class='score'>{c.total:.0f}</td>"
            + "".join(f"<td class='score'>{c.scores[n]:.0f}</td>" for n in CRITERIA)
            + f"<td class='num'>{c.nearest_km:.1f} km</td>"
            + (f"<td>&nbsp;&nbsp;{_e(t.note.status)}</td>" if b.has_notes and t.note else "")
            + "</tr>"
        )
    parts.append("</table>")
    if b.missing:
        gone = _e(", ".join(b.missing))
        parts.append(f"<p class='small'>Not in the data of {_e(b.data_date_text)} and so left out: {gone}.</p>")
    return "".join(parts)


def trust_section(b, t) -> str:
    c, trust, shape = t.candidate, t.trust, t.shape
    heading = f"{c.rank}. {_e(t.name)}" if c.rank is not None else _e(t.name)
    parts = [
        f"<h1 style='page-break-before: always'>{heading}</h1>",
        f"<p>Group UID {_e(t.code)} &middot; "
        + (f"<b>total {c.total:.0f} of 100</b>, " if c.schools else "")  # no school but this one: nothing to total
        + trust_html.rank_text(c)
        + (" &middot; <i>the school's current trust, scored without it</i>" if c.is_current_trust else "")
        + "</p>",
        f"<p><img src='map:{_e(t.code)}' width='{MAP_WIDTH_MM}' height='{MAP_HEIGHT_MM}'></p>",
        "<p class='caption'>Black square: the school. Grey dots: the trust's schools (ringed: the nearest). "
        "Dashed circle: 10 km around the school. Lines: local authority and region boundaries.</p>",
    ]
    if t.note is not None:
        decision = t.note.decision or "Undecided"
        parts.append("<h2>Our notes</h2><table cellpadding='2' cellspacing='0'>")
        parts.append(_rows([("Status", _e(t.note.status)), ("Decision", _e(decision))]))
        if t.note.decision_note:
            parts.append(_rows([("Why", _e(t.note.decision_note))]))
        if t.note.notes:
            parts.append(_rows([("Notes", _e(t.note.notes).replace("\n", "<br>"))]))
        parts.append("</table>")

    parts.append(trust_html.trust_body(trust, c, shape, t.evidence, weights=b.weights, bars=True))
    parts.append(f"<h2>Its schools nearest to {_e(b.school.name)}</h2>")
    parts.append(
        f"{TABLE}<thead><tr><th>School</th><th>Phase</th><th>Religious character</th><th>Town</th>"
        "<th class='num'>Pupils</th><th class='num'>km</th></tr></thead>"  # a header row repeated on each page
    )
    for school, km in t.members[:MEMBERS_LISTED]:
        pupils = f"{school.pupils:,}" if school.pupils is not None else "-"
        parts.append(
            f"<tr><td>{_e(school.name)}</td><td>{_e(school.phase)}</td><td>{_e(school.religious_character)}</td>"
            f"<td>{_e(school.town)}</td><td class='num'>{pupils}</td><td class='num'>{km:.1f}</td></tr>"
        )
    parts.append("</table>")
    if len(t.members) > MEMBERS_LISTED:
        parts.append(
            f"<p class='small'>And {len(t.members) - MEMBERS_LISTED} more; the Excel export lists them all.</p>"
        )
    return "".join(parts)


def sources(b) -> str:
    study = content.study()
    backtest = content.backtest()
    head = "".join(f"<th class='score'>{_e(c)}</th>" for c in backtest["columns"])
    rows = "".join(
        f"<tr><td>{_e(r['ranking'])}</td>"
        + "".join(
            f"<td class='score'>{r[c]:.2f}</td>" if isinstance(r[c], float) else f"<td class='score'>{r[c]}</td>"
            for c in backtest["columns"]
        )
        + "</tr>"
        for r in backtest["rows"]
    )
    measures = "; ".join(f"{_e(k)}: {_e(v)}" for k, v in backtest["measures"].items())
    return "".join(
        [
            "<h1 style='page-break-before: always'>Method and sources</h1>",
            f"<p>{_e(content.METHOD)}</p>",
            f"<h2>{_e(backtest['title'])}</h2>",
            f"<p>{_e(backtest['window'])}</p>",
            f"{TABLE}<tr><th>Ranking</th>{head}</tr>{rows}</table>",
            f"<p class='small'>{measures}. {_e(backtest['caveat'])}</p>",
            "<h2>Evidence</h2>",
            f"<p>{_e(study['publisher'])}, {_e(study['date'])}: <i>{_e(study['title'])}</i>. {_e(study['url'])}</p>",
            f"<p class='small'>{_e(study['method'])}</p>",
            "".join(
                f"<p class='small'><b>{_e(s.short)}</b>: {_e(s.citation)} {_e(s.caveat)}</p>" for s in content.sources()
            ),
            f"<p class='small'>{_e(content.evidence_disclaimer())}</p>",
            "<h2>Data and licence</h2>",
            "".join(f"<p>{_e(line)}</p>" for line in b.attribution),
            "<p class='small'>Maps: local authority and region boundaries from the Office for National Statistics "
            "(generalised), drawn with the schools' own grid references.</p>",
        ]
    )


def pack_html(b) -> str:
    return f"<html><body>{cover(b)}{''.join(trust_section(b, t) for t in b.trusts)}{sources(b)}</body></html>"
