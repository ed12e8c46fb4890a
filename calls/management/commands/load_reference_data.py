from django.core.management.base import BaseCommand, CommandError

from calls.fixtures import call_fixtures_load, read_fixture_files, reference_fixture_paths


class Command(BaseCommand):
    help = (
        "Load every fixture in fixtures/ (countries, participation, regions, calls) in "
        "dependency order, through the same validation as load_call. Running it again "
        "changes nothing."
    )

    def handle(self, *args, **options):
        sources, unreadable = read_fixture_files(reference_fixture_paths())
        if unreadable:
            raise CommandError(" ".join(unreadable))
        report = call_fixtures_load(sources=sources)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(report.problems)} problem(s) found; nothing was loaded.")
        if options["verbosity"] >= 1:
            self.stdout.write(f"Reference data: {report.summary()}.")
