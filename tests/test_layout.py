"""The house plan (docs/architecture.md) holds: features live in subpackages, the platform imports no domain
app, and no module reaches into another module's private names."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("supervision", "enforcement", "credit")
FEATURE_PREFIXES = {
    "supervision": ("org_", "register_", "leads_", "inspections_", "reports_", "screening_"),
    "enforcement": ("cases_", "documents_", "agreement_actions_", "rewards_", "public_", "follow_ups_", "rules_"),
}


def python_files(*dirs):
    for top in dirs:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, *, module_level_only=False):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def test_no_module_imports_another_modules_private_names():
    offences = []
    for path in python_files(*APPS, "portal", "config", "bench", "tests"):
        me = module_name(path)
        for module, names in imports(path):
            if module == me or module.split(".")[0] not in (*APPS, "portal"):
                continue
            offences += [f"{me}: from {module} import {name}" for name in names if name.startswith("_")]
    assert offences == []


def test_the_platform_imports_no_domain_app_at_module_level():
    offences = [
        f"{module_name(path)} imports {module}"
        for path in python_files("portal")
        for module, _names in imports(path, module_level_only=True)
        if module.split(".")[0] in APPS
    ]
    assert offences == []


def test_no_app_file_carries_another_features_prefix():
    offences = [
        str(path.relative_to(ROOT))
        for app, prefixes in FEATURE_PREFIXES.items()
        for path in (ROOT / app).glob("*.py")
        if path.name.startswith(prefixes)
    ]
    assert offences == []


def test_each_feature_uses_the_house_file_names():
    house = {
        "__init__",
        "models",
        "querysets",
        "services",
        "selectors",
        "views",
        "api",
        "forms",
        "filters",
        "urls",
        "admin",
        "tasks",
        "worklist",
        "demo",
        "hooks",
        "permissions",
        "transitions",
    }
    # Files a feature may add beyond the house names, each for one named rule of the domain.
    extra = {
        "supervision/leads/imports.py",
        "supervision/inspections/draws.py",
        "enforcement/cases/clocks.py",
        "enforcement/cases/procedure.py",
        "enforcement/cases/gates.py",
        "enforcement/cases/queues.py",
        "enforcement/cases/penalties.py",
        "enforcement/documents/content.py",
        "supervision/screening/engines.py",
        "supervision/screening/rules.py",
        "supervision/screening/generator.py",
        "supervision/screening/imports.py",
    }
    offences = []
    for app in ("supervision", "enforcement"):
        for feature in sorted(p for p in (ROOT / app).iterdir() if (p / "__init__.py").exists()):
            if feature.name in ("migrations", "management", "templatetags"):
                continue
            for path in feature.glob("*.py"):
                rel = str(path.relative_to(ROOT))
                if path.stem not in house and rel not in extra:
                    offences.append(rel)
    assert offences == []
