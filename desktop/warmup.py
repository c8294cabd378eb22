"""Warm-up while the login screen waits for the password.

Importing the data layer and compiling the first SQL statements takes a few hundred
milliseconds of CPU; done on a worker thread while the user types, it no longer competes
with the first screen for the interpreter when that screen opens.
"""

from __future__ import annotations

from typing import Any


def warm_up(db: Any) -> None:
    """Import what the screens will need and run their first queries once."""
    from data.queries import InspectionFilter, filter_choices, inspection_count, inspection_page

    with db.read_session() as session:
        inspection_page(session, None, InspectionFilter(), limit=1)
        inspection_count(session, frozenset({"-"}), InspectionFilter())
        filter_choices(session, frozenset({"-"}))
    import views.imports
    import views.inspections  # noqa: F401
    import widgets.photos  # noqa: F401
