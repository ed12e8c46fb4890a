from django.core.management.base import BaseCommand, CommandError

from calls.fixtures import call_fixtures_load, read_fixture_files, reference_fixture_paths
from config.progress import Progress


class Command(BaseCommand):
    help = (
        "Load every fixture in fixtures/ (countries, participation, regions, calls) in "
        "dependency order, through the same validation as load_call. Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true",
                            help="do not show the progress on stderr")

    def handle(self, *args, no_progress: bool, **options):
        sources, unreadable = read_fixture_files(reference_fixture_paths())
        if unreadable:
            raise CommandError(" ".join(unreadable))
        show = not no_progress and options["verbosity"] >= 1
        progress = Progress(0, label="objects", stream=self.stderr) if show else None
        report = call_fixtures_load(sources=sources, progress=progress)
        if progress:
            progress.finish()
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(report.problems)} problem(s) found; nothing was loaded.")
        if options["verbosity"] >= 1:
            self.stdout.write(f"Reference data: {report.summary()}.")
