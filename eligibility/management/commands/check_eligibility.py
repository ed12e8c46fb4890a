"""python manage.py check_eligibility FILE|- [--format json|text]

Exit status: 0 eligible, 1 not eligible or incomplete, 2 invalid input (errors on stderr).
"""
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from eligibility.contract import InvalidRequest, check_request, to_json
from eligibility.engine import Report

EXIT_ELIGIBLE = 0
EXIT_NOT_ELIGIBLE = 1
EXIT_INVALID = 2


class Command(BaseCommand):
    help = (
        "Check a consortium described in JSON (a file, or - for standard input) against its "
        "call. Prints the report; exits 0 if eligible, 1 if not eligible or incomplete, "
        "2 if the input is invalid."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="JSON file, or - for standard input")
        parser.add_argument("--format", choices=["json", "text"], default="json",
                            dest="output_format")

    def handle(self, *args, file: str, output_format: str, **options):
        body = self.read(file)
        try:
            report = check_request(body)
        except InvalidRequest as error:
            if output_format == "json":
                self.stderr.write(to_json({"errors": error.errors}), ending="")
            else:
                self.stderr.write("\n".join(error.errors))
            sys.exit(EXIT_INVALID)
        if output_format == "json":
            self.stdout.write(to_json(report.to_dict()), ending="")
        else:
            self.stdout.write(report_text(report))
        sys.exit(EXIT_ELIGIBLE if report.is_eligible else EXIT_NOT_ELIGIBLE)

    def read(self, file: str) -> bytes:
        try:
            if file == "-":
                return sys.stdin.buffer.read()
            with open(file, "rb") as handle:
                return handle.read()
        except OSError as error:
            self.stderr.write(f"{file}: {error.strerror}")
            sys.exit(EXIT_INVALID)


# Fixed, for grep; UNKNOWN: not checked, the call's value is not known.
STATUS_MARKS = {"pass": "PASS", "fail": "FAIL", "missing": "MISSING", "not_checked": "UNKNOWN"}


def report_text(report: Report) -> str:
    """A plain table: one line per rule, then its message and hint indented."""
    data = report.to_dict()
    width = max((len(outcome["rule"]) for outcome in data["outcomes"]), default=4)
    allowed = _("yes") if data["submission_allowed"] else _("no")
    lines = [
        _("Call: %(call)s") % {"call": data["call"]},
        _("Verdict: %(verdict)s (submission allowed: %(allowed)s)")
        % {"verdict": data["verdict"], "allowed": allowed},
        "",
    ]
    advisory = " (%s)" % _("advisory")
    for outcome in data["outcomes"]:
        status = STATUS_MARKS[outcome["status"]]
        note = advisory if outcome["severity"] == "advisory" else ""
        lines.append(f"{status:<8} {outcome['rule']:<{width}}  {outcome['reference']}{note}")
        lines.append(f"{'':<8} {outcome['message']}")
        if outcome["hint"]:
            lines.append(f"{'':<8} -> {outcome['hint']}")
        for source in outcome.get("provisional", ()):
            lines.append(f"{'':<8} ! " + _("Provisional: from %(source)s") % {"source": source})
    lines.append("")
    lines.append(_("This is a pre-check; the call text prevails."))
    return "\n".join(lines)
