"""The progress shown by long commands: a bar on a terminal, plain periodic lines in logs."""
import io

from django.core.management.base import OutputWrapper
import pytest

from benchmarks.datagen import generate_submitted
from config.progress import Progress
from tests.consortium_factories import escp_call


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_ends_with_a_newline():
    terminal, clock = Terminal(), Clock()
    progress = Progress(4, label="chunks", stream=terminal, clock=clock)

    clock.now += 1
    progress.advance(2)
    clock.now += 1
    progress.advance(2)
    progress.finish()

    drawn = terminal.getvalue()
    assert drawn.count("\n") == 1 and drawn.endswith("\n")
    redraws = drawn.rstrip("\n").split("\r")[1:]
    assert redraws[0] == "[" + "#" * 15 + "." * 15 + "] 2/4 chunks, 2/s"
    assert redraws[-1] == "[" + "#" * 30 + "] 4/4 chunks, 2/s"


def test_in_a_log_a_plain_line_is_written_at_most_once_per_interval_and_at_the_end():
    log, clock = io.StringIO(), Clock()
    progress = Progress(1000, label="consortia", stream=log, interval=10, clock=clock)

    for _ in range(10):
        clock.now += 3
        progress.advance(100)
    progress.finish()

    lines = log.getvalue().splitlines()
    assert lines == [
        "consortia: 10% (100/1,000 consortia, 33/s)",
        "consortia: 50% (500/1,000 consortia, 33/s)",
        "consortia: 90% (900/1,000 consortia, 33/s)",
        "consortia: 100% (1,000/1,000 consortia, 33/s)",
    ]
    assert "\r" not in log.getvalue() and "#" not in log.getvalue()


def test_finishing_twice_or_right_after_a_line_repeats_nothing():
    log, clock = io.StringIO(), Clock()
    progress = Progress(2, label="files", stream=log, clock=clock)

    progress.update(2)
    progress.finish()
    progress.finish()

    assert log.getvalue().splitlines() == ["files: 100% (2/2 files, 0/s)"]


def test_the_callback_form_takes_done_and_a_new_total():
    log = io.StringIO()
    progress = Progress(0, label="rows", stream=log, clock=Clock())

    progress(3, 12)

    assert progress.total == 12
    assert log.getvalue() == "rows: 25% (3/12 rows, 0/s)\n"


def test_nothing_to_do_counts_as_complete():
    log = io.StringIO()
    progress = Progress(0, label="rows", stream=log, clock=Clock())

    progress.finish()

    assert log.getvalue() == "rows: 100% (0/0 rows, 0/s)\n"


def test_a_command_output_wrapper_gets_the_bar_without_a_newline_per_redraw():
    terminal = Terminal()
    progress = Progress(2, label="chunks", stream=OutputWrapper(terminal))

    progress.advance()

    assert terminal.getvalue().startswith("\r[") and "\n" not in terminal.getvalue()


@pytest.mark.django_db
def test_the_benchmark_data_generator_reports_progress_after_each_chunk():
    reported = []

    generate_submitted(call=escp_call(), count=5, chunk=2,
                       progress=lambda done, total: reported.append((done, total)))

    assert reported == [(2, 5), (4, 5), (5, 5)]


@pytest.mark.django_db
def test_the_benchmark_data_generator_shows_its_progress_on_stderr_by_default(capsys):
    generate_submitted(call=escp_call(), count=3, chunk=2)

    assert capsys.readouterr().err.splitlines()[-1].startswith(
        "consortia generated: 100% (3/3 consortia generated"
    )
