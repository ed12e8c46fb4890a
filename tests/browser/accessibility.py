"""The accessibility audit of a page: axe-core, as shipped by axe-playwright-python.

The rules are those of WCAG 2.0 and 2.1, levels A and AA (what EN 301 549 requires), WCAG
2.2 AA (target size, for one) and axe's best practices. A violation of impact ``serious`` or
``critical`` fails the test; ``moderate`` and ``minor`` ones are collected, written to
screenshots/accessibility-findings.json at the end of the session, and listed with a reason
in docs/ACCESSIBILITY.md.
"""
from dataclasses import dataclass, field
import json
from pathlib import Path

BLOCKING_IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@dataclass
class AccessibilityFindings:
    """The non-blocking violations of every audited page, by page name."""

    pages: dict[str, list[dict]] = field(default_factory=dict)

    def record(self, page_name: str, violations: list[dict]) -> None:
        self.pages[page_name] = [
            {
                "rule": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]],
            }
            for violation in violations
        ]

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.pages, indent=2, ensure_ascii=False) + "\n")


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    return (
        f"[{violation['impact']}] {violation['id']}: {violation['help']} "
        f"({violation['helpUrl']}) at {targets}"
    )


def assert_accessible(page, page_name: str, findings: AccessibilityFindings) -> None:
    """Run axe on the page as shown now; fail on a serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    findings.record(page_name, [v for v in violations if v["impact"] not in BLOCKING_IMPACTS])
    assert not blocking, f"{page_name} ({page.url}):\n" + "\n".join(map(describe, blocking))
