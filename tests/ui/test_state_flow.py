"""State flows one way: views redraw from the session, never echo it back, and redraw only what changed."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from trustmatch.fit.ranking import PRESETS
from trustmatch.ui.main_window import DETAIL_DELAY_MS

NEWMAN = 111456


@pytest.fixture
def redraws(window, monkeypatch):
    """Counts each view's redraws (the methods the views' session listeners call)."""
    counts: Counter[str] = Counter()

    def spy(obj, name, label):
        original = getattr(obj, name)

        def counted(*args, **kwargs):
            counts[label] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(obj, name, counted)

    spy(window.map, "show_selection", "map trust")
    spy(window.map, "show_chosen", "map school")
    spy(window.map, "set_dataset", "map data")
    spy(window.controls.weights, "show_weights", "weights")
    spy(window.controls.filters, "show_filters", "filters")
    spy(window.detail, "show_trust", "detail")
    spy(window.search, "set_dataset", "search data")
    window.model.modelReset.connect(lambda: counts.update(["table rows"]))
    window.session.choose_school(window.session.dataset.index_of_urn(NEWMAN))
    counts.clear()
    return counts


def test_zero_on_every_slider_snaps_the_last_back_and_says_why(window, qtbot):
    window.session.choose_school(window.session.dataset.index_of_urn(NEWMAN))
    sliders = window.controls.weights.sliders
    for name in ("ethos", "geography", "phase", "capacity"):
        sliders[name].setValue(0)
    # the session kept capacity at 1, and the slider shows what the session ranks by
    assert window.session.weights == {"ethos": 0, "geography": 0, "phase": 0, "capacity": 1}
    assert {n: s.value() for n, s in sliders.items()} == {"ethos": 0, "geography": 0, "phase": 0, "capacity": 1}
    assert window.controls.weights.values["capacity"].text() == "1"
    assert window.messages.messages() == [("warning", "At least one criterion needs a weight above zero.")]


def test_a_weight_change_redraws_the_table_and_detail_only(window, redraws, qtbot):
    window.controls.weights.sliders["geography"].setValue(8)
    assert window.session.weights["geography"] == 8
    assert redraws == Counter({"table rows": 1, "weights": 1})  # the map's trust is unchanged
    qtbot.waitUntil(lambda: redraws["detail"] == 1)  # the detail follows once the weights rest
    assert f"total {window.session.selection.candidate.total:.0f}" in window.detail.toPlainText()


def test_a_slider_drag_redraws_the_detail_once_at_the_end(window, redraws, qtbot):
    slider = window.controls.weights.sliders["phase"]
    for value in range(2, 9):
        slider.setValue(value)
    assert redraws["table rows"] == 7 and redraws["detail"] == 0
    qtbot.waitUntil(lambda: redraws["detail"] == 1)
    qtbot.wait(2 * DETAIL_DELAY_MS)
    assert redraws["detail"] == 1


def test_selecting_a_trust_redraws_the_map_and_detail_only(window, redraws):
    window.table.selectRow(3)
    assert window.session.trust_code == window.table.selected_code()
    assert redraws == Counter({"map trust": 1, "detail": 1})


def test_a_filter_change_leaves_the_weights_and_school_alone(window, redraws):
    kept = window.session.trust_code  # the best trust for Newman has a school within 20 km
    window.controls.filters.max_km.setValue(20)
    assert window.session.filters.max_km == 20 and window.session.trust_code == kept
    # the best trust stays first with the same scores: its detail is not drawn again
    assert window.session.ranking.rank_index_of(kept) == 0
    assert redraws == Counter({"table rows": 1, "filters": 1})


def test_choosing_another_school_does_not_touch_the_panels(window, redraws):
    window.session.choose_school(window.session.dataset.index_of_urn(100000))
    assert redraws == Counter({"table rows": 1, "detail": 1, "map trust": 1, "map school": 1})


def test_several_filters_set_at_once_are_all_shown_and_none_is_echoed(window, qtbot):
    """Opening a saved shortlist sets several filters at once: each widget shows its own, none sends the old."""
    session, panel = window.session, window.controls.filters
    session.set_filters(max_km=20, region="North West", min_schools=3, compatible_only=False)
    assert session.filters.max_km == 20 and session.filters.region == "North West"
    assert session.filters.min_schools == 3 and not session.filters.compatible_only
    assert panel.max_km.value() == 20 and panel.region.currentText() == "North West"
    assert panel.min_schools.value() == 3 and not panel.compatible.isChecked()


def test_a_preset_shows_in_every_slider_and_the_preset_box(window):
    window.session.apply_preset("rural primary")
    assert {n: s.value() for n, s in window.controls.weights.sliders.items()} == PRESETS["rural primary"]
    assert window.controls.weights.preset.currentText() == "Rural primary"


def test_every_school_is_drawn_once_in_its_governance_colour(window, dataset):
    from PySide6.QtGui import QColor

    from trustmatch.ui.map_view import GOVERNANCE_COLOURS

    governance = list(dataset.columns["governance"])
    for name, xy in window.map.schools.items():
        assert len(xy) == governance.count(name)
    assert sum(len(xy) for xy in window.map.schools.values()) == len(dataset)
    # drawn: zoomed to a school with no other within 300 m, the pixel where it is drawn is its colour
    for name, colour in GOVERNANCE_COLOURS.items():
        row = next(r for r in range(len(dataset)) if governance[r] == name
                   and np.sort(np.hypot(*(dataset.xy - dataset.xy[r]).T))[1] > 300)
        x, y = dataset.xy[row]
        window.map.set_range(x - 5_000, x + 5_000, y - 5_000, y + 5_000)
        image = window.map.grab().toImage()
        assert QColor(image.pixel(window.map.map_point(row))).name().upper() == colour.upper(), name
