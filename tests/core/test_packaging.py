"""What an installed app carries: licence, data attribution, icons, the Linux menu entry, and the wheel's contents."""

from __future__ import annotations

import configparser
import struct
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from trustmatch.data import paths
from trustmatch.data.dataset import attribution

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
sys.path.insert(0, str(ROOT / "packaging"))
import make_icons  # noqa: E402


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_licence_is_the_mit_text_pyproject_names():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    licence = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]["text"]
    assert licence.startswith("MIT")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_attribution_file_holds_every_line_the_app_shows(dataset):
    """The shipped ATTRIBUTION.md and the app's own attribution (About box, exports) say the same."""
    text = " ".join(paths.resource("ATTRIBUTION.md").read_text(encoding="utf-8").split())
    lines = attribution(dataset)
    assert len(lines) == 2
    for line in lines:
        assert line in text
    assert "Open Government Licence v3.0" in text
    assert "benefits and obstacles" in text  # the DfE evidence shipped in resources/evidence


def test_shipped_items_exist_and_leave_gdal_behind():
    for item in paths.SHIPPED:
        assert (ROOT / item).exists(), item
    assert "resources" in paths.SHIPPED  # the dataset, evidence, icons and attribution live there
    assert not any(item.endswith(".gpkg") for item in paths.SHIPPED)


def test_icon_pngs_have_the_sizes_their_names_say():
    for size in make_icons.PNG_SIZES:
        assert png_size((ICONS / f"trustmatch-{size}.png").read_bytes()) == (size, size)


def test_windows_icon_holds_every_size_as_png():
    data = (ICONS / "trustmatch.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    sizes = []
    for i in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i : 22 + 16 * i])
        image = data[offset : offset + length]
        assert png_size(image) == (width or 256, height or 256)
        sizes.append(width or 256)
    assert sizes == list(make_icons.ICO_SIZES)


def test_macos_icon_blocks_are_pngs_of_their_type_size():
    data = (ICONS / "trustmatch.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    position, found = 8, {}
    while position < len(data):
        kind, length = data[position : position + 4], struct.unpack(">I", data[position + 4 : position + 8])[0]
        found[kind] = png_size(data[position + 8 : position + length])[0]
        position += length
    assert found == {kind: size for kind, size in make_icons.ICNS_TYPES}


def test_ico_writer_marks_256_pixels_as_width_zero():
    """One byte cannot hold 256: the format writes 0, and the entry still points at the whole PNG."""
    small = (ICONS / "trustmatch-16.png").read_bytes()
    large = (ICONS / "trustmatch-256.png").read_bytes()
    data = make_icons.ico({16: small, 256: large})
    assert struct.unpack("<HHH", data[:6]) == (0, 1, 2)
    first, second = (struct.unpack("<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]) for i in range(2))
    assert first[:2] == (16, 16) and second[:2] == (0, 0)
    assert data[second[7] : second[7] + second[6]] == large
    assert data[first[7] : first[7] + first[6]] == small


def test_linux_menu_entry_names_the_program_and_an_icon_that_ships():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "packaging" / "linux" / "trustmatch.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Name"] == "TrustMatch"
    assert desktop["Exec"] == "TrustMatch"  # build_spec.py's window program
    assert desktop["Terminal"] == "false"
    assert (ICONS / f"{desktop['Icon']}-256.png").is_file()
    assert desktop["Categories"].endswith(";")
    assert 'NAME = "TrustMatch"' in (ROOT / "build_spec.py").read_text(encoding="utf-8")


@pytest.mark.slow
def test_wheel_ships_data_attribution_icons_and_licence(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=600,
    )
    (wheel,) = tmp_path.glob("trustmatch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for item in paths.SHIPPED:  # data.paths finds them under the package in a wheel
        prefix = f"trustmatch/{item}"
        assert any(n == prefix or n.startswith(prefix + "/") for n in names), item
    for name in [
        "trustmatch/resources/ATTRIBUTION.md",
        "trustmatch/resources/data/dataset.json.gz",
        "trustmatch/resources/evidence/joining-a-trust.json",
        "trustmatch/resources/icons/trustmatch-256.png",
        "trustmatch/maps/england_bng.json",
        "trustmatch/ui/selftest.py",
    ]:
        assert name in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.endswith(".gpkg") for n in names)
    attribution_text = zipfile.ZipFile(wheel).read("trustmatch/resources/ATTRIBUTION.md").decode("utf-8")
    assert "Open Government Licence v3.0" in attribution_text
