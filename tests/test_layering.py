"""The apps form layers (README, "Layout"): an app imports only the apps below it, so that
each can be read, tested and changed knowing only what lies beneath it."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom first. config's composition root (below) is the one place that sees every app.
LAYERS = ["config", "audit", "outbox", "accounts", "calls", "eligibility", "consortia", "reviews"]
COMPOSITION_ROOT = {"config.urls"}
# Upward imports that are known and on their way out, each with the reason it is still here.
KNOWN_EXCEPTIONS = {
    # The demo data makes a national contact point as well as consortia.
    ("consortia.management.commands.seed_demo", "reviews"),
}


def imported_apps(source: str) -> set[str]:
    """The top-level packages ``source`` imports by absolute name, wherever the import is."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def upward_imports(root: Path, layers: list[str]) -> set[tuple[str, str]]:
    """Every (module, app) where a module imports an app at its own layer's height or above."""
    rank = {app: height for height, app in enumerate(layers)}
    found = set()
    for app in layers:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            if module in COMPOSITION_ROOT:
                continue
            for imported in imported_apps(path.read_text(encoding="utf-8")) & rank.keys():
                if imported != app and rank[imported] > rank[app]:
                    found.add((module.removesuffix(".__init__"), imported))
    return found


def test_every_app_is_placed_in_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS)


def test_no_app_imports_an_app_above_it():
    assert upward_imports(ROOT, LAYERS) - KNOWN_EXCEPTIONS == set()


def test_every_known_exception_is_still_an_upward_import():
    assert KNOWN_EXCEPTIONS <= upward_imports(ROOT, LAYERS)


def test_an_import_of_an_app_above_is_found_even_inside_a_function(tmp_path):
    (tmp_path / "calls").mkdir()
    (tmp_path / "calls" / "models.py").write_text(
        "from config.text import reading_order\n\n"
        "def late():\n    from consortia.models import Member\n    import reviews.services\n"
    )
    assert upward_imports(tmp_path, ["config", "calls", "consortia", "reviews"]) == {
        ("calls.models", "consortia"), ("calls.models", "reviews"),
    }
