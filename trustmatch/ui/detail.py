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
        study = evidence.load()["study"]
        parts.append("<h3>Perceived benefits and obstacles (DfE, 2021)</h3>")
        for item in evidence.items_for(school, trust, candidate, shape):
            colour = {"benefit": "#00603f", "obstacle": "#8a3b00"}.get(item.kind, "#222222")
            label = f"{item.kind.capitalize()}: " if item.kind in ("benefit", "obstacle") else ""
            parts.append(f"<p><b style='color:{colour}'>{label}{escape(item.title)}</b><br>")
            for figure in item.figures:
                parts.append(
                    f"{figure.percent}% {escape(figure.text)} ({figure.phase} schools) "
                    f"<a href='source:study'>[DfE {escape(study['date'][-4:])}]</a><br>"
                )
            if not item.figures:
                parts.append("<i>Named by school leaders as a benefit; no percentage published</i> "
                             "<a href='source:benefits'>[source]</a><br>")
            parts.append(f"<span style='color:#333'>This trust: {escape(item.this_trust)}</span></p>")
        parts.append(f"<p><small><i>{escape(evidence.load()['disclaimer'])}</i></small></p>")
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
        study = evidence.load()["study"]
        if url.toString() == "source:benefits":
            text = study["benefits_source"]
        else:
            text = (
                f"<b>{escape(study['publisher'])}, {escape(study['date'])}</b><br>{escape(study['title'])}<br><br>"
                f"{escape(study['method'])}<br><br><i>{escape(study['caveat'])}</i><br><br>"
                f"<a href='{escape(study['url'])}'>{escape(study['url'])}</a>"
            )
        box = QMessageBox(QMessageBox.Information, "Source", text, QMessageBox.Close, self)
        box.setTextFormat(Qt.RichText)
        box.setTextInteractionFlags(Qt.TextBrowserInteraction)
        box.open()
