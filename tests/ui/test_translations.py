"""The Simplified Chinese UI translation is complete and keeps every placeholder."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "assets" / "translations" / "deskmate_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{[^}]*\}|%n|%\d")


def messages():
    for ctx in ET.parse(TS).getroot().iter("context"):
        for m in ctx.iter("message"):
            tr = m.find("translation")
            forms = [f.text or "" for f in tr.iter("numerusform")] or [tr.text or ""]
            yield ctx.find("name").text, m.find("source").text, tr.get("type"), forms


def test_every_ui_string_is_extracted_and_translated(tmp_path):
    """Re-extract from the code: a new tr() string without a translation fails here."""
    fresh = tmp_path / "fresh.ts"
    fresh.write_bytes(TS.read_bytes())
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    sources = sorted(str(p) for p in (ROOT / "app" / "deskmate" / "ui").glob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(fresh), "-no-obsolete"], check=True, capture_output=True)
    missing = [(c, s) for c, s, kind, forms in _messages_of(fresh) if kind == "unfinished" or not any(forms)]
    assert not missing, f"untranslated UI strings: {missing[:10]}"


def _messages_of(path):
    for ctx in ET.parse(path).getroot().iter("context"):
        for m in ctx.iter("message"):
            tr = m.find("translation")
            forms = [f.text or "" for f in tr.iter("numerusform")] or [tr.text or ""]
            yield ctx.find("name").text, m.find("source").text, tr.get("type"), forms


def test_placeholders_survive_translation():
    for ctx, source, _kind, forms in messages():
        want = sorted(PLACEHOLDER.findall(source))
        for form in forms:
            assert sorted(PLACEHOLDER.findall(form)) == want, f"{ctx}: {source!r} -> {form!r}"


def test_compiled_file_is_up_to_date(tmp_path):
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    out = tmp_path / "check.qm"
    subprocess.run([str(lrelease), str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == TS.with_suffix(".qm").read_bytes(), "run pyside6-lrelease after editing the .ts"
