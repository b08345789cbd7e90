"""The settings home: every key declared once, read with plain errors, written keeping the user's file.

Real files in a temporary folder, real processes for the concurrent writers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import threading
import tomllib
from pathlib import Path

import pytest
from deskmate.core.settings import (
    EndpointError,
    RemoteEndpoint,
    Settings,
    SettingsError,
    load_settings,
    load_settings_leniently,
    read_toml,
    remove_endpoint,
    save_endpoint,
    set_default_endpoint,
    set_route,
    set_value,
    set_values,
)
from deskmate.core.settings.reference import README_BEGIN, README_END, keys, markdown

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "settings.toml"


# --- reading: each wrong value names the file, the table and the key, and says what to write -------------
BAD = [
    # (file text, the place, what it says is wrong, what it says to write)
    ("[engine]\nn_ctx = 10\n", "[engine] n_ctx", "a whole number from 256 to 1048576, not 10", "n_ctx = 4096"),
    ('[engine]\nthreads = "many"\n', "[engine] threads", 'a whole number from 0 to 512, not "many"', "threads = 0"),
    ('[engine]\nmodel = "  "\n', "[engine] model", "not empty text", "Delete the line"),
    ('[app]\noffline = "yes"\n', "[app] offline", 'true or false, not "yes"', "offline = true or offline = false"),
    ("[app]\nclose_to_tray = 1\n", "[app] close_to_tray", "true or false, not 1", "close_to_tray = true"),
    ('[ui]\nlanguage = "fr"\n', "[ui] language", 'one of "en" or "zh", not "fr"', 'language = "en"'),
    ("[images]\nmodel = 3\n", "[images] model", "the path of a model folder, in quotes, not 3", 'model = "~/models/sd-turbo"'),
    ('[models]\nhf_endpoint = "hf-mirror.com"\n', "[models] hf_endpoint", "must start with http:// or https://",
     'hf_endpoint = "https://hf-mirror.com"'),
    ("[models]\noffline = true\n", "[models] offline", "This setting moved", "under [app]"),
    ("[engine]\nn_cxt = 8192\n", "[engine] n_cxt", "no such setting", "Did you mean n_ctx?"),
    ("[themes]\ndark = true\n", "[themes]", "no such table", "Check the spelling"),
    ("engine = 5\n", "[engine]", "must be a table", "[header] line"),
    ('[remote]\nmode = "sometimes"\n', "[remote] mode", 'one of "local", "remote" or "auto", not "sometimes"',
     'mode = "local"'),
    ('[remote.tasks]\n"docs.report" = "far"\n', '[remote.tasks] "docs.report"', "not \"far\"", '"docs.report" = "local"'),
    ('[remote]\nendpoint = "nope"\n', "[remote] endpoint", "names no endpoint that is set up", "set up: none yet"),
    ('[[remote.endpoints]]\nname = "t"\nbase_url = "ftp://a.example"\nmodel = "m"\n',
     '[[remote.endpoints]] "t" base_url', "must start with https:// or http://", ""),
    ('[[remote.endpoints]]\nname = "t"\nbase_url = "https://a.example"\n',
     '[[remote.endpoints]] "t" model', "Missing", 'model = "tigerbot-180b-chat"'),
    ('[[remote.endpoints]]\nname = "t"\nbase_url = "https://a.example"\nmodel = "m"\ncontext = 5\n',
     '[[remote.endpoints]] "t" context', "a whole number from 256 to 10000000", "context = 8192"),
    ('[[remote.endpoints]]\nname = "t"\nbase_url = "https://a.example"\nmodel = "m"\n'
     '[[remote.endpoints]]\nname = "t"\nbase_url = "https://b.example"\nmodel = "m"\n',
     '[[remote.endpoints]] "t"', "More than one remote endpoint is called t", "a name of its own"),
]


@pytest.mark.parametrize("text, place, wrong, fix", BAD, ids=[b[1] for b in BAD])
def test_a_wrong_value_is_named_with_its_file_table_and_key(path, text, place, wrong, fix):
    path.write_text("# mine\n" + text + "\n[ui]\nlanguage = \"zh\"\n" * ("[ui]" not in text), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(f"{path} {place}: "), message
    assert wrong in message and fix in message, message
    if place.startswith("[remote") or place.startswith("[[remote"):
        assert isinstance(info.value, EndpointError)
    # The window opens anyway: that key has its default, the rest of the file still counts.
    settings, problems = load_settings_leniently(path)
    assert [p.message for p in problems] == [message]
    if "[ui]" not in text:
        assert settings.ui.language == "zh"
    assert path.read_bytes() == before, "reading never rewrites the file"


def test_every_wrong_key_is_reported_and_the_good_ones_kept(path):
    path.write_text('[engine]\nn_ctx = 10\nthreads = 3\n[app]\noffline = "no"\nclose_to_tray = true\n'
                    '[[remote.endpoints]]\nname = "bad"\nbase_url = "ftp://x"\nmodel = "m"\n'
                    '[[remote.endpoints]]\nname = "good"\nbase_url = "https://x.example"\nmodel = "m"\n')
    settings, problems = load_settings_leniently(path)
    assert [p.loc for p in problems] == [("engine", "n_ctx"), ("app", "offline"), ("remote", "endpoints", 0, "base_url")]
    assert (settings.engine.n_ctx, settings.engine.threads) == (4096, 3)
    assert (settings.app.offline, settings.app.close_to_tray) == (False, True)
    assert [e.name for e in settings.remote.endpoints] == ["good"], "a server with a wrong field is left out whole"
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert str(info.value).splitlines() == [p.message for p in problems]


def test_a_key_in_the_file_is_never_echoed_in_an_error(path):
    path.write_text('[[remote.endpoints]]\nname = "t"\nbase_url = "https://a.example"\nmodel = "m"\n'
                    'api_key = "sk-handwritten-123"\ncontext = "sk-in-the-wrong-place"\n')
    with pytest.raises(EndpointError) as info:
        load_settings(path)
    assert "[[remote.endpoints]] \"t\" api_key: Settings files must not hold API keys" in str(info.value)
    assert "sk-" not in str(info.value)


def test_a_file_that_is_not_toml_or_not_utf8_is_named_with_its_line(path):
    path.write_text("[engine]\nn_ctx = \n")
    with pytest.raises(SettingsError, match=r"settings.toml is not valid TOML: .*line 2, column 9"):
        load_settings(path)
    settings, problems = load_settings_leniently(path)
    assert settings == Settings() and "line 2" in problems[0].message
    path.write_bytes("[ui]\nlanguage = 'zh' # \xe4\xb8".encode("latin-1"))
    with pytest.raises(SettingsError, match="not UTF-8 text"):
        load_settings(path)


def test_no_file_means_the_defaults(path):
    assert load_settings(path) == Settings()
    assert load_settings_leniently(path).problems == ()


# --- writing: only what was asked changes; comments, blanks and odd spacing stay byte for byte --------------
HAND_WRITTEN = """\
# my settings — 我的设置
[engine]   # the engine
n_ctx   =   2048    # keep this
threads = 2

# about the app
[app]
offline = false
[ui]
language = "en" # lang

[remote]
mode = "local"  # default route

[[remote.endpoints]]
# the big one
name = "tiger"
base_url = "https://api.example.com/v1"
model = "m"
context = 8192
kind = "auto"
allow_insecure_http = false
extra = { internet = true }  # keep
"""


def test_changing_one_value_touches_only_its_line(path):
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    set_value("ui", "language", "zh", path)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN.replace('language = "en" # lang', 'language = "zh" # lang')
    set_value("engine", "threads", 4, path)
    set_value("ui", "language", "en", path)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN.replace("threads = 2", "threads = 4")


def test_a_new_key_goes_after_the_tables_last_key_and_a_removed_one_leaves_no_trace(path):
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    set_value("engine", "model", "C:\\Models\\模型 \"x\".gguf", path)
    text = path.read_text(encoding="utf-8")
    assert text == HAND_WRITTEN.replace("threads = 2\n", 'threads = 2\nmodel = "C:\\\\Models\\\\模型 \\"x\\".gguf"\n')
    assert tomllib.loads(text)["engine"]["model"] == 'C:\\Models\\模型 "x".gguf'
    set_value("engine", "model", None, path)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_new_table_is_added_at_the_end_with_a_blank_line_before_it(path):
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    set_value("images", "model", "/pictures/sd-turbo", path)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN + '\n[images]\nmodel = "/pictures/sd-turbo"\n'


def test_editing_servers_keeps_the_other_servers_comments(path):
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    save_endpoint(RemoteEndpoint("vllm", "http://localhost:8000", "qwen"), path=path)
    set_route("docs.report", "remote", path)
    set_route(None, "auto", path)
    set_default_endpoint("vllm", path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN.split("[remote]")[0] + '[remote]\nmode = "auto"  # default route\nendpoint = "vllm"\n')
    assert "# the big one\nname = \"tiger\"" in text and "extra = { internet = true }  # keep" in text
    remove_endpoint("vllm", path)
    set_route("docs.report", None, path)
    set_route(None, "local", path)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN, "undoing every change gives the file back"
    save_endpoint(RemoteEndpoint("tiger", "https://api.example.com/v1", "m2", extra={"internet": True}),
                  replace="tiger", path=path)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN.replace('model = "m"\n', 'model = "m2"\n')


def test_a_windows_file_keeps_its_crlf_line_ends(path):
    path.write_bytes(b'# made on Windows\r\n[ui]\r\nlanguage = "en"  # lang\r\n')
    set_value("ui", "language", "zh", path)
    set_value("engine", "threads", 2, path)
    assert path.read_bytes() == b'# made on Windows\r\n[ui]\r\nlanguage = "zh"  # lang\r\n\r\n[engine]\r\nthreads = 2\r\n'


def test_a_wrong_new_value_is_refused_and_nothing_is_written(path):
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    for table, key, value, words in [
        ("engine", "n_ctx", 10, "[engine] n_ctx: It must be a whole number from 256 to 1048576, not 10"),
        ("ui", "language", "fr", '[ui] language: It must be one of "en" or "zh", not "fr"'),
        ("ui", "colours", "dark", "[ui] colours: Deskmate has no such setting"),
        ("ui", "theme", "black", '[ui] theme: It must be one of "system", "light" or "dark", not "black"'),
        ("ui", "zoom", 130, "[ui] zoom: The text size must be one of 80, 90, 100, 110, 125, 150, 175, 200"),
        ("app", "offline", "yes", '[app] offline: It must be true or false, not "yes"'),
    ]:
        with pytest.raises(SettingsError) as info:
            set_value(table, key, value, path)
        assert str(info.value).startswith(f"Nothing was saved. {path} ") and words in str(info.value)
        assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    with pytest.raises(SettingsError, match="Nothing was saved.*n_ctx"):
        set_values([("ui", "language", "zh"), ("engine", "n_ctx", 1)], path)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN, "several values are saved all together or not at all"
    with pytest.raises(EndpointError, match="already exists"):
        save_endpoint(RemoteEndpoint("tiger", "https://other.example", "m"), path=path)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_wrong_value_elsewhere_is_left_alone_and_does_not_block_other_changes(path):
    broken = HAND_WRITTEN.replace("threads = 2", 'threads = "all of them"')
    path.write_text(broken, encoding="utf-8")
    set_value("ui", "language", "zh", path)
    assert path.read_text(encoding="utf-8") == broken.replace('language = "en"', 'language = "zh"')
    set_value("engine", "threads", 0, path)  # changing the wrong key itself mends it
    assert load_settings(path).engine.threads == 0


def test_a_file_that_is_not_toml_is_never_overwritten(path):
    path.write_text("[engine\nn_ctx = 2048\n")
    with pytest.raises(SettingsError, match="is not valid TOML.*Fix that line by hand"):
        set_value("ui", "language", "zh", path)
    assert path.read_text() == "[engine\nn_ctx = 2048\n"


def test_writes_replace_the_file_atomically_and_leave_nothing_behind(path):
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    inode = path.stat().st_ino
    set_value("ui", "language", "zh", path)
    assert path.stat().st_ino != inode, "a new file took the old one's name (os.replace), not an edit in place"
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.toml", "settings.toml.lock"]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from deskmate.core.settings import set_route
    path, who, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for i in range(count):
        set_route(f"{who}.task{i}", ("local", "remote", "auto")[i % 3], path)
    """
)
READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from deskmate.core.settings import load_settings
    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    reads = 0
    while not stop.exists():
        load_settings(path)  # raises on a half-written or wrong file
        reads += 1
    print(reads)
    """
)


def test_concurrent_writers_lose_no_change_and_a_reader_never_sees_half_a_file(path, tmp_path):
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path), str(stop)], stdout=subprocess.PIPE, text=True)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"p{n}", "12"]) for n in range(3)]

    threads = [threading.Thread(target=lambda n=n: [set_route(f"t{n}.task{i}", "auto", path) for i in range(12)])
               for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [w.wait(timeout=300) for w in writers] == [0, 0, 0]
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0 and int(out) > 0
    tasks = load_settings(path).remote.tasks
    assert len(tasks) == 5 * 12 and tasks["p2.task4"] == "remote" and tasks["t1.task11"] == "auto"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN.split("[[remote.endpoints]]")[0]) and "extra = { internet = true }  # keep" in text


# --- every table round-trips through the writers ------------------------------------------------
def test_every_declared_key_round_trips(path):
    set_values([
        ("engine", "model", "/models/big.gguf"), ("engine", "n_ctx", 8192), ("engine", "threads", 6),
        ("app", "offline", True), ("app", "close_to_tray", True), ("ui", "language", "zh"),
        ("ui", "theme", "dark"), ("ui", "zoom", 150),
        ("images", "model", "/models/sd-turbo"), ("models", "hf_endpoint", "https://hf-mirror.com/"),
    ], path)
    full = RemoteEndpoint("tiger", "https://api.example.com", "tigerbot-180b", context=16384, kind="openai",
                          allow_insecure_http=True, connect_timeout=5.5, idle_timeout=90.0,
                          extra={"internet": True, "top_k": 5, "stop": ["END"]})
    save_endpoint(full, path=path)
    save_endpoint(RemoteEndpoint("vllm", "http://localhost:8000", "qwen"), path=path)
    set_default_endpoint("tiger", path)
    set_route(None, "auto", path)
    set_route("docs.report", "remote", path)
    s = load_settings(path)
    assert (s.engine.model, s.engine.n_ctx, s.engine.threads) == ("/models/big.gguf", 8192, 6)
    assert (s.app.offline, s.app.close_to_tray, s.ui.language) == (True, True, "zh")
    assert (s.ui.theme, s.ui.zoom) == ("dark", 150)
    assert (s.images.model, s.models.hf_endpoint) == ("/models/sd-turbo", "https://hf-mirror.com")
    assert s.remote.endpoints == (full, RemoteEndpoint("vllm", "http://localhost:8000/v1", "qwen"))
    assert s.remote.endpoint().name == "tiger" and s.remote.endpoint().base_url == "https://api.example.com/v1"
    assert s.remote.mode_for("docs.report") == "remote" and s.remote.mode_for("qa.open") == "auto"
    # Every key the models declare was written by this test: a new key must be added here too.
    data = read_toml(path)
    for doc in keys():
        table = doc.table.strip("[]").split(".")
        node = data
        for part in table:
            node = node[part][0] if isinstance(node[part], list) else node[part]
        assert doc.key.strip('"') in node or doc.key.startswith('"<'), f"{doc.table} {doc.key} was not round-tripped"


def test_a_path_with_a_tilde_is_expanded_on_reading_and_kept_as_written(path):
    set_value("engine", "model", "~/models/x.gguf", path)
    assert load_settings(path).engine.model == os.path.expanduser("~/models/x.gguf")
    assert 'model = "~/models/x.gguf"' in path.read_text()


# --- one home -------------------------------------------------------------------------------
def test_every_key_has_a_description_and_the_readme_lists_them_all():
    for doc in keys():
        assert doc.description.strip() and doc.takes.strip(), f"{doc.table} {doc.key} needs a description"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert README_BEGIN in readme and README_END in readme, "the README has lost its Settings table"
    start = readme.index(README_BEGIN)
    listed = readme[start: readme.index(README_END, start) + len(README_END)] + "\n"
    assert listed == markdown(), (
        "README.md's list of settings differs from the models; paste the output of "
        "`python -m deskmate.core.settings` between its marker lines"
    )


def test_toml_is_parsed_in_the_settings_home_only():
    """No other module parses settings.toml (or any TOML): one parser, one set of error messages.
    Writing a new TOML file with tomlkit's builders (the task editor's user tasks) is not parsing."""
    source = ROOT / "app" / "deskmate"
    home = source / "core" / "settings"
    offenders = []
    for file in source.rglob("*.py"):
        text = file.read_text(encoding="utf-8")
        if home in file.parents:
            continue
        if re.search(r"^\s*(import tomllib|from tomllib|import tomli\b|from tomli\b)|tomlkit\.(parse|loads?)\(|"
                     r"from tomlkit import .*\b(parse|loads?)\b", text, re.M):
            offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []
    assert [f.name for f in home.rglob("*.py") if "import tomllib" in f.read_text()] == ["toml.py"]


def test_the_settings_command_prints_the_readme_table():
    out = subprocess.run([sys.executable, "-m", "deskmate.core.settings"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout == markdown()
    assert "| `[app]` | `close_to_tray` | true or false | `false` |" in out.stdout
