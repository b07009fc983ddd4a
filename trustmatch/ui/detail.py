"""The detail panel: the selected trust's facts, why it scores as it does, and the DfE evidence beside it.

The HTML is the briefing pack's own (export.trust_html), so the panel and the PDF
say the same thing; the panel adds colour and links each source to its citation.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTextBrowser

from trustmatch.export import trust_html
from trustmatch.fit import evidence

STYLE = """
h1 { font-size: x-large; font-weight: bold; margin-bottom: 2px; }
h2 { font-size: large; font-weight: bold; margin-top: 10px; margin-bottom: 2px; }
h3 { font-size: medium; font-weight: bold; color: #1a3d6e; margin-top: 8px; margin-bottom: 0px; }
th { text-align: left; font-weight: bold; }
td { padding-right: 4px; }
.label { font-weight: bold; white-space: nowrap; }
.score { font-weight: bold; text-align: right; }
.small { color: #444444; }
.benefit { color: #00603f; }
.obstacle { color: #8a3b00; }
.context { color: #222222; }
"""


def panel_html(school, trust, candidate, shape) -> str:
    """HTML for one trust against the chosen school (school and candidate may be None)."""
    if trust is None:
        return "<p>Choose a school, then a candidate trust, to see why it scores as it does.</p>"
    parts = [f"<h1>{escape(trust.name)}</h1>"]
    parts.append(f"<p>Group UID {escape(trust.code)} &middot; {escape(trust.type)}")
    if candidate is not None:
        total = f", total {candidate.total:.0f}" if candidate.schools else ""  # no school: nothing to total
        parts.append(f" &middot; <b>{escape(trust_html.rank_text(candidate))}{total}</b>")
        if candidate.is_current_trust:
            parts.append(" &middot; <i>the school's current trust, scored without the school</i>")
    parts.append("</p>")
    scored = school is not None and candidate is not None and shape is not None
    content = evidence.evidence_for(school, trust, candidate, shape) if scored else None
    parts.append(trust_html.trust_body(trust, candidate, shape, content, linked=True))
    return "".join(parts)


class DetailPanel(QTextBrowser):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("detail")
        self.setAccessibleName("Selected trust details")
        self.setOpenLinks(False)
        self.document().setDefaultStyleSheet(STYLE)
        self.anchorClicked.connect(self._source)
        self.setHtml(panel_html(None, None, None, None))

    def show_trust(self, school, trust, candidate, shape) -> None:
        self.setHtml(panel_html(school, trust, candidate, shape))

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
