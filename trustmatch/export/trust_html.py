"""One trust against one school as HTML: its facts, why it scores as it does, and the DfE evidence beside it.

Written once for the detail panel (ui.detail) and the PDF briefing pack
(export.pack), so the two always say the same thing.  Qt-free: each front end
gives the HTML its own look with a style sheet over these classes:

- `label` (a row's name), `score` (a figure), `small` (caveats, sources);
- `benefit`, `obstacle`, `context` (an evidence item's title, by kind);
- `evidence-heading` (the study's headings), `tie` (what the register says of this trust, also `small`).

The panel links each source (`linked`: <a href="source:KEY">, answered with
the citation); the pack names it in brackets and lists it on its sources page.
Score bars are <img src="bar:SCORE"> placeholders that only the PDF draws.
"""

from __future__ import annotations

from html import escape

from trustmatch.fit.criteria import CRITERIA

COUNTS_LISTED = 6  # names in a tally before "and N more"
HUBS_LISTED = 6
EVIDENCE_TITLE = "Perceived benefits and obstacles of joining a trust"
KIND_LABELS = {"benefit": "Benefit: ", "obstacle": "Obstacle: ", "context": ""}


def _e(value) -> str:
    return escape(str(value))


def rows(pairs) -> str:
    """Table rows of a name and its (already escaped) HTML value."""
    return "".join(f"<tr><td class='label'>{_e(k)}</td><td>{v}</td></tr>" for k, v in pairs)


def counts(mapping: dict[str, int], limit: int = COUNTS_LISTED) -> str:
    items = list(mapping.items())
    text = ", ".join(f"{_e(k)} {v}" for k, v in items[:limit])
    return (text + (f", and {len(items) - limit} more" if len(items) > limit else "")) or "none"


def rank_text(candidate) -> str:
    """Its place in the ranking, or why it has none (a trust the filters hide; the school's own trust of no other
    school, which is never listed)."""
    if candidate.rank is not None:
        return f"rank {candidate.rank}"
    if candidate.schools == 0:
        return "not listed: it has no school but this one"
    return "not listed under these filters"


def facts(trust, shape) -> str:
    """The trust's figures from the register (hubs as the school sees them: its own trust without it)."""
    fsm = f"{trust.fsm_pct:.1f}%" if trust.fsm_pct is not None else "not recorded"
    pairs = [
        ("Schools", f"{trust.school_count} ({counts(trust.schools_by_phase)})"),
        ("Pupils", f"{trust.pupils:,} in places for {trust.capacity:,}; free school meals {fsm}"),
        ("Religious character", counts(trust.religious_characters)),
        ("Dioceses", counts(trust.dioceses)),
        ("Local authorities", counts(trust.las)),
        ("Regions", counts(trust.regions)),
    ]
    if shape is not None:
        hubs = ", ".join(f"{_e(h.name)} ({h.size})" for h in shape.hubs[:HUBS_LISTED])
        more = f", and {shape.hub_count - HUBS_LISTED} more" if shape.hub_count > HUBS_LISTED else ""
        # the school's own trust of no other school has no hub: "0: ; spread 0 km" said nothing
        hubs_text = f"{shape.hub_count}: {hubs}{more}; spread {shape.spread_km:.0f} km" if shape.hub_count else "none"
        pairs.append(("Hubs", hubs_text))
    return f"<h2>The trust</h2><table cellpadding='2' cellspacing='0'>{rows(pairs)}</table>"


def scores(candidate, weights: dict[str, float] | None = None, bars: bool = False) -> str:
    """Each criterion's score and reason (with its weight and a bar when asked), then the robustness."""
    head = "<tr><th>Criterion</th>" + ("<th class='score'>Weight</th>" if weights else "")
    head += "<th class='score'>Score</th>" + ("<th></th>" if bars else "") + "<th>Reason</th></tr>"
    parts = ["<h2>Why it scores as it does</h2><table width='100%' cellpadding='2' cellspacing='0'>", head]
    measured = candidate.schools > 0  # a trust of no school but this one: its reasons say there is nothing to compare
    for name in CRITERIA:
        score = candidate.scores[name]
        parts.append(
            f"<tr><td class='label'>{name.capitalize()}</td>"
            + (f"<td class='score'>{weights[name]:g}</td>" if weights else "")
            + f"<td class='score'>{f'{score:.0f}' if measured else '-'}</td>"
            + (f"<td><img src='bar:{score if measured else 0:.1f}' width='22' height='3'></td>" if bars else "")
            + f"<td>{_e(candidate.reasons[name])}</td></tr>"
        )
    if candidate.robustness is not None:
        parts.append(
            f"<tr><td class='label'>Robustness</td>{'<td></td>' if weights else ''}"
            f"<td class='score'>{candidate.robustness * 100:.0f}%</td>{'<td></td>' if bars else ''}"
            "<td>of nearby weightings keep this trust in the top 5</td></tr>"
        )
    parts.append("</table>")
    return "".join(parts)


def _source(source, linked: bool) -> str:
    if linked:
        return f"<a href='source:{_e(source.key)}'>[{_e(source.short)}]</a>"
    return f"<span class='small'>[{_e(source.short)}]</span>"


def evidence(content, linked: bool = False) -> str:
    """The evidence under its headings: the caveat and disclaimer in plain view, each item with its source,
    the study's figures for the school's phase, and what the register says of this trust."""
    source_link = " <a href='source:dfe2021'>[source]</a>" if linked else ""
    parts = [
        f"<a name='evidence'></a><h2>{EVIDENCE_TITLE}</h2>",
        f"<p class='small'><i>{_e(content.caveat)}</i>{source_link}<br><i>{_e(content.disclaimer)}</i></p>",
    ]
    for heading in content.headings:
        items = content.under(heading)
        if not items:
            continue
        parts.append(f"<h3 class='evidence-heading'>{_e(heading.title)}</h3>")
        if heading.note:
            parts.append(f"<p class='small'><i>{_e(heading.note)}</i></p>")
        for item in items:
            figures = "".join(
                f"<br>{f.percent}% {_e(f.text)} ({f.phase} schools)"
                + (f" {_source(f.source, linked)}" if f.source != item.source else "")
                for f in item.figures
            )
            tie = f"<br><span class='small tie'>This trust: {_e(item.this_trust)}</span>"
            this_trust = tie if item.this_trust else ""
            parts.append(
                f"<p><b class='{item.kind}'>{KIND_LABELS[item.kind]}{_e(item.title)}</b> "
                f"{_source(item.source, linked)}{figures}{this_trust}</p>"
            )
    return "".join(parts)


def trust_body(trust, candidate, shape, content, weights=None, bars: bool = False, linked: bool = False) -> str:
    """Facts, scores (when the trust is scored for a school) and evidence (when there is some), in that order."""
    parts = [facts(trust, shape)]
    if candidate is not None:
        parts.append(scores(candidate, weights, bars))
    if content is not None:
        parts.append(evidence(content, linked))
    return "".join(parts)
