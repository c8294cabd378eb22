"""LoanSight's command line.

No arguments opens the workstation; sub-commands run headless jobs:

    python main.py import SOURCE... [--db URL] [--json]
    python main.py stats [--db URL] [--json]
    python main.py demo [--db URL] [--scale small|bank]
    python main.py audit verify [--db URL]
    python main.py authenticity [--db URL] [--recompute] [--json]
    python main.py passwd EMPLOYEE_NO [--db URL]
    python main.py health-check [--as-of DATE] [--db URL] [--json]
    python main.py tasks export [--out FILE] [--db URL]
    python main.py bench [--json]

Exit status: 0 success; 1 something was rejected, quarantined or failed a check;
2 the job itself could not run (database unreachable or too new, bad arguments).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from data.errors import LoanSightError


def _db_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL (default: LOANSIGHT_DB, else loansight.db in the data folder)",
    )
    return parent


def _date(text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def build_parser() -> argparse.ArgumentParser:
    db = _db_parent()
    parser = argparse.ArgumentParser(prog="main.py", description="LoanSight 智能贷后督导工作台", parents=[db])
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="start, build a fresh demo database in a temporary folder, log in, open every screen, "
        "make a report, quit; exit 0 when all of it worked (for builds and CI)",
    )
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("import", parents=[db], help="pull files from folders, files or HTTP feeds")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a folder, a file or an http(s):// feed")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")

    p = sub.add_parser("stats", parents=[db], help="count what the database holds")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("demo", parents=[db], help="build a demo database through the real importer")
    p.add_argument("--scale", choices=("small", "bank"), default="small")
    p.add_argument("--seed", type=int, default=20261128)

    p = sub.add_parser("audit", parents=[db], help="audit trail tools")
    p.add_argument("action", choices=("verify",))

    p = sub.add_parser("authenticity", parents=[db], help="list the authenticity flags of every inspection")
    p.add_argument("--recompute", action="store_true", help="compute every inspection's flags again first")
    p.add_argument("--json", action="store_true", help="print one JSON list, an object per revision")

    p = sub.add_parser("passwd", parents=[db], help="set a login password (read from stdin or a prompt)")
    p.add_argument("employee_no")

    p = sub.add_parser(
        "health-check", parents=[db], help="score every customer, keep issues and tasks current"
    )
    p.add_argument("--as-of", type=_date, metavar="DATE", help="the as-of date, YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")

    p = sub.add_parser("tasks", parents=[db], help="post-loan task tools")
    p.add_argument("action", choices=("export",))
    p.add_argument(
        "--out", metavar="FILE", help="where to write (default: tasks-YYYYMMDD.jsonl here; - for stdout)"
    )

    p = sub.add_parser("report", parents=[db], help="make and issue a report (PDF or Excel)")
    p.add_argument("kind", choices=("inspection", "supervision"))
    p.add_argument("bundle_id", nargs="?", help="inspection: the bundle whose current revision to report")
    p.add_argument("--unit", metavar="CODE", help="supervision: the unit (000 for the whole bank)")
    p.add_argument("--period", metavar="PERIOD", help="supervision: YYYY-MM or YYYY-Qn")
    p.add_argument("--out", metavar="FILE", required=True, help="FILE.pdf (or FILE.xlsx for supervision)")
    p.add_argument(
        "--as",
        dest="as_employee",
        metavar="EMPLOYEE_NO",
        help="whose report it is (scope, watermark); default: the first head-office risk manager",
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh")

    p = sub.add_parser("bench", parents=[db], help="run the benchmark suite")
    p.add_argument("--json", action="store_true")
    p.add_argument("--bundles", type=int, default=300, help="bundles in the import benchmark")
    p.add_argument(
        "--gui-db",
        metavar="URL",
        help="also time the inspections table over this database (build it with 'demo --scale bank')",
    )
    p.add_argument(
        "--hashes", type=int, default=1_000_000, help="pHashes in the near-duplicate index benchmark"
    )
    p.add_argument(
        "--bank-db",
        metavar="URL",
        help="a COPY of a 'demo --scale bank' database the benchmark may write to: "
        "also times the health check of every customer, the dashboard's data, opening the "
        "approval queue and approvals on the queue screen",
    )
    return parser


def _open(url: str | None) -> Any:
    from data.db import open_database

    return open_database(url)


class _ProgressBar:
    """A one-line progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int, label: str = "") -> None:
        if not self.enabled or (time.monotonic() - self._last < 0.1 and done < total):
            return
        self._last = time.monotonic()
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[-40:]:<40}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_import(args: argparse.Namespace) -> int:
    from data.ingest.runner import Importer

    db = _open(args.db)
    report = Importer(db, progress=None if args.json else _ProgressBar()).run(args.sources)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        return report.exit_code
    summary = report.summary()
    for f in report.files:
        if f.errors or f.status not in ("imported", "unchanged"):
            print(f"{f.status:<12} {f.kind:<10} {f.path}")
            for e in f.errors[:20]:
                where = ":".join(str(x) for x in (f"line {e.line}" if e.line else None, e.field) if x)
                print(f"    {where or '-'}: {e.message} [{e.code}]")
            if len(f.errors) > 20:
                print(f"    … and {len(f.errors) - 20} more")
    print(
        f"{summary['files']} files: {summary['imported']} imported, {summary['unchanged']} unchanged, "
        f"{summary['partial']} partial, {summary['rejected']} rejected, "
        f"{summary['quarantined']} quarantined; "
        f"rows {summary['rows_imported']} imported, {summary['rows_unchanged']} unchanged, "
        f"{summary['rows_rejected']} rejected; quarantine: {summary['quarantine_released']} released, "
        f"{summary['quarantine_waiting']} waiting"
    )
    return report.exit_code


def cmd_stats(args: argparse.Namespace) -> int:
    from data.queries import counts

    db = _open(args.db)
    with db.read_session() as s:
        result = counts(s)
    if args.json:
        print(json.dumps(result))
    else:
        width = max(len(k) for k in result)
        for key, value in result.items():
            print(f"{key:<{width}}  {value:>10,}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from data.demo.install import DEMO_PASSWORD, build_demo

    db = _open(args.db)
    bar = _ProgressBar()
    started = time.monotonic()
    result = build_demo(db, scale=args.scale, seed=args.seed, progress=bar)
    print(f"demo ({args.scale}) built in {time.monotonic() - started:.0f} s: {db.describe()}")
    print(json.dumps(result.counts, ensure_ascii=False))
    print(f"demo users (password {DEMO_PASSWORD}):")
    for user in result.users:
        print(f"  {user.employee_no:<8} {user.role:<16} {user.name} ({user.branch})")
    return 0 if result.exit_code == 0 else 1


def cmd_audit(args: argparse.Namespace) -> int:
    from data.audit import verify

    db = _open(args.db)
    with db.read_session() as s:
        result = verify(s)
    if result.ok:
        print(f"audit trail intact: {result.events} events verified")
        return 0
    what = (
        "its content was altered"
        if result.problem == "hash"
        else ("it does not follow the event before it (an event was removed or inserted)")
    )
    print(
        f"audit trail BROKEN at event {result.first_bad_id}: {what}; "
        f"{result.events} events before it verified"
    )
    return 1


def cmd_authenticity(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from data.authenticity import flags_for, recompute_all
    from data.models import Inspection

    db = _open(args.db)
    try:
        if args.recompute:
            started = time.monotonic()
            stored = recompute_all(db, progress=None if args.json else _ProgressBar())
            if not args.json:
                print(f"{stored} flags computed in {time.monotonic() - started:.1f} s")
        with db.read_session() as s:
            revisions = s.execute(
                select(
                    Inspection.id,
                    Inspection.bundle_id,
                    Inspection.revision,
                    Inspection.customer_no,
                    Inspection.inspector_no,
                ).order_by(Inspection.started_at, Inspection.bundle_id, Inspection.revision)
            ).all()
            flags = flags_for(s, [r.id for r in revisions])
    finally:
        db.dispose()
    out = [
        {
            "bundle_id": r.bundle_id,
            "revision": r.revision,
            "customer_no": r.customer_no,
            "inspector": r.inspector_no,
            "flags": [{"code": f.code, "severity": f.severity, "detail": f.detail} for f in flags[r.id]],
        }
        for r in revisions
    ]
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        flagged = [o for o in out if o["flags"]]
        for o in flagged:
            codes = ", ".join(f"{f['code']} ({f['severity']})" for f in o["flags"])
            print(f"{o['bundle_id']} r{o['revision']} {o['customer_no']} {o['inspector']}: {codes}")
        print(f"{len(flagged)} of {len(out)} revisions flagged")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    import getpass

    from data.commands import set_password

    password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        print("the password must have at least 8 characters", file=sys.stderr)
        return 2
    db = _open(args.db)
    with db.write_session() as s:
        set_password(s, args.employee_no, password, actor="cli")
    print(f"password set for {args.employee_no}")
    return 0


def cmd_health_check(args: argparse.Namespace) -> int:
    from data.health import run_health_check

    db = _open(args.db)
    try:
        result = run_health_check(db, args.as_of, actor="cli")
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
        return 0
    tiers = ", ".join(f"{tier} {n}" for tier, n in result.tiers.items())
    print(
        f"health check {result.as_of} (model v{result.model_version}): {result.customers} customers "
        f"in {result.seconds:.1f} s; {tiers}"
    )
    print(
        f"scores written {result.scores_written}; tasks created {result.tasks_created}, "
        f"replaced {result.tasks_replaced}; issues opened {result.issues_opened}, "
        f"resolved {result.issues_resolved}"
    )
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    import getpass

    from data.health import today_cst
    from data.tasks import default_export_name, export_open_tasks

    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):  # no account name in a bare container
        os_user = ""
    context = {"os_user": os_user}
    db = _open(args.db)
    try:
        # a write transaction: the export is audited (who, what, how many) as it is made
        if args.out == "-":
            with db.write_session() as s:
                count = export_open_tasks(s, sys.stdout, "cli", target="-", context=context)
            return 0
        out = Path(args.out or default_export_name(today_cst()))
        tmp = out.with_name(out.name + ".part")
        try:
            with db.write_session() as s, tmp.open("w", encoding="utf-8", newline="\n") as fh:
                count = export_open_tasks(s, fh, "cli", target=str(out.resolve()), context=context)
            tmp.replace(out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    finally:
        db.dispose()
    print(f"{count} open tasks written to {out}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from tests.benchmarks.bench_import import run_benchmarks

    results = run_benchmarks(bundles=args.bundles, db_url=args.db)
    if args.gui_db:
        # before the map benchmark, whose browser processes would still be busy around it
        from tests.benchmarks.bench_gui import run_gui_benchmark

        results.update(run_gui_benchmark(args.gui_db))
    if args.bank_db:
        from tests.benchmarks.bench_dashboard import run_dashboard_benchmark
        from tests.benchmarks.bench_health import run_health_benchmark

        results.update(run_health_benchmark(args.bank_db))
        results.update(run_dashboard_benchmark(args.bank_db))
        from tests.benchmarks.bench_approvals import run_approval_benchmark, run_queue_benchmark

        results.update(run_queue_benchmark(args.bank_db))
        results.update(run_approval_benchmark(args.bank_db))
    from tests.benchmarks.bench_reports import (
        run_inspection_report_benchmark,
        run_supervision_report_benchmark,
    )

    results.update(run_inspection_report_benchmark())
    if args.bank_db:
        results.update(run_supervision_report_benchmark(args.bank_db))
    from tests.benchmarks.bench_phash import run_phash_benchmark

    results.update({f"phash.{k}": v for k, v in run_phash_benchmark(n=args.hashes).items()})
    from tests.benchmarks.bench_map import run_map_benchmark

    results.update(run_map_benchmark())
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        for name, value in results.items():
            print(f"{name:<40} {value}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Make a report for a scheduled job and issue it (stored with its hash, audited)."""
    from sqlalchemy import select

    from data.auth import user_session
    from data.models import Staff

    out = Path(args.out)
    db = _open(args.db)
    try:
        with db.read_session() as s:
            if args.as_employee:
                staff = s.get(Staff, args.as_employee)
                if staff is None:
                    print(f"error: no employee {args.as_employee}", file=sys.stderr)
                    return 2
            else:
                staff = s.execute(
                    select(Staff)
                    .where(Staff.role == "HEAD_RISK", Staff.active.is_(True))
                    .order_by(Staff.employee_no)
                    .limit(1)
                ).scalar_one_or_none()
                if staff is None:
                    print("error: no head-office risk manager to act as; use --as", file=sys.stderr)
                    return 2
            user = user_session(s, staff)
        if args.kind == "inspection":
            if not args.bundle_id:
                print("error: report inspection needs the bundle id", file=sys.stderr)
                return 2
            from data.reports.inspection import find_inspection, make_inspection_report

            with db.read_session() as s:
                inspection_id = find_inspection(s, args.bundle_id)
            number, content, pages = make_inspection_report(db, inspection_id, user, lang=args.lang)
        else:
            if not args.unit or not args.period:
                print("error: report supervision needs --unit and --period", file=sys.stderr)
                return 2
            fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "pdf"
            from data.reports.supervision import make_supervision_report

            number, content, pages = make_supervision_report(
                db, user, args.unit, args.period, fmt, lang=args.lang
            )
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(out)
    finally:
        db.dispose()
    print(
        f"{number}: {out} ({len(content):,} bytes, {pages} {'sheets' if out.suffix == '.xlsx' else 'pages'})"
    )
    return 0


def _attach_console() -> None:
    """The Windows build is a GUI program (no console window of its own), so Python has no
    stdout or stderr there. Run from a command prompt (the headless commands, the smoke
    test), it writes to that prompt's console instead."""
    if sys.platform != "win32" or sys.stdout is not None:
        return
    import ctypes

    if ctypes.windll.kernel32.AttachConsole(-1):  # type: ignore[attr-defined,unused-ignore]  # ATTACH_PARENT_PROCESS
        sys.stdout = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        sys.stderr = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    if argv is None and len(sys.argv) > 1:
        _attach_console()
    args = parser.parse_args(argv)
    commands = {
        "import": cmd_import,
        "stats": cmd_stats,
        "demo": cmd_demo,
        "audit": cmd_audit,
        "authenticity": cmd_authenticity,
        "passwd": cmd_passwd,
        "health-check": cmd_health_check,
        "tasks": cmd_tasks,
        "report": cmd_report,
        "bench": cmd_bench,
    }
    if args.smoke_test:
        from desktop.smoke import run_smoke_test

        return run_smoke_test()
    if args.command is None:
        from desktop.app import run_gui

        return run_gui(args.db)
    try:
        return commands[args.command](args)
    except LoanSightError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (LookupError, ValueError) as exc:
        code = getattr(exc, "code", None)
        if code is None:
            raise
        print(f"error: {code}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    import multiprocessing

    # a frozen Windows build starts the bank demo's worker processes as itself
    multiprocessing.freeze_support()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
