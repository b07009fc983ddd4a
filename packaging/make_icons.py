"""Draw the app icon's PNG sizes, the Windows .ico and the macOS .icns from resources/icons/trustmatch.svg.

    .venv/bin/python packaging/make_icons.py

The results are committed (resources/icons/), so a build needs neither this script nor
an image library: Qt renders the SVG, and the .ico and .icns containers are simple
enough to write here (both hold the PNGs as they are).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SVG = ICONS / "trustmatch.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)  # trustmatch-N.png: the window icon and the Linux desktop icon
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # Windows reads PNG entries in an .ico since Vista
# macOS icon types holding PNG data, by pixel size (the @2x types reuse the larger image).
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
    (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512),
)


def render(size: int) -> bytes:
    """The SVG drawn at size x size pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file: a directory of entries, each a whole PNG (width/height 0 means 256)."""
    sizes = sorted(pngs)
    offset = 6 + 16 * len(sizes)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(images))
        images += data
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file: 'icns', total length, then (type, length, PNG) blocks, big-endian."""
    blocks = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(blocks)) + blocks


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts and painting need it)
    pngs = {size: render(size) for size in sorted({*PNG_SIZES, *ICO_SIZES, *(s for _, s in ICNS_TYPES)})}
    for size in PNG_SIZES:
        (ICONS / f"trustmatch-{size}.png").write_bytes(pngs[size])
    (ICONS / "trustmatch.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (ICONS / "trustmatch.icns").write_bytes(icns(pngs))
    print(f"Wrote {len(PNG_SIZES)} PNGs, trustmatch.ico and trustmatch.icns to {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
