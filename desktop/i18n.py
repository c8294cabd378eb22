"""Translations: extract the user-visible strings and build Qt's translation files.

Every module that shows text defines ``_t(text)`` as ``QCoreApplication.translate(CONTEXT,
text)`` and calls it with literal strings. ``python -m desktop.i18n`` finds those calls
(with Python's own parser, so nothing is missed or invented), merges them into
``resources/i18n/loansight_zh_CN.ts`` keeping every existing translation (the file Qt
Linguist edits), and compiles the ``.qm`` the application loads. ``--check`` fails when a
string has no finished translation, which the test suite runs.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_FILE = ROOT / "resources" / "i18n" / "loansight_zh_CN.ts"
QM_FILE = TS_FILE.with_suffix(".qm")
SOURCE_DIRS = ("desktop", "views", "widgets")
_CONTEXT_RE = re.compile(r'translate\(\s*"([A-Za-z]+)"\s*,\s*text\s*\)')


def extract() -> dict[str, list[str]]:
    """Context → source strings, in order of first appearance."""
    found: dict[str, list[str]] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).glob("*.py")):
            code = path.read_text("utf-8")
            match = _CONTEXT_RE.search(code)
            if match is None:
                continue
            context = match.group(1)
            for node in ast.walk(ast.parse(code)):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "_t"
                    and node.args
                ):
                    arg = node.args[0]
                    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                        raise SystemExit(f"{path}:{node.lineno}: _t() needs a literal string")
                    strings = found.setdefault(context, [])
                    if arg.value not in strings:
                        strings.append(arg.value)
    return found


def read_ts(path: Path = TS_FILE) -> dict[tuple[str, str], str]:
    """(context, source) → translation (empty when unfinished)."""
    if not path.exists():
        return {}
    out: dict[tuple[str, str], str] = {}
    for ctx in ET.parse(path).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            finished = tr is not None and tr.get("type") not in ("unfinished", "vanished", "obsolete")
            out[(name, msg.findtext("source") or "")] = (tr.text or "") if finished and tr is not None else ""
    return out


def write_ts(
    strings: dict[str, list[str]], translations: dict[tuple[str, str], str], path: Path = TS_FILE
) -> None:
    root = ET.Element("TS", version="2.1", language="zh_CN", sourcelanguage="en")
    for context in sorted(strings):
        ctx = ET.SubElement(root, "context")
        ET.SubElement(ctx, "name").text = context
        for source in strings[context]:
            msg = ET.SubElement(ctx, "message")
            ET.SubElement(msg, "source").text = source
            text = translations.get((context, source), "")
            tr = ET.SubElement(msg, "translation")
            if text:
                tr.text = text
            else:
                tr.set("type", "unfinished")
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def compile_qm(ts: Path = TS_FILE, qm: Path = QM_FILE) -> None:
    subprocess.run(["pyside6-lrelease", str(ts), "-qm", str(qm)], check=True, capture_output=True)


def missing() -> list[tuple[str, str]]:
    done = read_ts()
    return [(c, s) for c, items in extract().items() for s in items if not done.get((c, s))]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        gaps = missing()
        for context, source in gaps:
            print(f"untranslated [{context}] {source}")
        return 1 if gaps else 0
    strings = extract()
    write_ts(strings, read_ts())
    compile_qm()
    total = sum(len(v) for v in strings.values())
    print(f"{total} strings in {len(strings)} contexts; {len(missing())} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
