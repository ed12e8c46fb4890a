from django.core.management.base import BaseCommand, CommandError

from calls.fixtures import call_fixtures_load, read_fixture_files


class Command(BaseCommand):
    help = (
        "Validate and load call fixture files (Django fixture JSON with natural keys). "
        "Every problem is reported; nothing is loaded unless all files are valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, **options):
        sources, unreadable = read_fixture_files(files)
        if unreadable:
            raise CommandError(" ".join(unreadable))
        report = call_fixtures_load(sources=sources)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(report.problems)} problem(s) found; nothing was loaded."
            )
        if options["verbosity"] >= 1:
            self.stdout.write(f"Loaded: {report.summary()}.")
            if options["verbosity"] >= 2:
                for label in report.created:
                    self.stdout.write(f"  created {label}")
                for label in report.updated:
                    self.stdout.write(f"  updated {label}")
