"""The detail panel: the selected trust's facts, why it scores as it does, and the DfE evidence beside it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTextBrowser

from trustmatch.fit import evidence
from trustmatch.fit.criteria import CRITERIA


def _counts(mapping: dict[str, int], limit: int = 8) -> str:
    items = list(mapping.items())
    text = ", ".join(f"{escape(k)} {v}" for k, v in items[:limit])
    return text + (f", and {len(items) - limit} more" if len(items) > limit else "")


KIND_COLOURS = {"benefit": "#00603f", "obstacle": "#8a3b00", "context": "#222222"}


def evidence_html(content: evidence.Evidence) -> str:
    """The evidence section: caveat and disclaimer in plain view, then each heading with its items."""
    parts = [
        "<a name='evidence'></a><h3>Perceived benefits and obstacles of joining a trust</h3>",
        f"<p style='color:#444'><i>{escape(content.caveat)}</i> <a href='source:dfe2021'>[source]</a><br>"
        f"<i>{escape(content.disclaimer)}</i></p>",
    ]
    for heading in content.headings:
        items = content.under(heading)
        if not items:
            continue
        parts.append(f"<h4 style='color:#1a3d6e'>{escape(heading.title)}</h4>")
        if heading.note:
            parts.append(f"<p style='color:#444'><i>{escape(heading.note)}</i></p>")
        for item in items:
            label = f"{item.kind.capitalize()}: " if item.kind != "context" else ""
            parts.append(
                f"<p><b style='color:{KIND_COLOURS[item.kind]}'>{escape(label + item.title)}</b> "
                f"<a href='source:{item.source.key}'>[{escape(item.source.short)}]</a>"
            )
            for figure in item.figures:
                parts.append(f"<br>{figure.percent}% {escape(figure.text)} ({figure.phase} schools)")
                if figure.source != item.source:
                    parts.append(f" <a href='source:{figure.source.key}'>[{escape(figure.source.short)}]</a>")
            if item.this_trust:
                parts.append(f"<br><span style='color:#333'>This trust: {escape(item.this_trust)}</span>")
            parts.append("</p>")
    return "".join(parts)


def trust_html(school, trust, candidate, shape) -> str:
    """HTML for one trust against the chosen school (school and candidate may be None)."""
    if trust is None:
        return "<p>Choose a school, then a candidate trust, to see why it scores as it does.</p>"
    parts = [f"<h2>{escape(trust.name)}</h2>"]
    parts.append(f"<p>Group UID {escape(trust.code)} &middot; {escape(trust.type)}")
    if candidate is not None:
        parts.append(f" &middot; <b>rank {candidate.rank}, total {candidate.total:.0f}</b>")
        if candidate.is_current_trust:
            parts.append(" &middot; <i>the school's current trust, scored without the school</i>")
    parts.append("</p>")
    parts.append("<table cellspacing='2'>")
    phases = ", ".join(f"{n} {p}" for p, n in trust.schools_by_phase.items())
    fsm = f"{trust.fsm_pct:.1f}%" if trust.fsm_pct is not None else "not recorded"
    rows = [
        ("Schools", f"{trust.school_count} ({escape(phases)})"),
        ("Pupils", f"{trust.pupils:,} in places for {trust.capacity:,}; free school meals {fsm}"),
        ("Religious character", _counts(trust.religious_characters)),
        ("Dioceses", _counts(trust.dioceses) or "none"),
        ("Local authorities", _counts(trust.las)),
        ("Regions", _counts(trust.regions)),
    ]
    if shape is not None:
        hubs = ", ".join(f"{escape(h.name)} ({h.size})" for h in shape.hubs[:6])
        more = f", and {shape.hub_count - 6} more" if shape.hub_count > 6 else ""
        rows.append(("Hubs", f"{shape.hub_count}: {hubs}{more}; spread {shape.spread_km:.0f} km"))
    parts += [f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows]
    parts.append("</table>")

    if candidate is not None:
        parts.append("<h3>Why it scores as it does</h3><table cellspacing='3'>")
        for name in CRITERIA:
            parts.append(
                f"<tr><td><b>{name.capitalize()}</b></td><td align='right'><b>{candidate.scores[name]:.0f}</b></td>"
                f"<td>{escape(candidate.reasons[name])}</td></tr>"
            )
        parts.append(
            f"<tr><td><b>Robustness</b></td><td align='right'><b>{candidate.robustness * 100:.0f}%</b></td>"
            "<td>of nearby weightings keep this trust in the top 5</td></tr></table>"
        )

    if school is not None and candidate is not None and shape is not None:
        parts.append(evidence_html(evidence.evidence_for(school, trust, candidate, shape)))
    return "".join(parts)


class DetailPanel(QTextBrowser):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("detail")
        self.setAccessibleName("Selected trust details")
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._source)
        self.setHtml(trust_html(None, None, None, None))

    def show_trust(self, school, trust, candidate, shape) -> None:
        self.setHtml(trust_html(school, trust, candidate, shape))

    def _source(self, url) -> None:
        key = url.toString().removeprefix("source:")
        source = evidence.sources().get(key)
        if source is None:
            return
        text = f"{escape(source.citation)}<br><br><i>{escape(source.caveat)}</i>"
        if key == "dfe2021":
            study = evidence.load()["study"]
            url = escape(study["url"])
            text += f"<br><br>{escape(study['method'])}<br><br><a href='{url}'>{url}</a>"
        box = QMessageBox(QMessageBox.Information, "Source", text, QMessageBox.Close, self)
        box.setTextFormat(Qt.RichText)
        box.setTextInteractionFlags(Qt.TextBrowserInteraction)
        box.open()
