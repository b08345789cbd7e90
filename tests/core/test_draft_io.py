"""Drafts to and from real files: Markdown, DOCX (python-docx) and HTML; imports with clear errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from deskmate.core.store import DraftStore
from deskmate.core.store.io import (
    DraftExportError,
    DraftImportError,
    export_draft,
    import_draft,
    import_file,
)

REPORT = """# Quarterly report

Revenue grew **12%** in *Q3*, ahead of plan.
The second line stays in the same paragraph.

## Next steps

- Hire two engineers
- Ship the `desktop` app
1. Draft the budget
2. Review it with finance

> Numbers are preliminary.

| Region | Sales |
| --- | --- |
| North | 120 |
| South \\| East | 95 |

### 第二季度总结

第二季度收入增长了百分之十。
"""


@pytest.fixture
def store(tmp_path: Path):
    s = DraftStore.open(tmp_path / "deskmate.sqlite3")
    yield s
    s.close()


def test_markdown_to_docx_and_back_keeps_the_structure(tmp_path: Path):
    path = export_draft(REPORT, tmp_path / "report.docx")
    document = docx.Document(str(path))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Quarterly report"), ("Heading 2", "Next steps"), ("Heading 3", "第二季度总结")]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Hire two engineers", "Ship the desktop app"]
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert bold == ["12%"]
    assert document.tables[0].cell(2, 0).text == "South | East"

    back = import_file(path).body
    assert back == REPORT  # the same text, line for line


def test_docx_written_by_word_style_tools_imports_as_markdown(tmp_path: Path):
    d = docx.Document()
    d.add_paragraph("Annual plan", style="Title")
    d.add_heading("Goals", level=2)
    p = d.add_paragraph("We will ")
    p.add_run("ship").bold = True
    p.add_run(" on time and ")
    p.add_run("stay calm").italic = True
    p.add_run(".")
    d.add_paragraph("")  # empty paragraphs are spacing, not text
    d.add_paragraph("first", style="List Number")
    d.add_paragraph("second", style="List Number")
    d.add_paragraph("nested point", style="List Bullet 2")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(1, 0).text, t.cell(1, 1).text = "Name", "Role", "Li Lei", "Lead"
    d.add_paragraph("Closing line\nwith a break")
    d.save(str(tmp_path / "plan.docx"))
    assert import_file(tmp_path / "plan.docx").body == (
        "# Annual plan\n\n## Goals\n\nWe will **ship** on time and *stay calm*.\n\n"
        "1. first\n2. second\n  - nested point\n\n"
        "| Name | Role |\n| --- | --- |\n| Li Lei | Lead |\n\nClosing line\nwith a break\n"
    )


def test_html_export_escapes_everything_and_is_styled(tmp_path: Path):
    body = (
        '# Report <b>bold</b>\n\nHello <script>alert("x")</script> & goodbye\n\n- item <img src=x onerror=alert(1)>\n'
    )
    page = export_draft(body, tmp_path / "r.html", title="</title><script>bad()</script>").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; goodbye" in page
    assert "<title>&lt;/title&gt;&lt;script&gt;bad()&lt;/script&gt;</title>" in page
    assert "<h1>Report &lt;b&gt;bold&lt;/b&gt;</h1>" in page
    assert "<li>item &lt;img src=x onerror=alert(1)&gt;</li>" in page
    assert '<meta charset="utf-8">' in page and "<style>" in page and "max-width" in page


def test_html_structure(tmp_path: Path):
    page = export_draft(REPORT, tmp_path / "r.htm").read_text(encoding="utf-8")
    assert "<h2>Next steps</h2>" in page and "<h3>第二季度总结</h3>" in page
    assert "<p>Revenue grew <strong>12%</strong> in <em>Q3</em>, ahead of plan.<br>\nThe second line" in page
    assert "<ul>\n<li>Hire two engineers</li>\n<li>Ship the <code>desktop</code> app</li>\n</ul>\n<ol>" in page
    assert "<tr><td>South | East</td><td>95</td></tr>" in page


def test_markdown_export_and_import_keep_the_text_exactly(tmp_path: Path, store: DraftStore):
    d = store.create(REPORT, kind="text")
    path = export_draft(store.get(d.id), tmp_path / "out.md")
    assert path.read_bytes() == REPORT.encode("utf-8")
    again = import_draft(store, path)
    assert again.body == REPORT and again.title == "Quarterly report"
    assert [v.source for v in store.versions(again.id)] == ["import"]
    assert {h.draft.id for h in store.search("季度")} == {d.id, again.id}


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "gb18030"],
)
def test_text_files_in_common_encodings(tmp_path: Path, encoding: str):
    text = "会议纪要\r\nThe quarterly meeting moved to Friday.\r\n"
    path = tmp_path / "notes.txt"
    path.write_bytes(text.encode(encoding))
    imported = import_file(path)
    assert imported.body == "会议纪要\nThe quarterly meeting moved to Friday.\n"
    assert imported.title == "会议纪要"


def test_unreadable_files_get_plain_errors(tmp_path: Path):
    cases = {
        "image.txt": (bytes(range(256)) * 8, "binary file"),
        "scan.txt": (b"%PDF-1.7\n" + bytes(range(256)), "is a PDF"),
        "fake.docx": (b"this is plain text pretending to be Word", "not a Word document"),
        "old.doc": (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old Word .doc"),
        "renamed.docx": (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old Word .doc file renamed"),
        "control.md": (b"text\x01\x02\x03\x04\x05 more", "binary file"),
        "photo.png": (b"\x89PNG", "can import .txt, .md and .docx"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(DraftImportError, match=message):
            import_file(tmp_path / name)
    with zipfile.ZipFile(tmp_path / "broken.docx", "w") as z:  # a zip, but no Word document inside
        z.writestr("hello.txt", "hi")
    with pytest.raises(DraftImportError, match="damaged or not a Word document"):
        import_file(tmp_path / "broken.docx")
    with pytest.raises(DraftImportError, match="does not exist"):
        import_file(tmp_path / "missing.md")


def test_export_errors_are_plain_and_leave_existing_files_alone(tmp_path: Path):
    with pytest.raises(DraftExportError, match="does not exist"):
        export_draft("text", tmp_path / "no-such-folder" / "a.md")
    with pytest.raises(DraftExportError, match=r"Markdown \(.md\), Word \(.docx\) or HTML"):
        export_draft("text", tmp_path / "a.pdf")
    (tmp_path / "taken.html").mkdir()
    with pytest.raises(DraftExportError, match="Could not write"):
        export_draft("text", tmp_path / "taken.html")
    assert [p.name for p in tmp_path.iterdir()] == ["taken.html"]  # no temporary file left behind


def test_broken_characters_do_not_stop_an_export(tmp_path: Path):
    body = "# Notes\n\nhalf an emoji \ud83d here, a bell \x07 there, 😀 intact\n"
    for suffix in (".md", ".docx", ".html"):
        path = export_draft(body, tmp_path / f"n{suffix}")
        if suffix != ".html":
            assert "\ufffd here" in import_file(path).body and "😀 intact" in import_file(path).body


def test_western_legacy_text_file(tmp_path: Path):
    (tmp_path / "cv.txt").write_bytes("Café résumé, naïve".encode("cp1252"))
    assert import_file(tmp_path / "cv.txt").body == "Café résumé, naïve"
