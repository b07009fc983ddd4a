"""How the command line prints: plain tables and JSON records."""

from __future__ import annotations

from trustmatch.export.csvfile import safe_cell  # noqa: F401 - the one definition, kept importable here


def table(rows: list[list], headers: list[str]) -> str:
    cells = [[str(c) for c in row] for row in [headers] + rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def school_json(school) -> dict:
    return {
        "urn": school.urn,
        "name": school.name,
        "phase": school.phase,
        "phase_group": school.phase_group,
        "type": school.type,
        "religious_character": school.religious_character,
        "diocese": school.diocese,
        "la": school.la_name,
        "la_code": school.la_code,
        "region": school.region,
        "town": school.town,
        "postcode": school.postcode,
        "pupils": school.pupils,
        "capacity": school.capacity,
        "lat": school.lat,
        "lon": school.lon,
        "governance": school.governance,
        "trust_code": school.trust_code or None,
        "trust_name": school.trust_name or None,
        "trust_type": school.trust_type or None,
    }
