"""`trustmatch --self-test` from a checkout: every step passes on the real data, and a broken install fails it."""

from __future__ import annotations

import io
import re
from pathlib import Path

from trustmatch.data import paths
from trustmatch.launch import main
from trustmatch.ui import selftest

STEP_LINE = re.compile(r"^(ok|FAIL|skip|n/a) +(\S+) +(.*)$")
# The export steps run wherever the checkout has the export package; without it they say "n/a".
HAS_EXPORTS = (Path(__file__).resolve().parents[2] / "trustmatch" / "export").is_dir()


def step_lines(text: str) -> list[tuple[str, str, str]]:
    return [m.groups() for m in map(STEP_LINE.match, text.splitlines()) if m]


def test_self_test_passes_every_step_and_exits_0(qapp, capsys):
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    steps = step_lines(out)
    assert [name for _, name, _ in steps] == [name for name, _, _ in selftest.SelfTest(Path(".")).steps()]
    for status, name, _ in steps:
        assert status == ("n/a" if name in selftest.EXPORT_STEPS and not HAS_EXPORTS else "ok"), out
    found = dict((name, detail) for _, name, detail in steps)
    assert "22,011 schools" in found["data"]
    assert "URN 143283" in found["find"]
    assert "1280x800" in found["window"]
    if HAS_EXPORTS:
        assert found["csv"].startswith("shortlist.csv: 10 trusts")
        assert found["xlsx"].startswith("shortlist.xlsx:")
        assert found["pdf"].startswith("briefing.pdf:")
        assert found["batch"].startswith("3 PDF packs")
    assert out.splitlines()[-1].startswith("self-test passed")


def test_a_missing_dataset_fails_the_self_test_and_skips_what_needs_it(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "bundled_dataset", lambda: tmp_path / "missing" / "dataset.json.gz")
    out = io.StringIO()
    assert selftest.SelfTest(tmp_path, out).run() is False
    steps = step_lines(out.getvalue())
    assert steps[0][:2] == ("FAIL", "data")
    assert {status for status, _, _ in steps[1:]} == ({"skip"} if HAS_EXPORTS else {"skip", "n/a"})
    assert main(["--self-test"]) == 1


def test_a_wrong_result_is_a_failure_not_a_crash(qapp, tmp_path, monkeypatch):
    """The step for finding a school checks what it found, not only that the search ran."""
    monkeypatch.setattr(selftest, "SCHOOL_URN", 100000)
    out = io.StringIO()
    assert selftest.SelfTest(tmp_path, out).run() is False
    statuses = {name: status for status, name, _ in step_lines(out.getvalue())}
    assert statuses["data"] == "ok" and statuses["find"] == "FAIL"
    rest = {status for name, status in statuses.items() if name not in ("data", "find")}
    assert rest == ({"skip"} if HAS_EXPORTS else {"skip", "n/a"})
