"""Write tests/core/golden/rankings.json: the top five trusts, with rounded scores, for real schools of every kind.

    .venv/bin/python tools/make_golden.py

Run it after a deliberate change to the scoring (for example a new fit with tools/fit_scoring.py), read the
difference (`git diff tests/core/golden/rankings.json`), and commit it with the change that caused it.
tests/core/test_golden.py fails whenever the app's rankings differ from the file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trustmatch.data import paths  # noqa: E402
from trustmatch.data.dataset import load  # noqa: E402
from trustmatch.fit.criteria import CRITERIA  # noqa: E402
from trustmatch.fit.ranking import PRESETS, Filters, FitEngine  # noqa: E402

OUT = ROOT / "tests" / "core" / "golden" / "rankings.json"

# URN -> what kind of school it stands for
SCHOOLS = {
    111456: "Catholic secondary, maintained (Warrington)",
    143283: "Church of England primary already in a trust (Portbury)",
    100000: "Church of England primary, inner London (The Aldgate School)",
    120115: "small rural Church of England primary (Billesdon)",
    124709: "Church of England primary near another diocese's diocesan trust (Moulton, St Edmundsbury; Ely's 5.6 km)",
    120524: "Church of England primary near another diocese's diocesan trust (Gonerby Hill Foot, Lincoln; Southwell's)",
    115111: "small Church of England primary, rolls partly unrecorded nearby (White Notley)",
    101549: "Jewish primary (Sinai)",
    101574: "Muslim primary (Islamia, Brent)",
    135482: "Sikh primary (Khalsa, Ealing)",
    113884: "Christian secondary (Beaminster)",
    105938: "Methodist primary (Salford)",
    110086: "joint Church of England/Catholic middle school (Windsor)",
    113551: "joint Catholic/Church of England secondary (Torbay)",
    101245: "community secondary (Robert Clack, Dagenham)",
    119707: "community secondary, Lancashire",
    112103: "remote rural community primary (Bewcastle, Cumberland)",
    144638: "isolated all-through academy (The Five Islands, Isles of Scilly)",
    131201: "pupil referral unit / alternative provision (Woodbridge Park)",
    100091: "special school (Frank Barnes School for Deaf Children)",
    100005: "maintained nursery school (Thomas Coram Centre)",
    133545: "sixth form (William Morris)",
    135575: "secondary in a trust (Bristol Cathedral Choir School)",
    101188: "infant school whose junior school is in a trust (Dorothy Barley Infants', Dagenham)",
    116716: "first school in a three-tier area (Worcestershire)",
}


def golden(engine, dataset) -> dict:
    out = {}
    for urn, kind in SCHOOLS.items():
        row = dataset.index_of_urn(urn)
        ranking = engine.evaluate(row).rank(PRESETS["balanced"], Filters())
        out[str(urn)] = {
            "school": dataset.columns["name"][row],
            "kind": kind,
            "top": [
                {
                    "trust_code": c.trust_code,
                    "trust": c.trust_name,
                    "total": round(c.total),
                    **{name: round(c.scores[name]) for name in CRITERIA},
                }
                for c in ranking.rows(5)
            ],
        }
    return out


def main() -> int:
    dataset = load(paths.bundled_dataset())
    document = golden(FitEngine(dataset), dataset)
    OUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Wrote {OUT.relative_to(ROOT)} ({len(document)} schools)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
