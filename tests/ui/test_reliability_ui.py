"""Issue 9 in the window: names shown as rich text are escaped, a bad settings file cannot stop the
window, a much smaller register is imported only when the user says so, and File > Restore previous data."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMessageBox

from trustmatch.app.register import import_register
from trustmatch.data import paths
from trustmatch.data.dataset import Dataset

NEWMAN = 111456
EVIL = "<img src='file:///etc/passwd'><b>Evil</b> & Co"


def test_names_are_escaped_in_the_hover_and_the_school_card(qtbot, dataset):
    from trustmatch.ui.map_view import MapView

    columns = {name: list(values) for name, values in dataset.columns.items()}
    row = dataset.index_of_urn(NEWMAN)
    columns["name"][row] = EVIL
    columns["la_name"][row] = "<script>x</script>"
    view = MapView(Dataset(columns, dict(dataset.meta)))
    qtbot.addWidget(view)
    text = view._describe(row)
    assert "<img" not in text and "<script>" not in text
    assert "&lt;img src='file:///etc/passwd'&gt;&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in text
    view.card.show_school(row, text, QPoint(10, 10))
    assert "&lt;img" in view.card.text.text()


def test_a_settings_file_with_odd_digits_cannot_stop_the_window(window, settings):
    for value in ("²", "¹⁰⁰⁰³⁵", "12345678901234567890", "", ["a", "b"]):
        settings.setValue("school/urn", value)
        assert window.restore_school() is False
    settings.setValue("school/urn", str(NEWMAN))
    assert window.restore_school() and window.session.school.urn == NEWMAN


def _small(tmp_path, sample):
    source = tmp_path / "edubasealldata20251101.csv"
    source.write_text(sample(count=3000, wanted_urns=[NEWMAN]), encoding="utf-8")
    return source


def test_no_to_the_smaller_register_question_keeps_everything(window, qtbot, tmp_path, sample, private_data_dir):
    before = window.session.dataset
    window.import_file(str(_small(tmp_path, sample)))
    qtbot.waitUntil(lambda: hasattr(window, "question") and window.question.isVisible(), timeout=30_000)
    window.question.button(QMessageBox.No).click()
    qtbot.wait(200)
    assert window.session.dataset is before and not window.tasks.running
    assert not paths.imported_dataset().exists()


def test_file_restore_previous_data(window, qtbot, tmp_path, sample, private_data_dir):
    imported, _ = import_register(_small(tmp_path, sample), force=True)
    restore = next(a for a in window.menus["file"].actions() if a.text() == "&Restore previous data")
    restore.trigger()
    qtbot.waitUntil(lambda: not window.tasks.running and bool(window.messages.messages()), timeout=30_000)
    [(level, text)] = window.messages.messages()
    assert level == "info" and text.startswith("Now using the bundled data (22,011 schools")
    assert len(window.session.dataset) == 22_011 and not paths.imported_dataset().exists()
    restore.trigger()  # and forward again
    qtbot.waitUntil(lambda: window.session.dataset.data_date == "2025-11-01", timeout=30_000)
    assert len(window.session.dataset) == len(imported)
    assert "2025-11-01" in window.data_label.text()
