"""The explorer window driven as a user would: keyboard, mouse, sliders, table, import."""

from __future__ import annotations

import gzip
import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from trustmatch.ui.candidates import SORT_ROLE, CandidateModel

NEWMAN = 111456


def choose(window, qtbot, urn):
    row = window.session.dataset.index_of_urn(urn)
    window.session.choose_school(row)
    return row


def test_search_and_pick_a_school_by_keyboard(window, qtbot):
    search = window.search
    window.focus_search()
    qtbot.keyClicks(search, "cardinal newman warr")
    popup = search.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert "Cardinal Newman Catholic High School" in popup.model().index(0, 0).data()
    qtbot.keyClick(popup, Qt.Key_Down)
    qtbot.keyClick(popup, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.session.school is not None)
    assert window.session.school.urn == NEWMAN
    assert window.model.rowCount() > 0
    assert window.table.selected_code() == window.session.trust_code


def test_enter_without_the_popup_takes_the_best_match(window, qtbot):
    window.search.setText("100000")
    qtbot.keyClick(window.search, Qt.Key_Return)
    assert window.session.school.urn == 100000


def test_click_a_school_on_the_map_then_rank(window, qtbot):
    row = window.session.dataset.index_of_urn(NEWMAN)
    window.session.choose_school(row)  # centres the map on Warrington
    other = window.session.dataset.finder.search("St Gregory's Catholic Primary School Warrington")[0]
    point = window.map.map_point(other)
    QTest.mouseClick(window.map, Qt.LeftButton, Qt.NoModifier, point)
    qtbot.waitUntil(window.map.card.isVisible)
    assert window.map.card.row == other
    assert window.session.dataset.columns["name"][other] in window.map.card.text.text()
    qtbot.mouseClick(window.map.card.button, Qt.LeftButton)
    assert window.session.school_row == other and not window.map.card.isVisible()


def test_double_click_ranks_at_once(window, qtbot):
    choose(window, qtbot, NEWMAN)
    target = window.session.dataset.finder.search("St Gregory's Catholic Primary School Warrington")[0]
    point = window.map.map_point(target)
    QTest.mouseDClick(window.map, Qt.LeftButton, Qt.NoModifier, point)
    qtbot.waitUntil(lambda: window.session.school_row == target)


def test_a_click_after_a_double_click_shows_the_card(window, qtbot):
    # QTest's double click sends no press of its own, as a platform may: the click that follows, well after
    # the double-click interval, must still show the card and not be taken for the end of the double click.
    choose(window, qtbot, NEWMAN)
    finder = window.session.dataset.finder
    target = finder.search("St Gregory's Catholic Primary School Warrington")[0]
    QTest.mouseDClick(window.map, Qt.LeftButton, Qt.NoModifier, window.map.map_point(target))
    qtbot.waitUntil(lambda: window.session.school_row == target)
    qtbot.wait(QApplication.doubleClickInterval() + 100)
    other = finder.search("Cardinal Newman Catholic High School Warrington")[0]
    QTest.mouseClick(window.map, Qt.LeftButton, Qt.NoModifier, window.map.map_point(other))
    qtbot.waitUntil(window.map.card.isVisible)
    assert window.map.card.row == other


def test_map_keys_pan_and_zoom(window, qtbot):
    choose(window, qtbot, NEWMAN)
    window.map.setFocus()
    (x0, x1), _ = window.map.view_range()
    qtbot.keyClick(window.map, Qt.Key_Right)
    (x0b, x1b), _ = window.map.view_range()
    assert x0b > x0
    qtbot.keyClick(window.map, Qt.Key_Minus)
    (x0c, x1c), _ = window.map.view_range()
    assert (x1c - x0c) > (x1b - x0b) * 1.1
    qtbot.keyClick(window.map, Qt.Key_Home)
    (x0d, x1d), _ = window.map.view_range()
    assert (x1d - x0d) > 400_000  # all of England


def test_sort_and_filter_the_table(window, qtbot):
    choose(window, qtbot, NEWMAN)
    window.session.set_filters(max_km=None, compatible_only=False)
    table, model = window.table, window.model
    header = table.horizontalHeader()
    near_column = 10
    header.sectionClicked.emit(near_column)
    table.sortByColumn(near_column, Qt.AscendingOrder)
    values = [model.index(r, near_column).data(SORT_ROLE) for r in range(model.rowCount())]
    assert values == sorted(values) and len(values) > 100
    qtbot.keyClicks(window.table_filter, "catholic")
    assert 0 < model.rowCount() < len(values)
    assert all("CATHOLIC" in model.index(r, 1).data() for r in range(model.rowCount()))


def test_the_selected_trust_stays_selected_through_sorting_and_filtering(window, qtbot):
    choose(window, qtbot, NEWMAN)
    window.session.set_filters(max_km=None, compatible_only=False)
    table, model = window.table, window.model
    table.selectRow(3)
    code = window.session.trust_code
    name = window.session.dataset.trusts.by_code(code).name
    for column, order in [(9, Qt.DescendingOrder), (1, Qt.AscendingOrder), (0, Qt.AscendingOrder)]:
        table.sortByColumn(column, order)
        assert table.selected_code() == code and window.session.trust_code == code
        assert model.code_at(table.selectionModel().selectedRows()[0].row()) == code
    keys = [model.index(r, 1).data(SORT_ROLE) for r in range(model.rowCount())]
    table.sortByColumn(1, Qt.DescendingOrder)
    assert [model.index(r, 1).data(SORT_ROLE) for r in range(model.rowCount())] == sorted(keys, reverse=True)
    window.table_filter.setText(name.split()[0].lower())  # a word of its own name: still shown, still selected
    assert table.selected_code() == code
    window.table_filter.setText("no trust is called this")
    assert model.rowCount() == 0 and table.selected_code() is None
    assert window.session.trust_code == code  # hiding the row selects no other trust
    window.table_filter.clear()
    assert table.selected_code() == code


def test_score_cells_draw_a_bar_as_long_as_the_score(window, qtbot):
    choose(window, qtbot, NEWMAN)
    model = window.model
    image = window.table.viewport().grab().toImage()
    for column in (2, 4):
        index = model.index(1, column)
        rect = window.table.visualRect(index)
        score = index.data(SORT_ROLE)
        y = rect.center().y()
        inside = QColor(image.pixel(rect.left() + round(rect.width() * score / 100) - 3, y))
        beyond = QColor(image.pixel(rect.left() + round(rect.width() * score / 100) + 3, y))
        assert inside.blue() > inside.red() + 40  # the bar's blue
        assert abs(beyond.blue() - beyond.red()) < 20  # the row's own grey or white


def test_selection_follows_between_table_map_and_detail(window, qtbot):
    choose(window, qtbot, NEWMAN)
    table = window.table
    table.selectRow(2)
    code = table.selected_code()
    assert window.session.trust_code == code
    trust = window.session.dataset.trusts.by_code(code)
    assert trust.name in window.detail.toPlainText()
    assert len(window.map.member_xy) == trust.school_count
    # and the reverse: a click on the map's trust layer selects in the table
    other = window.model.code_at(0)
    window.map.trust_clicked.emit(other)
    assert table.selected_code() == other and window.session.trust_code == other


def test_slider_change_reranks_and_keeps_the_selection(window, qtbot):
    choose(window, qtbot, NEWMAN)
    window.table.selectRow(3)
    kept = window.session.trust_code
    before = [window.model.code_at(r) for r in range(window.model.rowCount())]
    window.controls.weights.sliders["geography"].setValue(10)
    assert window.session.weights["geography"] == 10
    after = [window.model.code_at(r) for r in range(window.model.rowCount())]
    assert after != before and sorted(after) == sorted(before)
    assert window.session.trust_code == kept and window.table.selected_code() == kept
    assert window.controls.weights.preset.currentText() == "Custom"


def test_preset_and_filters_from_the_panel(window, qtbot):
    choose(window, qtbot, NEWMAN)
    weights = window.controls.weights
    weights.preset.setCurrentIndex(1)
    weights.preset.activated.emit(1)
    assert window.session.weights["ethos"] == 3
    window.controls.filters.max_km.setValue(10)
    assert window.session.filters.max_km == 10
    assert all(window.model._rows[r][10] <= 10 for r in range(window.model.rowCount()))
    window.controls.filters.max_km.setValue(0)
    assert window.session.filters.max_km is None


def test_evidence_panel_ties_figures_to_the_trust(window, qtbot):
    choose(window, qtbot, NEWMAN)  # a secondary school
    text = window.detail.toPlainText()
    assert "Perceived benefits and obstacles" in text
    assert "73% of recent joiners said increasing collaboration" in text  # the secondary figure
    assert "60% of recent joiners said increasing collaboration" not in text  # not the primary one
    assert "This trust:" in text and "Diocese of Shrewsbury" in text
    assert not re.search(r"(?<![\d.])0% of", text)  # an unreported figure is never shown as 0%
    assert "staff training" not in text  # reported for primaries only


def test_import_of_a_bad_file_shows_a_message_and_keeps_the_data(window, qtbot, tmp_path, sample):
    choose(window, qtbot, NEWMAN)
    bad = tmp_path / "edubasealldata20251101.csv.gz"
    whole = gzip.compress(sample().encode("utf-8"))
    bad.write_bytes(whole[: len(whole) // 2])
    before = window.session.dataset
    window.import_file(str(bad))
    assert not window.import_action.isEnabled()  # one import at a time
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=10_000)
    [(level, text)] = window.messages.messages()
    assert level == "error" and "GIAS import failed" in text and "truncated or corrupt" in text
    assert text.endswith("The data you had is still in use.")
    assert window.messages.isVisible() and not window.messages.progress.isVisible()
    assert window.session.dataset is before and window.session.school.urn == NEWMAN
    assert window.import_action.isEnabled()
    window.messages.clear()
    assert not window.messages.isVisible()


def test_import_of_a_good_file_reloads(window, qtbot, tmp_path, sample, private_data_dir):
    source = tmp_path / "edubasealldata20251101.csv"
    source.write_text(sample(count=3000, wanted_urns=[NEWMAN]), encoding="utf-8")
    choose(window, qtbot, NEWMAN)
    window.import_file(str(source))
    # far fewer schools than the data in use: the window asks first
    qtbot.waitUntil(lambda: hasattr(window, "question") and window.question.isVisible(), timeout=30_000)
    assert "may be a partial download" in window.question.text()
    assert not (private_data_dir / "dataset.json.gz").exists()
    window.question.button(QMessageBox.Yes).click()
    qtbot.waitUntil(lambda: window.session.dataset.data_date == "2025-11-01", timeout=30_000)
    assert window.session.school.urn == NEWMAN  # kept across the reload
    [(level, text)] = window.messages.messages()
    assert level == "info" and text.startswith("Imported ")
    assert "2025-11-01" in window.data_label.text()
    assert (private_data_dir / "dataset.json.gz").exists()


@pytest.mark.slow
def test_layout_and_last_school_are_restored(qtbot, session, settings, dataset, engine):
    from trustmatch.app.session import Session
    from trustmatch.ui.main_window import MainWindow

    first = MainWindow(session, settings)
    qtbot.addWidget(first)
    first.resize(760, 560)  # within the offscreen screen (800x600), which restoreGeometry clamps to
    first.show()
    qtbot.waitExposed(first)
    session.choose_school(dataset.index_of_urn(NEWMAN))
    first.main.setSizes([500, 260])
    sizes = first.main.sizes()
    first.close()  # saves on close
    second = MainWindow(Session(dataset, engine), settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.restore_school() and second.session.school.urn == NEWMAN
    assert second.size() == first.size()
    assert second.main.sizes() == sizes
    second.close()


def test_every_control_is_named_for_screen_readers(window):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
    )

    unnamed = []
    for kind in (QLineEdit, QComboBox, QAbstractSlider, QAbstractSpinBox):
        for widget in window.findChildren(kind):
            if widget.isVisible() and not (widget.accessibleName() or widget.objectName() == "qt_spinbox_lineedit"):
                unnamed.append(widget)
    assert unnamed == []
    for button in window.findChildren(QAbstractButton):
        if button.isVisible():
            assert button.text() or button.accessibleName() or button.toolTip(), button


def test_candidate_model_passes_qmodeltester(qtmodeltester, session, dataset):
    session.choose_school(dataset.index_of_urn(NEWMAN))
    model = CandidateModel()
    model.set_ranking(session.ranking, session.engine)
    assert model.rowCount() > 3
    qtmodeltester.check(model)
    empty = CandidateModel()
    qtmodeltester.check(empty)


def test_the_candidate_model_stays_sound_while_the_table_sorts_and_filters(qtmodeltester, window, qtbot, dataset):
    """The tester stays attached (any fault it sees fails the test) while the user sorts, filters and re-ranks."""
    model, table = window.model, window.table
    qtmodeltester.check(model)
    choose(window, qtbot, NEWMAN)
    window.session.set_filters(max_km=None, compatible_only=False)
    window.session.select_trust(window.session.ranking.candidate(2).trust_code)
    header = table.horizontalHeader()
    for column in (2, 1, 10, 0):
        for _ in range(2):  # ascending, then descending
            at = QPoint(header.sectionViewportPosition(column) + 5, header.height() // 2)
            qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=at)
        assert header.sortIndicatorSection() == column
        assert table.selected_code() == window.session.trust_code  # the selection followed its trust
    shown = model.rowCount()
    table.filter_names("catholic")
    assert 0 < model.rowCount() < shown
    header.sectionClicked.emit(3)
    table.sortByColumn(3, Qt.DescendingOrder)
    table.filter_names("no trust is called this")
    assert model.rowCount() == 0
    table.sortByColumn(5, Qt.AscendingOrder)
    table.filter_names("")
    assert model.rowCount() == shown
    choose(window, qtbot, 100000)  # a new ranking while sorted by a column
    assert model.rowCount() > 0


@pytest.mark.slow
def test_headless_screenshot(tmp_path, capsys):
    from trustmatch.launch import main

    target = tmp_path / "window.png"
    assert main(["--school", "cardinal newman warrington", "--screenshot", str(target), "--size", "1024x700"]) == 0
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1024, 700)
    colours = {image.pixel(x, y) for x in range(0, 1024, 37) for y in range(0, 700, 29)}
    assert len(colours) > 20  # a drawn window, not a blank one


@pytest.mark.slow
def test_screenshot_of_unknown_school_is_one_sentence(tmp_path, capsys):
    from trustmatch.launch import main

    assert main(["--school", "999999", "--screenshot", str(tmp_path / "x.png")]) == 1
    assert "No open state-funded school has URN 999999" in capsys.readouterr().err


def test_trust_layer_draws_every_hub_and_selects_a_trust(window, qtbot, dataset, engine):
    assert not window.map.trust_layer_visible
    window.trust_layer_action.trigger()
    assert window.map.trust_layer_visible
    hubs = sum(engine.graph.shapes[t.code].hub_count for t in dataset.trusts.of_type("MAT"))
    assert len(window.map.hubs) == hubs
    # a click on a lone hub's ring selects its trust
    hub = next(h for h in window.map.hubs if h.code == "16026")  # Cathedral Schools Trust, Bristol
    window.map.set_range(hub.x - 2_000, hub.x + 2_000, hub.y - 2_000, hub.y + 2_000)
    point = window.map._pixels(np.array([[hub.x, hub.y]]))[0]
    QTest.mouseClick(window.map, Qt.LeftButton, Qt.NoModifier, QPoint(round(point[0]), round(point[1])))
    assert window.session.trust_code == hub.code
    assert dataset.trusts.by_code(hub.code).name in window.detail.toPlainText()
    window.trust_layer_action.trigger()
    assert not window.map.trust_layer_visible
    assert window.map.hub_at(QPoint(round(point[0]), round(point[1]))) is None  # a hidden layer takes no clicks


@pytest.mark.slow
def test_the_window_opens_before_the_engine_is_built(qtbot, dataset):
    from trustmatch.app.session import Session
    from trustmatch.ui.main_window import MainWindow

    session = Session(dataset)
    window = MainWindow(session)
    qtbot.addWidget(window)
    assert session._engine is None  # nothing in building the window needed it
    session.choose_school(dataset.index_of_urn(NEWMAN))  # builds it on first use
    assert session._engine is not None and window.model.rowCount() > 0


@pytest.mark.slow
def test_cancelling_an_import_keeps_the_data(window, qtbot, private_data_dir):
    from trustmatch.data import paths

    before = window.session.dataset
    window.import_file(str(paths.bundled_raw_extract()))
    progress = window.messages.progress
    qtbot.waitUntil(lambda: progress.bar.value() > 0, timeout=10_000)
    assert progress.isVisible() and "GIAS import" in progress.label.text()
    qtbot.mouseClick(progress.cancel, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=20_000)
    assert window.messages.messages() == [("info", "GIAS import cancelled. The data you had is still in use.")]
    assert not progress.isVisible()
    assert window.session.dataset is before
    assert not (private_data_dir / "dataset.json.gz").exists()


def test_hover_names_the_school(window, qtbot):
    from PySide6.QtWidgets import QToolTip

    choose(window, qtbot, NEWMAN)
    row = window.session.school_row
    point = window.map.map_point(row)
    window.map._hover(point)
    assert "Cardinal Newman Catholic High School" in QToolTip.text()
    assert window.map.school_at(point) == row


def test_pinch_zooms_about_the_fingers(window, qtbot):
    choose(window, qtbot, NEWMAN)
    row = window.session.school_row
    point = window.map.map_point(row)
    (x0, x1), _ = window.map.view_range()
    window.map.pinch(0.25, point)
    (x0b, x1b), _ = window.map.view_range()
    assert (x1b - x0b) == pytest.approx((x1 - x0) / 1.25, rel=0.01)
    assert window.map.school_at(point) == row  # the school under the fingers stays there


@pytest.mark.slow
def test_screenshot_to_an_unwritable_place_or_bad_size_is_one_sentence(tmp_path, capsys):
    from trustmatch.launch import main

    assert main(["--school", "100000", "--screenshot", str(tmp_path / "no" / "such" / "x.png")]) == 1
    assert "could not be written" in capsys.readouterr().err
    assert main(["--school", "100000", "--screenshot", str(tmp_path / "x.png"), "--size", "big"]) == 1
    assert "--size must look like" in capsys.readouterr().err


def test_the_nearest_distance_is_never_under_the_schools_star(window, qtbot, session, dataset):
    """St Mary's CofE Primary, Portbury: its first trust's nearest school is 2.7 km off, up and to the left, and
    the star covered the "2.7 km" drawn below and to the right of that school."""
    from PySide6.QtCore import QRect

    from trustmatch.ui.map_view import CHOSEN_PIXELS

    session.choose_school(dataset.index_of_urn(143283))
    window.map.show_chosen(session.school_row)
    window.map.repaint()
    qtbot.waitUntil(lambda: window.map.nearest_label_box is not None)
    assert window.map.nearest[2] == "2.7 km"
    [(x, y)] = window.map._pixels(window.map.chosen_xy[None, :]).tolist()
    half = CHOSEN_PIXELS // 2
    assert not window.map.nearest_label_box.intersects(QRect(round(x) - half, round(y) - half, 2 * half, 2 * half))


def test_a_trust_of_the_school_alone_draws_no_distance_to_itself(window, qtbot, session, dataset):
    """The Harvey Grammar School with its own trust, THE HARVEY ACADEMY, selected: the map drew "0.0 km" from the
    school to itself."""
    harvey = dataset.school_by_urn(138480)
    session.choose_school(dataset.index_of_urn(138480))
    session.select_trust(harvey.trust_code)
    window.map.show_chosen(session.school_row)
    window.map.repaint()
    qtbot.wait(50)
    assert session.selection.trust is not None and session.selection.nearest_row == session.school_row
    assert window.map.nearest is None
