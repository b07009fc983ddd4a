"""What matters (one slider per criterion, presets) and the hard filters.

Each panel sends intents to the session and redraws from it; a redraw blocks
the widgets' own signals, so what the session says is never sent back to it.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from trustmatch.app.session import FILTERS, WEIGHTS
from trustmatch.fit.criteria import CRITERIA
from trustmatch.fit.ranking import PRESETS

CUSTOM = "custom"
EXPLAIN = {
    "ethos": "Religious character and diocese against the trust's schools",
    "geography": "Distance to the trust's schools, and how clustered they are",
    "phase": "Experience of the school's phase, and same-phase schools nearby",
    "capacity": "Trust size against the DfE's 10 schools or 7,500 pupils, rolls, the school's weight",
}


class WeightsPanel(QGroupBox):
    weight_changed = Signal(str, float)
    preset_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__("What matters", parent)
        self.setObjectName("weights")
        layout = QFormLayout(self)
        self.preset = QComboBox()
        self.preset.setAccessibleName("Weight preset")
        self.preset.addItems([name.capitalize() for name in PRESETS] + ["Custom"])
        self.preset.activated.connect(self._preset_activated)
        layout.addRow("&Preset", self.preset)
        self.sliders: dict[str, QSlider] = {}
        self.values: dict[str, QLabel] = {}
        for name in CRITERIA:
            slider = QSlider(Qt.Horizontal)
            slider.setRange(0, 10)
            slider.setPageStep(1)
            slider.setTickPosition(QSlider.TicksBelow)
            slider.setAccessibleName(f"{name.capitalize()} weight")
            slider.setToolTip(EXPLAIN[name])
            value = QLabel()
            value.setMinimumWidth(16)
            slider.valueChanged.connect(lambda v, n=name: self._moved(n, v))
            row = QHBoxLayout()
            row.addWidget(slider, 1)
            row.addWidget(value)
            label = QLabel(f"&{name.capitalize()}")
            label.setBuddy(slider)
            layout.addRow(label, row)
            self.sliders[name], self.values[name] = slider, value

    def bind(self, session) -> None:
        self.weight_changed.connect(session.set_weight)
        self.preset_chosen.connect(session.apply_preset)
        session.subscribe(lambda changed: self.show_weights(session.weights), {WEIGHTS})
        self.show_weights(session.weights)

    def show_weights(self, weights: dict[str, float]) -> None:
        for name, slider in self.sliders.items():
            with QSignalBlocker(slider):
                slider.setValue(int(round(weights[name])))
            self.values[name].setText(f"{weights[name]:g}")
        match = next((i for i, p in enumerate(PRESETS.values()) if all(p[n] == weights[n] for n in CRITERIA)), None)
        self.preset.setCurrentIndex(len(PRESETS) if match is None else match)

    def _moved(self, name: str, value: int) -> None:
        self.values[name].setText(str(value))
        self.weight_changed.emit(name, float(value))

    def _preset_activated(self, index: int) -> None:
        if index < len(PRESETS):
            self.preset_chosen.emit(list(PRESETS)[index])


class FiltersPanel(QGroupBox):
    filter_changed = Signal(str, object)  # a Filters field and its new value

    def __init__(self, regions: list[str], parent=None):
        super().__init__("Only trusts that", parent)
        self.setObjectName("filters")
        layout = QFormLayout(self)
        self.max_km = QDoubleSpinBox()
        self.max_km.setRange(0, 600)
        self.max_km.setDecimals(0)
        self.max_km.setSingleStep(5)
        self.max_km.setSuffix(" km")
        self.max_km.setSpecialValueText("no limit")
        self.max_km.setAccessibleName("Maximum distance to the trust's nearest school")
        layout.addRow("have a school &within", self.max_km)
        self.compatible = QCheckBox("suit the school's religious &character")
        self.compatible.setToolTip(
            "Church schools need diocesan consent to join a trust; "
            "Catholic schools join Catholic trusts of their diocese"
        )
        layout.addRow(self.compatible)
        sizes = QHBoxLayout()
        self.min_schools = QSpinBox()
        self.min_schools.setRange(0, 200)
        self.min_schools.setSpecialValueText("any")
        self.min_schools.setAccessibleName("Fewest schools in the trust")
        self.max_schools = QSpinBox()
        self.max_schools.setRange(0, 200)
        self.max_schools.setSpecialValueText("any")
        self.max_schools.setAccessibleName("Most schools in the trust")
        sizes.addWidget(self.min_schools)
        sizes.addWidget(QLabel("to"))
        sizes.addWidget(self.max_schools)
        label = QLabel("have &schools")
        label.setBuddy(self.min_schools)
        layout.addRow(label, sizes)
        self.region = QComboBox()
        self.region.setAccessibleName("Region")
        self.region.addItem("any region")
        self.region.addItems(regions)
        layout.addRow("work in &region", self.region)
        # one field per widget: 0 (shown as "no limit", "any") and the first region mean no filter
        self.max_km.valueChanged.connect(lambda v: self.filter_changed.emit("max_km", v or None))
        self.compatible.toggled.connect(lambda on: self.filter_changed.emit("compatible_only", on))
        self.min_schools.valueChanged.connect(lambda v: self.filter_changed.emit("min_schools", v or None))
        self.max_schools.valueChanged.connect(lambda v: self.filter_changed.emit("max_schools", v or None))
        self.region.currentIndexChanged.connect(
            lambda i: self.filter_changed.emit("region", self.region.itemText(i) if i > 0 else None)
        )

    def bind(self, session) -> None:
        self.filter_changed.connect(lambda name, value: session.set_filters(**{name: value}))
        session.subscribe(lambda changed: self.show_filters(session.filters), {FILTERS})
        self.show_filters(session.filters)

    def show_filters(self, filters) -> None:
        widgets = (self.max_km, self.compatible, self.min_schools, self.max_schools, self.region)
        blockers = [QSignalBlocker(w) for w in widgets]  # noqa: F841 - held until the redraw is done
        self.max_km.setValue(filters.max_km or 0)
        self.compatible.setChecked(filters.compatible_only)
        self.min_schools.setValue(filters.min_schools or 0)
        self.max_schools.setValue(filters.max_schools or 0)
        index = self.region.findText(filters.region) if filters.region else 0
        self.region.setCurrentIndex(max(index, 0))


class ControlsPanel(QWidget):
    def __init__(self, regions: list[str], parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.weights = WeightsPanel()
        self.filters = FiltersPanel(regions)
        layout.addWidget(self.weights)
        layout.addWidget(self.filters)
        layout.addStretch(1)

    def bind(self, session) -> None:
        self.weights.bind(session)
        self.filters.bind(session)
