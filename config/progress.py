"""Progress of a long command, for the person watching it or the log that keeps it.

On a terminal a bar is redrawn in place; anywhere else (a CI log, a pipe, a file) a plain line
is written at most every ``interval`` seconds, and always at the end, so that logs stay short
and still show the command is alive.

    progress = Progress(total, label="consortia", stream=self.stderr)
    for chunk in chunks:
        ...
        progress.advance(len(chunk))
    progress.finish()
"""
import time
from typing import Callable, TextIO, cast

from django.core.management.base import OutputWrapper

BAR_WIDTH = 30


class Progress:
    """Counts ``done`` out of ``total`` things named ``label`` and shows it on ``stream``.

    Also callable as ``progress(done, total)``, the shape of the progress callbacks that the
    services take.
    """

    def __init__(
        self,
        total: int,
        *,
        label: str,
        stream: TextIO | OutputWrapper,
        interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # A management command's OutputWrapper ends every write with a newline; the bar needs
        # to stay on its line, so it writes to the stream underneath.
        self.stream = cast(TextIO, stream._out) if isinstance(stream, OutputWrapper) else stream
        self.total = total
        self.label = label
        self.interval = interval
        self.clock = clock
        self.done = 0
        self.started = clock()
        self.last_line_at: float | None = None
        self.last_written = -1
        self.finished = False
        isatty = getattr(self.stream, "isatty", None)
        self.on_terminal = bool(isatty and isatty())

    def __call__(self, done: int, total: int | None = None) -> None:
        self.update(done, total)

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        self.done = done
        now = self.clock()
        if self.on_terminal:
            # Redrawn at most ten times a second: a loop over thousands of rows need not
            # spend its time writing to the terminal.
            if self.last_line_at is None or now - self.last_line_at >= 0.1 or done >= self.total:
                self.last_line_at = now
                self.stream.write("\r" + self.line())
                self.stream.flush()
            return
        if self.last_line_at is None or now - self.last_line_at >= self.interval:
            self.write_line(now)

    def finish(self) -> None:
        """The last state, on a line of its own (once, however often it is called)."""
        if self.finished:
            return
        self.finished = True
        if self.on_terminal:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()
        elif self.last_line_at is None or self.last_written != self.done:
            self.write_line(self.clock())

    def write_line(self, now: float) -> None:
        self.last_line_at = now
        self.last_written = self.done
        self.stream.write(self.line() + "\n")
        self.stream.flush()

    def line(self) -> str:
        fraction = min(self.done / self.total, 1.0) if self.total else 1.0
        elapsed = self.clock() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        counts = f"{self.done:,}/{self.total:,} {self.label}, {rate:,.0f}/s"
        if not self.on_terminal:
            return f"{self.label}: {fraction:.0%} ({counts})"
        filled = int(fraction * BAR_WIDTH)
        return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {counts}"
