"""The inspections browser: the lazily paged model, scope, sorting, filtering, and the
detail of one inspection (summary, checklist, photos and the photo viewer)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from sqlalchemy import select

from data.models import Customer, Inspection
from data.queries import PAGE_SIZE, InspectionFilter, inspection_count
from tests.desktop.conftest import BIG_PER_CUSTOMER, BIG_TOTAL

ABNORMAL = QColor("#fde2e1")


def _settle(qtbot: Any, view: Any) -> None:
    """Wait until every request the view made has been answered and shown."""
    qtbot.waitUntil(lambda: view.runner.running() == 0 and not view.model.loading, timeout=20_000)


def _open(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.inspections import InspectionsView

    view = InspectionsView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=20_000)
    _settle(qtbot, view)
    return view


def _scroll_to_end(qtbot: Any, view: Any) -> None:
    while view.model.canFetchMore():
        before = view.model.rowCount()
        view.table.scrollToBottom()
        qtbot.waitUntil(lambda b=before: view.model.rowCount() > b, timeout=20_000)
        _settle(qtbot, view)


@pytest.fixture
def page_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every call of ``data.queries.inspection_page`` (the ``after`` keyset of each)."""
    import data.queries

    real = data.queries.inspection_page
    calls: list[Any] = []
    lock = threading.Lock()

    def recording(*args: Any, **kwargs: Any) -> Any:
        with lock:
            calls.append(kwargs.get("after"))
        return real(*args, **kwargs)

    monkeypatch.setattr(data.queries, "inspection_page", recording)
    return calls


def test_model_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, big_runner: Any, user_for: Any, prefs: Any
) -> None:
    """Qt's model tester calls ``fetchMore`` at any moment, also from inside
    ``rowsAboutToBeInserted``; the model must never ask for a page it already has."""
    view = _open(qtbot, big_runner, user_for("H0001"), prefs)
    qtmodeltester.check(view.model)
    _settle(qtbot, view)  # the tester's fetchMore is answered while it still watches
    ids = [r.id for r in view.model.rows()]
    assert len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} rows loaded twice"
    assert len(ids) in (2 * PAGE_SIZE, BIG_TOTAL)
    assert view.model.columnCount() == 9
    assert view.model.headerData(1, Qt.Orientation.Horizontal) == "Customer"


def test_only_the_pages_scrolled_to_are_queried(
    qtbot: Any, big_runner: Any, user_for: Any, prefs: Any, page_calls: list[Any]
) -> None:
    view = _open(qtbot, big_runner, user_for("H0001"), prefs)
    model = view.model
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    assert f"{BIG_TOTAL} inspections" in view.count_label.text().replace(",", "")
    # opening asks for the first page only
    assert page_calls
    assert all(after is None for after in page_calls)
    first_pages = len(page_calls)

    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE, timeout=20_000)
    _settle(qtbot, view)
    last = model.row_at(PAGE_SIZE - 1)
    assert page_calls[first_pages:] == [(last.submitted_at, last.id)]
    assert model.canFetchMore()

    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == BIG_TOTAL, timeout=20_000)
    _settle(qtbot, view)
    assert not model.canFetchMore()
    # three pages in all for three pages of rows: nothing fetched twice or ahead
    assert len(page_calls) - first_pages == 2
    ids = [r.id for r in model.rows()]
    assert len(set(ids)) == BIG_TOTAL
    order = [(r.submitted_at, r.id) for r in model.rows()]
    assert order == sorted(order, reverse=True)  # newest first, across page boundaries


def test_opening_the_list_queries_the_first_page_once(
    qtbot: Any, big_runner: Any, user_for: Any, prefs: Any, page_calls: list[Any]
) -> None:
    """Building the view (sorting enabled, sort indicator, first load) must not run the
    same first-page query several times over."""
    _open(qtbot, big_runner, user_for("H0001"), prefs)
    assert page_calls == [None]


@pytest.mark.parametrize(
    ("employee", "expected"),
    [
        ("A0315", BIG_PER_CUSTOMER["C0001004"] + BIG_PER_CUSTOMER["C0001005"]),
        ("A0311", BIG_TOTAL - BIG_PER_CUSTOMER["C0001004"] - BIG_PER_CUSTOMER["C0001005"]),
    ],
)
def test_a_branch_approver_sees_only_their_branch_to_the_end_of_the_list(
    qtbot: Any, big_runner: Any, big_db: Any, user_for: Any, prefs: Any, employee: str, expected: int
) -> None:
    user = user_for(employee)
    view = _open(qtbot, big_runner, user, prefs)
    _scroll_to_end(qtbot, view)
    rows = view.model.rows()
    assert len(rows) == expected
    assert {r.branch_code for r in rows} <= user.scope
    with big_db.read_session() as s:
        assert inspection_count(s, user.scope, InspectionFilter()) == expected
        in_scope = set(
            s.scalars(
                select(Inspection.id)
                .join(Customer, Customer.customer_no == Inspection.customer_no)
                .where(Customer.branch_code.in_(user.scope), Inspection.is_current.is_(True))
            )
        )
    assert {r.id for r in rows} == in_scope
    assert view.count_label.text().replace(",", "") == f"{expected} inspections"
    # the branch filter offers the user's own branches only
    offered = {view.filter_bar.branch.itemData(i) for i in range(1, view.filter_bar.branch.count())}
    assert offered == set(user.scope)


def test_sorting_by_customer_reloads_from_the_first_page(
    qtbot: Any, big_runner: Any, user_for: Any, prefs: Any, page_calls: list[Any]
) -> None:
    view = _open(qtbot, big_runner, user_for("H0001"), prefs)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 * PAGE_SIZE, timeout=20_000)
    _settle(qtbot, view)
    before = len(page_calls)

    view.model.sort(1, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=20_000)
    _settle(qtbot, view)
    assert page_calls[before] is None  # a fresh first page, not a continuation
    assert view.model.rowCount() == PAGE_SIZE
    names = [r.customer_name for r in view.model.rows()]
    assert names == sorted(names)
    assert names[0] != names[-1] or len(set(names)) == 1

    _scroll_to_end(qtbot, view)
    rows = view.model.rows()
    assert len(rows) == BIG_TOTAL
    assert len({r.id for r in rows}) == BIG_TOTAL
    keys = [(r.customer_name, r.id) for r in rows]
    assert keys == sorted(keys)  # keyset paging keeps the order across pages of ties

    view.model.sort(1, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: 0 < view.model.rowCount() <= PAGE_SIZE, timeout=20_000)
    _settle(qtbot, view)
    names = [r.customer_name for r in view.model.rows()]
    assert names == sorted(names, reverse=True)
    assert names[0] == max(r.customer_name for r in rows)


def test_text_filter_narrows_the_rows(qtbot: Any, big_runner: Any, user_for: Any, prefs: Any) -> None:
    view = _open(qtbot, big_runner, user_for("H0001"), prefs)
    with qtbot.waitSignal(view.state_changed, timeout=5000) as state:
        view.filter_bar.search.setText("电子")  # only 唐山盛博电子有限公司 (C0001005)
    assert state.args == ["inspections?text=%E7%94%B5%E5%AD%90"]
    qtbot.waitUntil(
        lambda: view.model.rowCount() == BIG_PER_CUSTOMER["C0001005"] and not view.model.loading,
        timeout=20_000,
    )
    _settle(qtbot, view)
    assert {r.customer_no for r in view.model.rows()} == {"C0001005"}
    assert not view.model.canFetchMore()
    assert view.count_label.text() == f"{BIG_PER_CUSTOMER['C0001005']} inspections"

    # a customer number prefix works too
    view.filter_bar.search.setText("C0001004")
    qtbot.waitUntil(
        lambda: {r.customer_no for r in view.model.rows()} == {"C0001004"} and not view.model.loading,
        timeout=20_000,
    )
    _settle(qtbot, view)
    assert view.model.rowCount() == BIG_PER_CUSTOMER["C0001004"]

    view.filter_bar.clear_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == PAGE_SIZE, timeout=20_000)
    _settle(qtbot, view)
    assert view.query() == "inspections"
    assert view.count_label.text().replace(",", "") == f"{BIG_TOTAL} inspections"


# --- the detail of one inspection ------------------------------------------------------------


def _abnormal_bundle(folder: Any) -> Any:
    """An example bundle for C0001003 where OPS-03 (a major change in the business,
    healthy answer NO) is answered YES and marked abnormal."""
    from tests.data._bundles import build_bundle

    def edit(manifest: dict[str, Any]) -> None:
        for item in manifest["checklist"]:
            if item["code"] == "OPS-03":
                item.update(answer="YES", abnormal=True, remark="主营业务转向电商")

    return build_bundle(2, seed=99, customer_no="C0001003", edit=edit).write(folder)


@pytest.fixture
def detail_view(qtbot: Any, runner: Any, examples_db: Any, user_for: Any, prefs: Any, tmp_path: Any) -> Any:
    from data.ingest.runner import Importer

    report = Importer(examples_db).run([str(_abnormal_bundle(tmp_path / "extra"))])
    assert report.exit_code == 0
    return _open(qtbot, runner, user_for("H0001"), prefs)


def _select_customer(qtbot: Any, view: Any, customer_no: str) -> Any:
    row = next(i for i, r in enumerate(view.model.rows()) if r.customer_no == customer_no)
    inspection = view.model.row_at(row)
    if view.table.currentIndex().row() != row:
        with qtbot.waitSignal(view.inspection_selected) as selected:
            view.table.selectRow(row)
        assert selected.args == [inspection.id]
    qtbot.waitUntil(lambda: view.summary.toPlainText().startswith(inspection.customer_name), timeout=10_000)
    _settle(qtbot, view)
    return inspection


def test_first_row_is_shown_once_loaded(detail_view: Any) -> None:
    first = detail_view.model.row_at(0)
    assert detail_view.table.currentIndex().row() == 0
    assert detail_view.summary.toPlainText().startswith(first.customer_name)


def test_summary_shows_the_customer_with_the_phone_masked(
    qtbot: Any, detail_view: Any, examples_db: Any
) -> None:
    from data.rules.idcodes import mask_phone

    _select_customer(qtbot, detail_view, "C0001000")
    with examples_db.read_session() as s:
        customer = s.get(Customer, "C0001000")
    text, page = detail_view.summary.toPlainText(), detail_view.summary.toHtml()
    assert customer.name in text
    assert "C0001000" in text
    assert mask_phone(customer.phone) in text
    assert customer.phone not in page
    assert customer.phone not in text
    assert customer.legal_rep_id not in page  # the ID number is masked too
    assert "L2026000000" in text  # the customer's loans


def test_checklist_groups_answers_by_section_and_highlights_abnormal_ones(
    qtbot: Any, detail_view: Any
) -> None:
    from data.checklist import checklist_text

    _select_customer(qtbot, detail_view, "C0001003")
    tree = detail_view.checklist
    texts = checklist_text()
    sections = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    expected_titles = [texts.sections[c][0] for c in texts.section_order]
    titles = [s.text(0) for s in sections]
    assert titles == [t for t in expected_titles if t in titles]
    assert titles[0] == "经营状况"
    assert all(s.childCount() > 0 for s in sections)
    highlighted, plain = [], []
    for section in sections:
        for j in range(section.childCount()):
            item = section.child(j)
            colours = {item.background(col).color().name() for col in range(4)}
            (highlighted if colours == {ABNORMAL.name()} else plain).append(item.text(0).split()[0])
    assert highlighted == ["OPS-03"]
    assert "OPS-01" in plain
    assert len(plain) >= 9


def test_checklist_of_a_healthy_inspection_has_nothing_highlighted(qtbot: Any, detail_view: Any) -> None:
    _select_customer(qtbot, detail_view, "C0001001")
    tree = detail_view.checklist
    items = [
        tree.topLevelItem(i).child(j)
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
    ]
    assert items
    assert all(item.background(0).color() != ABNORMAL for item in items)


def test_gallery_shows_every_photo_and_thumbnails_arrive(qtbot: Any, detail_view: Any) -> None:
    inspection = _select_customer(qtbot, detail_view, "C0001002")
    gallery = detail_view.gallery
    assert gallery.count() == inspection.photos == 3
    placeholder = [QSize(160, 160)]

    def thumbnails_in() -> bool:
        return all(gallery.item(i).icon().availableSizes() != placeholder for i in range(gallery.count()))

    qtbot.waitUntil(thumbnails_in, timeout=10_000)
    for i in range(gallery.count()):
        size = gallery.item(i).icon().availableSizes()[0]
        assert max(size.width(), size.height()) == 160
        assert "SHA-256" in gallery.item(i).toolTip()


def test_photo_viewer_steps_zooms_rotates_and_fits(qtbot: Any, detail_view: Any) -> None:
    _select_customer(qtbot, detail_view, "C0001001")
    viewer = detail_view.open_viewer(1)
    qtbot.addWidget(viewer)
    qtbot.waitExposed(viewer)
    actions: dict[str, Callable[[], None]] = {
        a.text(): a.trigger for a in viewer.toolbar.actions() if a.text()
    }
    photos = detail_view.gallery.photos()

    def shows(index: int) -> bool:
        return (
            viewer.index == index
            and viewer.position.text().startswith(f"Photo {index + 1} of 3")
            and viewer.side.text() == photos[index].details
            and not viewer.view.item.pixmap().isNull()
        )

    assert shows(1)
    actions["Next"]()
    assert shows(2)
    actions["Next"]()
    assert shows(0)  # wraps around
    actions["Previous"]()
    assert shows(2)

    fitted = viewer.view.current_scale()
    actions["Zoom in"]()
    assert viewer.view.current_scale() == pytest.approx(fitted * 1.25)
    assert not viewer.view.fit_mode
    actions["Zoom out"]()
    actions["Zoom out"]()
    assert viewer.view.current_scale() == pytest.approx(fitted * 1.25 * 0.8 * 0.8)
    actions["Actual size"]()
    assert viewer.view.current_scale() == pytest.approx(1.0)
    actions["Fit"]()
    assert viewer.view.fit_mode
    assert viewer.view.current_scale() == pytest.approx(fitted, rel=0.02)

    actions["Rotate right"]()
    assert viewer.view.rotation == 90
    assert viewer.view.item.rotation() == 90
    actions["Rotate left"]()
    actions["Rotate left"]()
    assert viewer.view.rotation == 270
    # rotated a quarter turn, the whole picture still fits the view
    visible = viewer.view.visible_rect()
    assert visible.contains(viewer.view.item.sceneBoundingRect().adjusted(1, 1, -1, -1))
    actions["Next"]()
    assert viewer.view.rotation == 0  # each photo starts upright


def test_an_inspection_outside_the_scope_is_not_shown(
    qtbot: Any, make_runner: Any, examples_db: Any, user_for: Any, prefs: Any
) -> None:
    """A branch approver handed the id of another branch's inspection (a stale link) sees
    nothing of it; and that is a known condition, not a crash dialog."""
    runner = make_runner(examples_db)
    with examples_db.read_session() as s:
        other = s.scalar(select(Inspection.id).where(Inspection.customer_no == "C0001000"))
    from views.inspections import InspectionsView

    view = InspectionsView(runner, user_for("A0315"), prefs)  # 唐山: no inspections in the examples
    qtbot.addWidget(view)
    _settle(qtbot, view)
    assert view.model.rowCount() == 0
    view.show_inspection(other)
    _settle(qtbot, view)
    assert "石家庄达源服饰有限公司" not in view.summary.toPlainText()
    errors = make_runner.errors_of(runner)
    reported = list(errors)
    errors.clear()
    unexpected = [e for e in reported if not _is_known(e)]
    assert unexpected == [], (
        "a not-in-scope inspection reached the shell as an unexpected error (a bug dialog)"
    )
    # told to the user as a known condition, worded as for a record that does not exist
    view.show_inspection(10**9)
    _settle(qtbot, view)
    missing = list(errors)
    errors.clear()
    assert [_describe(e) for e in reported] == [_describe(e) for e in missing]


def _describe(error: BaseException) -> str | None:
    from desktop.errors import describe_known_error

    return describe_known_error(error)


def _is_known(error: BaseException) -> bool:
    return _describe(error) is not None


def test_a_busy_database_is_worded_for_the_user(qtbot: Any) -> None:
    """SQLite held by another program past the busy timeout: a known condition, told in
    the user's words (nothing saved, try again), not the network message."""
    from data.errors import DatabaseBusy

    text = _describe(DatabaseBusy(url="sqlite:///x.db", timeout_s=5, reason="database is locked"))
    assert text is not None
    assert "busy" in text
    assert "5" in text
    assert "network" not in text
