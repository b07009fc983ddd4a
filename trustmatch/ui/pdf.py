"""The PDF briefing pack, with Qt's own PDF writer (QtGui only: no widgets, no extra dependency).

The pack's HTML (export.pack) is laid out by a QTextDocument on A4 pages and
painted page by page onto a QPdfWriter, with a footer and page numbers.  Maps
and score bars are drawn as vector paths where the HTML has placeholders, by a
text-object handler that replaces Qt's image handler.  The PDF is made in
memory and then written safely (files.write_bytes), so a full disk or a cancel
never leaves half a file.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QPyTextObject,
    QTextDocument,
    QTextFormat,
)

from trustmatch.data.basemap import Basemap
from trustmatch.export import pack
from trustmatch.export.files import ExportProblem, write_bytes
from trustmatch.fit.graph import DEFAULT_RADIUS_KM
from trustmatch.ui.page_breaks import keep_together

RESOLUTION = 300  # device units per inch: fine enough for text metrics; the drawing stays vector
MARGINS_MM = QMarginsF(18, 15, 18, 12)
FOOTER_MM = 8
INK = QColor("#000000")
DARK, MID, LIGHT, LAND = QColor("#404040"), QColor("#808080"), QColor("#b0b0b0"), QColor("#f0f0f0")

_app = None


def ensure_gui() -> QGuiApplication:
    """The Qt application fonts and painting need: the window's, or an offscreen one for the command line."""
    global _app
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = _app = QGuiApplication(["trustmatch-export"])
    return app


def pdf_font(point_size: float | None = None, pixel_size: int | None = None, bold: bool = False) -> QFont:
    """The pack's font, without ligatures: a PDF's "fi" glyph copies and searches as one odd character."""
    font = QFont("DejaVu Sans")
    for tag in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(tag), 0)
    if point_size is not None:
        font.setPointSizeF(point_size)
    if pixel_size is not None:
        font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


def mm(value: float) -> float:
    return value * RESOLUTION / 25.4


# --- the map ---------------------------------------------------------------------------


class _Layer:
    """One boundary layer as shapely rings (to stroke) and polygons (to fill), indexed for quick look-up."""

    def __init__(self, areas):
        self.lines = np.array([shapely.LinearRing(ring) for area in areas for ring in area.rings], dtype=object)
        self.shapes = shapely.polygons(self.lines)
        self.tree = shapely.STRtree(self.lines)

    def within(self, bounds: tuple[float, float, float, float], tolerance: float, fill: bool):
        """The layer cut to the view and simplified to what the page can show."""
        hits = self.tree.query(shapely.box(*bounds))
        geometries = (self.shapes if fill else self.lines)[hits]
        clipped = shapely.clip_by_rect(geometries, *bounds)
        return shapely.simplify(clipped, tolerance)


@lru_cache(maxsize=1)
def _boundaries() -> dict[str, _Layer]:
    """England's outline, regions and local authorities: loaded once per process."""
    return {name: _Layer(areas) for name, areas in Basemap.load().layers.items()}


def _path(geometries, page_xy) -> QPainterPath:
    """Shapely lines or polygons as one painter path in page units (a fill closes each ring itself)."""
    path = QPainterPath()
    for part in shapely.get_parts(geometries):
        rings = shapely.get_rings(part) if part.geom_type == "Polygon" else [part]
        for ring in rings:
            xy = page_xy(shapely.get_coordinates(ring))
            if len(xy) < 2:
                continue
            path.moveTo(*xy[0])
            for x, y in xy[1:]:
                path.lineTo(x, y)
    return path


def _extent(points: np.ndarray, aspect: float) -> QRectF:
    """A view in BNG metres around the points, padded, at least 24 km across, with the given width/height."""
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    width = max((x1 - x0) * 1.15, 24_000.0)
    height = max((y1 - y0) * 1.15, 24_000.0 / aspect)
    width, height = max(width, height * aspect), max(height, width / aspect)
    return QRectF(cx - width / 2, cy - height / 2, width, height)


def _scale_km(view_km: float) -> int:
    target = view_km / 5
    return max((s for s in (1, 2, 5, 10, 20, 50, 100, 200) if s <= max(target, 1)), default=1)


def _pen(color: QColor, width_mm: float, style=Qt.SolidLine) -> QPen:
    pen = QPen(color, mm(width_mm), style)
    pen.setCosmetic(False)
    pen.setJoinStyle(Qt.RoundJoin)
    return pen


def _label(painter: QPainter, baseline: QPointF, text: str, font: QFont) -> None:
    """Text with a white halo, so it reads over boundaries and dots alike."""
    path = QPainterPath()
    path.addText(baseline, font, text)
    painter.strokePath(path, _pen(QColor("white"), 0.7))
    painter.fillPath(path, INK)


def _points(size_pt: float) -> int:
    return round(size_pt * RESOLUTION / 72)  # a path's text is sized in device units, not points


class MapLabels:
    """Puts each label beside its point where it covers no label placed before it, or leaves it out.

    Labels come most important first (the school, then hubs by size), so a
    crowded map loses its smallest hubs' names rather than showing a tangle.
    """

    def __init__(self, painter: QPainter, bounds: QRectF):
        self.painter = painter
        self.bounds = bounds
        self.taken: list[QRectF] = []  # what labels and marks already cover
        self.placed: list[tuple[str, QRectF]] = []

    def reserve(self, rect: QRectF) -> None:
        self.taken.append(rect)

    def place(self, point: QPointF, text: str, size_pt=6.5, bold=False, clear_mm=1.2, above_first=False) -> bool:
        """Label `point`, keeping `clear_mm` from it (beside, or above and below); False if there is no room."""
        font = pdf_font(pixel_size=_points(size_pt), bold=bold)
        metrics = QFontMetricsF(font)
        width, ascent, descent = metrics.horizontalAdvance(text), metrics.ascent(), metrics.descent()
        clear, halo = mm(clear_mm), mm(0.4)
        up, down = -clear * 0.3 - descent - halo, clear * 0.3 + ascent + halo  # baselines just above, just below
        right, left = clear + halo, -clear - halo - width
        beside = [(right, up), (right, down), (left, up), (left, down)]
        centred = [(-width / 2, -clear - descent - halo), (-width / 2, clear + ascent + halo)]  # above, below
        for dx, dy in centred + beside if above_first else beside + centred:
            baseline = QPointF(point.x() + dx, point.y() + dy)
            rect = QRectF(
                baseline.x() - halo, baseline.y() - ascent - halo, width + 2 * halo, ascent + descent + 2 * halo
            )
            if self.bounds.contains(rect) and not any(rect.intersects(r) for r in self.taken):
                _label(self.painter, baseline, text, font)
                self.taken.append(rect)
                self.placed.append((text, rect))
                return True
        return False


def draw_map(painter: QPainter, rect: QRectF, dataset, school, brief) -> MapLabels:
    """The trust's schools around the school, with boundaries, hub names and a scale bar, all as vector paths.

    Returns the labels it placed (what they say and where), for the tests."""
    rows = [s.index for s, _ in brief.members]
    points = np.vstack([dataset.xy[rows], dataset.xy[[school.index]]]) if rows else dataset.xy[[school.index]]
    view = _extent(points, rect.width() / rect.height())
    scale = rect.width() / view.width()

    def page_xy(xy: np.ndarray) -> np.ndarray:  # BNG northing grows upwards, the page downwards
        return np.column_stack(
            [rect.left() + (xy[:, 0] - view.left()) * scale, rect.bottom() - (xy[:, 1] - view.top()) * scale]
        )

    def to_page(x: float, y: float) -> QPointF:
        return QPointF(*page_xy(np.array([[x, y]]))[0])

    painter.save()
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setClipRect(rect)
    painter.fillRect(rect, QColor("white"))
    # Boundaries cut to the view and simplified to a fifth of a millimetre: a small file that prints sharp.
    bounds = (view.left(), view.top(), view.right(), view.bottom())
    tolerance = mm(0.2) / scale

    layers = _boundaries()
    wide = view.width() > 250_000  # a trust across England: authorities would be clutter
    painter.fillPath(_path(layers["outline"].within(bounds, tolerance, True), page_xy), LAND)
    for name, color, width in (("utla", LIGHT, 0.2), ("regions", MID, 0.35), ("outline", DARK, 0.4)):
        if name == "utla" and wide:
            continue
        painter.strokePath(_path(layers[name].within(bounds, tolerance, False), page_xy), _pen(color, width))

    # the 10 km around the school (the hub radius)
    centre = to_page(*dataset.xy[school.index])
    radius = DEFAULT_RADIUS_KM * 1000 * scale
    painter.setPen(_pen(DARK, 0.3, Qt.DashLine))
    painter.setBrush(Qt.NoBrush)
    painter.drawEllipse(centre, radius, radius)

    # the trust's schools, the nearest ringed
    painter.setPen(_pen(QColor("white"), 0.25))
    painter.setBrush(QBrush(DARK))
    dot = mm(1.1)
    for row in rows:
        painter.drawEllipse(to_page(*dataset.xy[row]), dot, dot)
    nearest = brief.candidate.nearest_school_row
    if nearest in rows:
        painter.setPen(_pen(INK, 0.35))
        painter.setBrush(Qt.NoBrush)
        painter.drawEllipse(to_page(*dataset.xy[nearest]), dot * 2.2, dot * 2.2)

    # the school: a black square with a white edge
    side = mm(3.2)
    painter.setPen(_pen(QColor("white"), 0.4))
    painter.setBrush(QBrush(INK))
    square = QRectF(centre.x() - side / 2, centre.y() - side / 2, side, side)
    painter.drawRect(square)

    # scale bar, bottom left
    km = _scale_km(view.width() / 1000)
    start = QPointF(rect.left() + mm(4), rect.bottom() - mm(4))
    end = start + QPointF(km * 1000 * scale, 0)
    painter.setPen(_pen(INK, 0.5))
    painter.drawLine(start, end)
    painter.drawLine(start, start - QPointF(0, mm(1.2)))
    painter.drawLine(end, end - QPointF(0, mm(1.2)))
    _label(painter, start - QPointF(0, mm(2)), f"{km} km", pdf_font(pixel_size=_points(6.5)))

    # names: the school's, then its hubs' (the biggest first, at most eight), none over another
    labels = MapLabels(painter, rect)
    labels.reserve(square)
    labels.reserve(QRectF(start.x(), start.y() - mm(5), max(end.x() - start.x(), mm(12)), mm(6)))  # the scale bar
    labels.place(centre, school.name, 7, bold=True, clear_mm=2.2, above_first=True)
    for hub in brief.shape.hubs[:8]:
        at = to_page(*hub.centre)
        if rect.contains(at):
            labels.place(at, f"{hub.name} ({hub.size})")

    painter.setClipping(False)
    painter.setPen(_pen(INK, 0.3))
    painter.setBrush(Qt.NoBrush)
    painter.drawRect(rect)
    painter.restore()
    return labels


def draw_bar(painter: QPainter, rect: QRectF, score: float) -> None:
    """A 0-100 score as a filled bar in an outline: reads in greyscale."""
    painter.save()
    painter.setPen(Qt.NoPen)
    painter.setBrush(QBrush(MID))
    painter.drawRect(QRectF(rect.left(), rect.top(), rect.width() * max(0.0, min(score, 100.0)) / 100, rect.height()))
    painter.setPen(_pen(INK, 0.15))
    painter.setBrush(Qt.NoBrush)
    painter.drawRect(rect)
    painter.restore()


class _Drawings(QPyTextObject):
    """Draws the HTML's <img src="map:CODE"> and <img src="bar:SCORE"> placeholders, sized in millimetres."""

    def __init__(self, briefing):
        super().__init__()
        self.briefing = briefing
        self.trusts = {t.code: t for t in briefing.trusts}

    def intrinsicSize(self, doc, position, format):  # noqa: A002, N802 - Qt's names
        image = format.toImageFormat()
        return QSizeF(mm(image.width()), mm(image.height()))

    def drawObject(self, painter, rect, doc, position, format):  # noqa: A002, N802 - Qt's names
        kind, _, value = format.toImageFormat().name().partition(":")
        if kind == "map" and value in self.trusts:
            draw_map(painter, rect, self.briefing.dataset, self.briefing.school, self.trusts[value])
        elif kind == "bar":
            draw_bar(painter, rect.adjusted(0, rect.height() * 0.1, 0, -rect.height() * 0.1), float(value))


# --- the document ------------------------------------------------------------------------


def pdf_writer(device, briefing) -> QPdfWriter:
    """An A4 PDF writer onto `device`, titled for the briefing."""
    writer = QPdfWriter(device)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait, MARGINS_MM, QPageLayout.Millimeter))
    writer.setTitle(briefing.title)
    writer.setCreator(f"TrustMatch {briefing.version}")
    return writer


def pack_document(briefing, writer: QPdfWriter) -> tuple[QTextDocument, _Drawings, float, float]:
    """The pack laid out in pages of the writer's body (the footer's room left out): the document, the
    drawings it needs kept alive while painted, and the page's width and height in device units."""
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    drawings = _Drawings(briefing)
    document.documentLayout().registerHandler(QTextFormat.ImageObject, drawings)
    document.setDocumentMargin(0)
    document.setDefaultStyleSheet(pack.STYLE)
    document.setDefaultFont(pdf_font(9.5))
    document.setHtml(pack.pack_html(briefing))

    body = writer.pageLayout().paintRectPixels(RESOLUTION)
    # A whole number of device units: Qt lays pages out in 1/64ths, and a height it rounds would let each page
    # start a little off where it is painted, so a line at a page's top was also drawn (clipped) on the page before.
    width, height = float(body.width()), float(int(body.height() - mm(FOOTER_MM)))
    document.setPageSize(QSizeF(width, height))
    keep_together(document, height)
    return document, drawings, width, height


def footer(briefing, number: str, width: float, metrics: QFontMetricsF) -> str:
    """The footer's left part, the school's name shortened where a long one would run into the page number."""
    after = f" (URN {briefing.school.urn}), {briefing.created_text}; data of {briefing.data_date_text}"
    room = width - metrics.horizontalAdvance(f"TrustMatch briefing: {after}    {number}")
    name = metrics.elidedText(briefing.school.name, Qt.ElideRight, max(room, 0.0))
    return f"TrustMatch briefing: {name}{after}"


def pdf_bytes(briefing, task=None) -> bytes:
    """The briefing pack as PDF bytes."""
    ensure_gui()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    writer = pdf_writer(buffer, briefing)
    document, drawings, width, height = pack_document(briefing, writer)
    pages = document.pageCount()

    painter = QPainter()
    if not painter.begin(writer):
        raise ExportProblem("The PDF could not be started (Qt's PDF writer refused).")
    try:
        footer_font = pdf_font(7.5)
        metrics = QFontMetricsF(footer_font, writer)
        for page in range(pages):
            if task is not None:
                task.step(page / pages, f"Page {page + 1} of {pages}")
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * height)
            # a hair short of the next page: Qt also draws (clipped, yet found by a search) a line starting there
            document.drawContents(painter, QRectF(0, page * height, width, height - 0.5))
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(QPen(DARK))
            line_y = height + mm(FOOTER_MM) - mm(4)
            number = f"Page {page + 1} of {pages}"
            strip = QRectF(0, line_y, width, mm(4))
            painter.drawText(strip, Qt.AlignLeft | Qt.AlignVCenter, footer(briefing, number, width, metrics))
            painter.drawText(strip, Qt.AlignRight | Qt.AlignVCenter, number)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def write(path: Path | str, briefing, task=None) -> Path:
    """Write the briefing pack to `path`, safely (see files.atomic_file)."""
    data = pdf_bytes(briefing, task)
    write_bytes(path, data)
    if task is not None:
        task.step(1.0, "Done")
    return Path(path)
