"""Every runtime dependency in pyproject.toml is imported by the app: an unused one must not stay (issue 7)."""

from __future__ import annotations

import re

from pyproject_deps import ROOT, runtime_dependencies


def imports(source: str, module: str) -> bool:
    return re.search(rf"^\s*(import|from)\s+{re.escape(module)}\b", source, re.MULTILINE) is not None


def test_every_runtime_dependency_is_imported_by_the_app():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "trustmatch").rglob("*.py"))
    unused = [
        name for name, modules in runtime_dependencies().items() if not any(imports(source, m) for m in modules)
    ]
    assert unused == [], f"listed in pyproject.toml but imported nowhere in trustmatch/: {unused}"
