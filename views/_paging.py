"""Loading a lazily paged list through the task runner: its pages and its row count.

Shared by the list screens (inspections, customers, tasks); not a screen itself. Each
screen says how to read a page and a count for its current criteria; this keeps the rest
the same everywhere: reads on workers, answers to superseded requests dropped (a new
filter or sort started a new generation), a failed page reported and the model told.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from desktop.tasks import Latest, TaskRunner
from widgets.lazy_table import KeysetTableModel

#: (session, scope, filter, sort=..., descending=..., after=...) -> rows
PageReader = Callable[..., Sequence[Any]]
#: (session, scope, filter) -> number of rows
CountReader = Callable[[Any, Any, Any], int]


class PagedList:
    """Feeds ``model`` from ``read_page`` as the view scrolls, and counts with ``read_count``.

    ``criteria()`` gives the (scope, filter) of the moment, read on the GUI thread when a
    request starts. ``counted(None)`` says a count started, ``counted(n)`` that it ended;
    ``first_page(rows)`` is called when the first page of a new query has arrived."""

    def __init__(
        self,
        runner: TaskRunner,
        model: KeysetTableModel,
        owner: Any,
        criteria: Callable[[], tuple[Any, Any]],
        read_page: PageReader,
        read_count: CountReader,
        *,
        name: str,
        counted: Callable[[int | None], None],
        first_page: Callable[[Sequence[Any]], None] | None = None,
    ) -> None:
        self.runner = runner
        self.model = model
        self.owner = owner
        self._criteria = criteria
        self._read_page = read_page
        self._read_count = read_count
        self._name = name
        self._counted = counted
        self._first_page = first_page
        self._page_latest = Latest()
        self._count_latest = Latest()
        model.page_wanted.connect(self.fetch)

    def reload(self) -> None:
        """Start over from the first page and count again."""
        self.model.reset_rows()
        self.count()

    def count(self) -> None:
        token = self._count_latest.next()
        scope, flt = self._criteria()
        read = self._read_count
        self._counted(None)

        def done(n: int) -> None:
            if self._count_latest.is_current(token):
                self._counted(n)

        self.runner.read(
            lambda session: read(session, scope, flt), done, label=f"count {self._name}", owner=self.owner
        )

    def fetch(self, after: Any) -> None:
        model = self.model
        generation = model.generation
        token = self._page_latest.next() if after is None else None
        scope, flt = self._criteria()
        sort, descending = model.sort_key, model.descending
        read = self._read_page

        def page(session: Any) -> Sequence[Any]:
            return read(session, scope, flt, sort=sort, descending=descending, after=after)

        def done(rows: Sequence[Any]) -> None:
            if token is not None and not self._page_latest.is_current(token):
                return
            model.append_page(rows, generation)
            if after is None and self._first_page is not None:
                self._first_page(rows)

        def failed(error: BaseException) -> None:
            model.load_failed()
            self.runner.report_error(error)

        self.runner.read(page, done, failed, label=f"{self._name} page", owner=self.owner)
