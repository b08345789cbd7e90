"""Reading documents in the real parser child: every format, and hostile files that must not hurt.

Files are made in the tests (tests/support/doc_factory.py) and read by the real libraries
(pypdfium2, python-docx, openpyxl, python-pptx, charset-normalizer) in the real child process.
"""

from __future__ import annotations

import os

import doc_factory as make
import pytest
from deskmate.core.docs import DocumentError, Library, ParseLimits
from deskmate.core.docs.parsing import DocumentParser

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def parser():
    p = DocumentParser()
    yield p
    p.close()


def texts(parsed) -> list[tuple[str, int | None, str | None]]:
    return [(b.text, b.page, b.section) for b in parsed.blocks]


def test_pdf_pages_keep_their_numbers(parser, tmp_path):
    pdf = make.write_pdf(tmp_path / "guide.pdf", ["Installing the printer", "Replacing the toner (model X2)"])
    parsed = parser.parse(pdf)
    assert parsed.pages == 2
    assert texts(parsed) == [("Installing the printer", 1, None), ("Replacing the toner (model X2)", 2, None)]


def test_word_text_sits_under_its_heading(parser, tmp_path):
    doc = make.write_docx(tmp_path / "policy.docx", [
        ("Travel", ["Book trains two weeks ahead.", "Keep every receipt."]),
        ("报销", ["发票须在三十天内提交。"]),
    ])
    blocks = texts(parser.parse(doc))
    assert blocks == [
        ("Travel\nBook trains two weeks ahead.\nKeep every receipt.", None, "Travel"),
        ("报销\n发票须在三十天内提交。", None, "报销"),
    ]


def test_excel_rows_under_the_sheet_name_and_slides_by_number(parser, tmp_path):
    book = make.write_xlsx(tmp_path / "budget.xlsx", {"Q2": [("item", "cost"), ("paper", 3.5), ("toner", 80)]})
    assert texts(parser.parse(book)) == [("item | cost\npaper | 3.5\ntoner | 80", None, "Q2")]
    deck = make.write_pptx(tmp_path / "plan.pptx", [("Kick-off", "Agree the scope"), ("Launch", "Ship in May")])
    parsed = parser.parse(deck)
    assert parsed.pages == 2
    assert texts(parsed) == [("Kick-off\n\nAgree the scope", 1, "Kick-off"), ("Launch\n\nShip in May", 2, "Launch")]


def test_markdown_and_html_headings_become_sections(parser, tmp_path):
    md = tmp_path / "notes.md"
    md.write_text("# Setup\nRun the installer.\n\n## Proxy\nSet http_proxy first.\n", encoding="utf-8")
    assert texts(parser.parse(md)) == [("Setup\nRun the installer.", None, "Setup"),
                                        ("Proxy\nSet http_proxy first.", None, "Proxy")]
    page = tmp_path / "faq.html"
    page.write_text(
        "<html><head><title>FAQ</title><style>p{color:red}</style></head><body>"
        "<h1>网络</h1><p>代理服务器在<b>设置</b>里配置。</p><script>alert('x')</script>"
        "<h2>Printing</h2><table><tr><td>A4</td><td>yes</td></tr><tr><td>A3</td><td>no</td></tr></table></body></html>",
        encoding="utf-8",
    )
    assert texts(parser.parse(page)) == [("网络\n\n代理服务器在设置里配置。", None, "网络"),
                                          ("Printing\n\nA4 | yes\nA3 | no", None, "Printing")]


def test_chinese_text_in_gbk_and_big5_is_read_correctly(parser, tmp_path):
    gbk = make.write_gbk_text(tmp_path / "通知.txt", "用户手册：第二季度报告")
    parsed = parser.parse(gbk)
    assert texts(parsed) == [("用户手册：第二季度报告", None, None)]
    assert parsed.encoding == "gb18030"
    big5 = tmp_path / "公告.txt"
    big5.write_bytes("用戶手冊：系統管理".encode("big5"))
    assert texts(parser.parse(big5)) == [("用戶手冊：系統管理", None, None)]


HOSTILE = {
    # name: (writer, words the one error must contain)
    "broken.pdf": (make.write_broken_pdf, "is a damaged PDF"),
    "renamed.pdf": (make.write_binary_as, "is not a PDF file"),
    "bomb.docx": (make.write_zip_bomb_docx, "looks like a zip bomb"),
    "huge.txt": (make.write_huge_text, "is 500.0 MB"),
    "noise.txt": (make.write_binary_as, "does not read as text in any common encoding"),
    "old.docx": (make.write_binary_as, "not a Word document in the current format"),
}


def test_hostile_files_each_get_one_clear_error_and_the_rest_is_indexed(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name, (writer, _words) in HOSTILE.items():
        writer(folder / name)
    make.write_pdf(folder / "manual.pdf", ["The reset button is under the lid."])
    make.write_docx(folder / "memo.docx", [("Holidays", ["The office closes on 24 December."])])
    make.write_gbk_text(folder / "通知.txt", "下周一全体会议在三楼举行。")

    with Library(tmp_path / "docs.sqlite3") as library:
        library.add([folder])
        run = library.index()
        failed = [e for e in run if e.kind == "file_failed"]
        summary = run.result()
        parser_pid = library.parser().pid
        files = {f.path.name: f for f in library.files()}

        assert sorted(e.path.name for e in failed) == sorted(HOSTILE)  # one error per bad file, no more
        for name, (_writer, words) in HOSTILE.items():
            assert files[name].state == "error"
            assert words in files[name].error, files[name].error
            assert files[name].chunks == 0
        assert {n for n, f in files.items() if f.state == "ready"} == {"manual.pdf", "memo.docx", "通知.txt"}
        assert summary.read == 3 and len(summary.failed) == len(HOSTILE)
        assert parser_pid is not None  # the reader is alive and ready for more
        assert [p.path.name for p in library.search("会议").passages] == ["通知.txt"]
        assert library.search("reset button").passages[0].path.name == "manual.pdf"

        # Unchanged bad files are not tried again on every scan.
        again = library.index()
        assert [e for e in again if e.kind == "file_failed"] == []
        assert again.result().unchanged == len(HOSTILE) + 3


def test_a_stalled_read_times_out_and_the_next_file_gets_a_fresh_reader(tmp_path):
    stall = tmp_path / "stall.txt"
    os.mkfifo(stall)  # opening it for reading blocks until a writer comes: a reader that never returns
    good = make.write_pdf(tmp_path / "good.pdf", ["Still works."])
    with DocumentParser(ParseLimits(timeout_base=1.5)) as parser:
        with pytest.raises(DocumentError, match=r"took longer than 2 s") as info:
            parser.parse(stall, "text")
        assert info.value.kind == "timeout"
        assert texts(parser.parse(good)) == [("Still works.", 1, None)]
        assert parser.starts == 2


def test_a_file_that_needs_too_much_memory_fails_alone(tmp_path):
    big = tmp_path / "dump.txt"
    with open(big, "wb") as f:
        line = b"word " * 20 + b"\n"
        f.write(line * (100 * (1 << 20) // len(line)))  # 100 MB of text: bytes + decoded copy > the limit
    good = tmp_path / "small.txt"
    good.write_text("A small file after the big one.", encoding="utf-8")
    limits = ParseLimits(max_plain_bytes=200 << 20, memory_bytes=300 << 20)  # the child starts near 150 MB
    with DocumentParser(limits) as parser:
        with pytest.raises(DocumentError, match="needs more memory to read than the 300 MB") as info:
            parser.parse(big)
        assert info.value.kind == "out_of_memory"
        assert texts(parser.parse(good)) == [("A small file after the big one.", None, None)]
        assert parser.starts == 2


def test_running_headers_and_footers_of_a_pdf_are_left_out(parser, tmp_path):
    pages = [f"Printer Manual {n} / 4\nStep {n}: {step}\nCopyright ACME {2020 + n}"
             for n, step in enumerate(["unpack", "plug in", "load paper", "print"], 1)]
    pdf = make.write_pdf(tmp_path / "manual.pdf", pages)
    assert texts(parser.parse(pdf)) == [("Step 1: unpack", 1, None), ("Step 2: plug in", 2, None),
                                         ("Step 3: load paper", 3, None), ("Step 4: print", 4, None)]
