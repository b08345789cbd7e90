"""Remote large-model servers: a real llama-cpp-python server with an API key stands in for the 180B;
a small stand-in server injects every network fault. Keys live only in the keyring."""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import threading
import time
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from deskmate.core.engines.base import Sampling, msg
from deskmate.core.engines.errors import (
    AuthError,
    ConnectionFailedError,
    EngineError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    StreamTimeoutError,
)
from deskmate.core.remote import (
    EndpointError,
    InsecureEndpointError,
    OfflineModeError,
    RemoteClient,
    RemoteEndpoint,
    client_for,
    load_endpoints,
    load_remote_settings,
    remove_endpoint,
    save_endpoint,
    set_default_endpoint,
    set_route,
    test_connection,
)
from deskmate.core.remote.router import NoRemoteError, Router, choose_route, router_for_task
from deskmate.core.remote.secrets import InvalidKeyError, KeyringUnavailableError, KeyStore
from deskmate.core.settings import settings_path
from remote_standin import Blackhole, StandIn, closed_port

BIG_KEY = "sk-big-" + secrets.token_hex(12)
STANDIN_KEY = "sk-standin-" + secrets.token_hex(12)
ASK = [msg("user", "Name three colours.")]


# --- fixtures -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big(tiny_model):
    """A real llama-cpp-python server on 127.0.0.1 behind an API key: the stand-in for the 180B."""
    from deskmate.core.engines.factory import local_engine

    # llama-cpp-python's own server, as a 180B host would run it.
    eng = local_engine(tiny_model, api_key=BIG_KEY, n_ctx=2048, threads=2, server="llama_cpp")
    eng.wait_ready(120)
    yield eng
    eng.close()


@pytest.fixture
def big_endpoint(big) -> RemoteEndpoint:
    return RemoteEndpoint("big", big.supervisor.endpoint().base_url, "local", context=2048, idle_timeout=30)


@pytest.fixture
def home(deskmate_home) -> Path:
    """This test's Deskmate home (settings, logs, database)."""
    return deskmate_home


@pytest.fixture
def standin():
    with StandIn(key=STANDIN_KEY) as s:
        yield s


def standin_client(s: StandIn, key: str | None = STANDIN_KEY, **kw) -> RemoteClient:
    kw.setdefault("idle_timeout", 1.0)
    kw.setdefault("connect_timeout", 1.0)
    return RemoteClient(RemoteEndpoint("standin", s.url, s.model, **kw), key)


# --- the real server -------------------------------------------------------------------------
def test_streams_from_a_real_server_with_a_key(big_endpoint):
    client = RemoteClient(big_endpoint, BIG_KEY)
    stream = client.stream([msg("user", "Count from one to ten in words.")], Sampling(max_tokens=32, seed=3))
    pieces = list(stream)
    result = stream.result()
    assert len(pieces) >= 5, "the answer must arrive piece by piece"
    assert "".join(pieces) == result.text and result.text.strip()
    assert result.finish_reason in ("stop", "length")
    assert result.usage.completion_tokens >= len(pieces) - 1


def test_schema_output_is_sent_in_the_llama_cpp_form_and_parses(big_endpoint):
    client = RemoteClient(big_endpoint, BIG_KEY)
    assert client.kind is None  # "auto": not known before probing
    schema = {"type": "object", "properties": {"city": {"type": "string", "maxLength": 20}}, "required": ["city"]}
    result = client.complete([msg("user", "Name a city. Answer in JSON.")], Sampling(max_tokens=40, seed=1), schema)
    assert client.kind == "llama_cpp", "llama-cpp-python's server must be detected (it ignores json_schema)"
    assert isinstance(json.loads(result.text, strict=False)["city"], str)


def test_cancel_keeps_the_text_and_the_server_answers_again(big_endpoint):
    client = RemoteClient(big_endpoint, BIG_KEY)
    stream = client.stream([msg("user", "List ten fruits, one per line, with a note on each.")], Sampling(max_tokens=300))
    seen = []
    t0 = None
    for piece in stream:
        seen.append(piece)
        if len(seen) == 4:
            t0 = time.monotonic()
            threading.Thread(target=client.cancel).start()
    assert stream.cancelled
    assert stream.text == "".join(seen) and len(seen) <= 7
    assert time.monotonic() - t0 < 1.5
    again = client.complete([msg("user", "Say hi.")], Sampling(max_tokens=6))
    assert again.text.strip()


def test_wrong_key_is_an_auth_error_that_asks_for_the_key(big_endpoint):
    wrong = "sk-wrong-" + secrets.token_hex(8)
    client = RemoteClient(big_endpoint, wrong)
    with pytest.raises(AuthError) as info:
        client.complete(ASK, Sampling(max_tokens=4))
    assert "Enter the key again" in str(info.value)
    with pytest.raises(AuthError):
        client.list_models()
    report = test_connection(client, offline=False)
    assert not report.ok and report.needs_key
    assert wrong not in report.message and wrong not in str(info.value)


def test_connection_test_on_the_real_server(big_endpoint):
    report = test_connection(RemoteClient(big_endpoint, BIG_KEY), offline=False)
    assert report.ok, report.message
    assert report.models == ("local",) and report.kind == "llama_cpp"
    assert "llama-cpp-python" in report.message and report.chat_seconds is not None


# --- faults --------------------------------------------------------------------------------
def _fail(client: RemoteClient, *, schema=None) -> tuple[EngineError, float]:
    t0 = time.monotonic()
    with pytest.raises(EngineError) as info:
        client.complete(ASK, Sampling(max_tokens=20), schema)
    return info.value, time.monotonic() - t0


def _plain(e: EngineError) -> None:
    text = str(e)
    assert text and text[0].isupper(), text
    for jargon in ("Traceback", "Errno", "Exception", "<html", "http.client", STANDIN_KEY, BIG_KEY):
        assert jargon not in text, text


@pytest.mark.parametrize(
    "fault, error, words, status",
    [
        ("auth401", AuthError, "Enter the key again", None),
        ("auth403", AuthError, "Enter the key again", None),
        ("server_error", ServerError, "problem on the server's side", 500),
        ("bad_gateway", ServerError, "502 Bad Gateway", 502),
    ],
)
def test_status_faults_are_typed_and_plain(standin, fault, error, words, status):
    standin.fault = fault
    e, took = _fail(standin_client(standin))
    assert type(e) is error and words in str(e)
    if status is not None:
        assert e.status == status
    assert took < 2
    _plain(e)


def test_429_with_a_long_retry_after_reports_the_wait(standin):
    standin.fault, standin.retry_after = "rate_limit", "120"
    e, took = _fail(standin_client(standin))
    assert isinstance(e, RateLimitedError) and e.retry_after == 120
    assert "Try again in 120 s" in str(e) and took < 2
    _plain(e)


def test_429_with_a_short_retry_after_is_waited_out(standin):
    standin.retry_after = "1"
    standin.set_faults("rate_limit", None)
    notes: list[str] = []
    client = standin_client(standin)
    client.on_notice = notes.append
    t0 = time.monotonic()
    stream = client.stream(ASK, Sampling(max_tokens=5))
    text = stream.result().text
    assert text == "Hello, this is the"
    assert time.monotonic() - t0 >= 0.95, "Retry-After: 1 must be honoured"
    assert notes and "trying again in 1 s" in notes[0] and stream.notices == notes
    assert len(standin.chat_bodies()) == 2


@pytest.mark.parametrize(
    "fault, error, words",
    [
        ("idle", StreamTimeoutError, "went silent"),
        ("cut", ProtocolError, "cut off"),
        ("malformed", ProtocolError, "malformed"),
        ("error_event", ServerError, "overloaded"),
    ],
)
def test_mid_stream_faults_keep_the_partial_text(standin, fault, error, words):
    standin.fault = fault
    standin.stall = 6.0
    client = standin_client(standin, idle_timeout=0.7)
    stream = client.stream(ASK, Sampling(max_tokens=20))
    got = []
    t0 = time.monotonic()
    with pytest.raises(error) as info:
        for piece in stream:
            got.append(piece)
    took = time.monotonic() - t0
    assert got == ["Hello", ",", " this"]
    assert info.value.partial == "Hello, this" == stream.text
    assert words in str(info.value)
    assert took < 0.7 + 1.0, "nothing may hang past the idle timeout"
    _plain(info.value)


def test_a_server_that_never_answers_times_out(standin):
    standin.fault, standin.stall = "slow_first_byte", 6.0
    e, took = _fail(standin_client(standin, idle_timeout=0.5))
    assert isinstance(e, StreamTimeoutError) and "did not answer in time" in str(e)
    assert took < 1.5
    _plain(e)


def test_a_connect_that_never_completes_times_out():
    with Blackhole() as hole:
        client = RemoteClient(RemoteEndpoint("hole", f"http://127.0.0.1:{hole.port}/v1", "m", connect_timeout=0.5), "k3y-123456")
        e, took = _fail(client)
    assert isinstance(e, StreamTimeoutError) and took < 1.5
    _plain(e)


def test_connection_refused():
    client = RemoteClient(RemoteEndpoint("gone", f"http://127.0.0.1:{closed_port()}/v1", "m"), STANDIN_KEY)
    e, took = _fail(client)
    assert type(e) is ConnectionFailedError and "refused the connection" in str(e) and took < 1.5
    _plain(e)


def test_dns_failure():
    client = RemoteClient(RemoteEndpoint("nowhere", "https://deskmate-test.invalid/v1", "m"), STANDIN_KEY)
    e, _ = _fail(client)
    assert type(e) is ConnectionFailedError and "Could not find the server 'deskmate-test.invalid'" in str(e)
    _plain(e)


def test_tls_error_when_the_server_does_not_speak_https(standin):
    client = RemoteClient(RemoteEndpoint("tls", standin.url.replace("http://", "https://"), "m"), STANDIN_KEY)
    e, took = _fail(client)
    assert type(e) is ConnectionFailedError and "secure (https) connection" in str(e) and took < 2
    assert not standin.chat_bodies(), "nothing may be sent in clear text after a failed handshake"
    _plain(e)


def test_cancel_during_a_silent_server_returns_at_once(standin):
    standin.fault, standin.stall = "idle", 6.0
    client = standin_client(standin, idle_timeout=30)
    stream = client.stream(ASK, Sampling(max_tokens=20))
    cancelled_at = []

    def stop() -> None:
        cancelled_at.append(time.monotonic())
        stream.cancel()

    for i, _ in enumerate(stream):
        if i == 2:  # three pieces in; the server now goes silent for 6 s
            threading.Timer(0.3, stop).start()
    assert stream.cancelled and stream.text == "Hello, this"
    assert time.monotonic() - cancelled_at[0] < 0.5


# --- safety and request form ------------------------------------------------------------
def test_key_is_not_sent_over_plain_http_to_another_computer_unless_allowed():
    ep = RemoteEndpoint("far", "http://deskmate-test.invalid/v1", "m")
    e, took = _fail(RemoteClient(ep, STANDIN_KEY))
    assert isinstance(e, InsecureEndpointError) and "plain http" in str(e) and took < 0.5
    # Allowed for this endpoint, or with no key at all: the request is attempted (and meets the DNS failure).
    for client in (RemoteClient(ep.replace(allow_insecure_http=True), STANDIN_KEY), RemoteClient(ep, None)):
        e, _ = _fail(client)
        assert type(e) is ConnectionFailedError and "Could not find" in str(e)


def test_loopback_http_is_fine_and_extra_fields_and_schema_form_are_sent(standin):
    client = standin_client(standin, extra={"internet": True, "top_k": 5})
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    client.complete(ASK, Sampling(max_tokens=3), schema)
    body = standin.chat_bodies()[-1]
    assert client.kind == "openai", "a server that is not llama-cpp-python gets the json_schema form"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == schema
    assert body["internet"] is True and body["top_k"] == 5 and body["model"] == standin.model
    standin_client(standin, kind="llama_cpp").complete(ASK, Sampling(max_tokens=3), schema)
    assert standin.chat_bodies()[-1]["response_format"] == {"type": "json_object", "schema": schema}


@pytest.mark.parametrize(
    "url, words",
    [
        ("https://api.example.com/v1?api_key=abc", "must not contain '?'"),
        ("https://user:pw@api.example.com/v1", "must not contain a user name or password"),
        ("ftp://api.example.com", "must start with https:// or http://"),
    ],
)
def test_addresses_that_would_put_secrets_in_settings_are_refused(url, words):
    with pytest.raises(EndpointError) as info:
        RemoteEndpoint("x", url, "m")
    assert words in str(info.value)


def test_extra_fields_may_not_carry_a_key():
    with pytest.raises(EndpointError, match="looks like a key"):
        RemoteEndpoint("x", "https://api.example.com", "m", extra={"api_key": "sk-abc"})
    assert RemoteEndpoint("x", "https://api.example.com", "m").base_url == "https://api.example.com/v1"


def test_a_key_with_a_line_break_is_refused_without_echoing_it():
    with pytest.raises(InvalidKeyError) as info:
        RemoteClient(RemoteEndpoint("x", "https://api.example.com", "m"), "sk-abc\nInjected: 1")
    assert "sk-abc" not in str(info.value)


# --- settings.toml --------------------------------------------------------------------------
def test_endpoints_round_trip_in_settings_without_the_key(home, memory_keyring):
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('# my settings\n[engine]\nn_ctx = 2048  # keep this\n\n[app]\noffline = false\n', encoding="utf-8")
    ep = RemoteEndpoint("tiger", "https://api.example.com/v1", "tigerbot-180b", context=16384, kind="openai",
                        extra={"internet": True})
    save_endpoint(ep)
    save_endpoint(RemoteEndpoint("vllm", "http://localhost:8000", "qwen"))
    assert load_endpoints() == [ep, RemoteEndpoint("vllm", "http://localhost:8000/v1", "qwen")]
    text = path.read_text(encoding="utf-8")
    assert "n_ctx = 2048  # keep this" in text and "# my settings" in text
    with pytest.raises(EndpointError, match="already exists"):
        save_endpoint(ep)
    save_endpoint(ep.replace(name="tigerbot"), replace="tiger")
    assert [e.name for e in load_endpoints()] == ["tigerbot", "vllm"]
    set_default_endpoint("vllm")
    set_route("docs.report", "remote")
    set_route(None, "auto")
    rs = load_remote_settings()
    assert rs.default_endpoint == "vllm" and rs.mode_for("docs.report") == "remote" and rs.mode_for("qa.open") == "auto"
    remove_endpoint("vllm")
    rs = load_remote_settings()
    assert [e.name for e in rs.endpoints] == ["tigerbot"] and rs.default_endpoint is None
    assert rs.mode_for("docs.report") == "remote"
    assert "api_key" not in path.read_text() and "[engine]" in path.read_text()


def test_a_key_written_into_settings_by_hand_is_refused_without_echoing_it(home):
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('[[remote.endpoints]]\nname = "t"\nbase_url = "https://a.example"\nmodel = "m"\n'
                    'api_key = "sk-handwritten-123"\n', encoding="utf-8")
    with pytest.raises(EndpointError) as info:
        load_remote_settings()
    assert "must not hold API keys" in str(info.value) and "sk-handwritten-123" not in str(info.value)


# --- the key store --------------------------------------------------------------------------
def test_no_keyring_is_said_plainly_and_a_session_key_is_opt_in(no_keyring, home):
    store = KeyStore()
    assert not store.available
    with pytest.raises(KeyringUnavailableError) as info:
        store.set("tiger", STANDIN_KEY)
    assert "session only" in str(info.value) and "never writes keys to a file" in str(info.value)
    assert store.get("tiger") is None
    store.allow_session_keys()
    assert store.set("tiger", STANDIN_KEY) == "session"
    assert store.get("tiger") == STANDIN_KEY
    assert KeyStore().get("tiger") is None, "a session key lives in this store's memory only"
    assert not home.exists() or not any(STANDIN_KEY.encode() in p.read_bytes() for p in home.rglob("*") if p.is_file())


def test_memory_keyring_holds_the_key(memory_keyring):
    store = KeyStore()
    assert store.available and store.set("tiger", f"  {STANDIN_KEY}\n") == "keyring"
    assert memory_keyring.passwords == {("Deskmate", "remote:tiger"): STANDIN_KEY}
    store.rename("tiger", "tigerbot")
    assert store.get("tigerbot") == STANDIN_KEY and store.get("tiger") is None
    assert store.delete("tigerbot") and memory_keyring.passwords == {}


# --- routing ---------------------------------------------------------------------------------
def test_route_choice():
    kw = {"local_context": 2048, "remote_name": "tiger"}
    assert choose_route("auto", prompt_tokens=100, max_tokens=200, **kw).target == "local"
    assert choose_route("auto", heavy=True, prompt_tokens=100, max_tokens=200, **kw).target == "remote"
    long = choose_route("auto", prompt_tokens=1900, max_tokens=512, **kw)
    assert long.target == "remote" and "more than the local model's 2048" in long.reason
    assert choose_route("auto", heavy=True, offline=True, **kw).target == "local"
    assert choose_route("auto", heavy=True, local_context=2048, remote_name=None).target == "local"
    assert choose_route("local", heavy=True, prompt_tokens=10_000, **kw).target == "local"
    with pytest.raises(OfflineModeError):
        choose_route("remote", offline=True, **kw)
    with pytest.raises(NoRemoteError):
        choose_route("remote", local_context=2048, remote_name=None)


STANDIN_TEXT = "Hello, this is the stand-in server. Done"


def test_auto_sends_heavy_and_long_work_to_the_remote_and_the_rest_to_local(big, standin):
    remote = standin_client(standin)
    heavy = Router(big, remote, mode="auto", heavy=True, local_context=2048)
    s = heavy.stream(ASK, Sampling(max_tokens=20))
    assert s.result().text == STANDIN_TEXT and s.target == "remote" and not s.notice
    long_text = [msg("user", "Summarise: " + "The committee met again. " * 400)]
    s = Router(big, remote, mode="auto", local_context=2048).stream(long_text, Sampling(max_tokens=20))
    assert s.route.target == "remote" and s.result().text == STANDIN_TEXT
    before = len(standin.requests)
    s = Router(big, remote, mode="auto", local_context=2048).stream(ASK, Sampling(max_tokens=8, seed=1))
    assert s.result().text.strip() and s.result().text != STANDIN_TEXT and s.target == "local"
    s = Router(big, remote, mode="local", heavy=True, local_context=2048).stream(ASK, Sampling(max_tokens=8))
    assert s.result().text != STANDIN_TEXT
    assert len(standin.requests) == before, "local work must not touch the remote server"
    s = Router(big, remote, mode="remote", local_context=2048).stream(ASK, Sampling(max_tokens=20))
    assert s.result().text == STANDIN_TEXT


def test_auto_falls_back_to_local_with_a_visible_notice(big):
    notes: list[str] = []
    gone = RemoteClient(RemoteEndpoint("tiger", f"http://127.0.0.1:{closed_port()}/v1", "m"), STANDIN_KEY)
    router = Router(big, gone, mode="auto", heavy=True, local_context=2048, on_notice=notes.append)
    s = router.stream(ASK, Sampling(max_tokens=8, seed=1))
    text = s.result().text
    assert text.strip() and s.target == "local" and s.route.target == "remote"
    assert "'tiger' could not be used" in s.notice and "local model answers instead" in s.notice
    assert notes == [s.notice] and STANDIN_KEY not in s.notice


def test_no_fallback_for_a_wrong_key_or_a_forced_remote(big, standin):
    wrong = standin_client(standin, key="sk-wrong-0123456789")
    with pytest.raises(AuthError):
        Router(big, wrong, mode="auto", heavy=True).complete(ASK, Sampling(max_tokens=8))
    gone = RemoteClient(RemoteEndpoint("tiger", f"http://127.0.0.1:{closed_port()}/v1", "m"), STANDIN_KEY)
    with pytest.raises(ConnectionFailedError):
        Router(big, gone, mode="remote").complete(ASK, Sampling(max_tokens=8))


def test_a_stream_cut_after_text_is_not_replaced_by_a_local_answer(big, standin):
    standin.fault = "cut"
    with pytest.raises(ProtocolError) as info:
        Router(big, standin_client(standin), mode="auto", heavy=True).complete(ASK, Sampling(max_tokens=20))
    assert info.value.partial == "Hello, this"


def test_offline_mode_sends_nothing_anywhere(big, standin, home, memory_keyring):
    save_endpoint(RemoteEndpoint("standin", standin.url, standin.model))
    KeyStore().set("standin", STANDIN_KEY)
    router = router_for_task(big, heavy=True, mode="auto")
    assert router.remote is not None and router.remote.has_key  # online: the remote is used
    assert router.complete(ASK, Sampling(max_tokens=20)).text == STANDIN_TEXT
    sent = len(standin.requests)
    settings_path().write_text(settings_path().read_text() + "\n[app]\noffline = true\n")
    router = router_for_task(big, heavy=True, mode="auto")
    assert router.remote is None
    assert router.complete(ASK, Sampling(max_tokens=8)).text != STANDIN_TEXT
    with pytest.raises(OfflineModeError):
        router_for_task(big, mode="remote")
    with pytest.raises(OfflineModeError):
        client_for("standin")
    report = test_connection(standin_client(standin))
    assert not report.ok and "Offline mode is on" in report.message
    assert len(standin.requests) == sent, "offline mode sent a request"


# --- CLI -----------------------------------------------------------------------------------
def _cli(*args: str, input: str | None = None):
    from deskmate.cli.remote import remote

    return CliRunner().invoke(remote, list(args), input=input, catch_exceptions=False)


def test_cli_add_list_test_rm(standin, home, memory_keyring):
    r = _cli("add", "tiger", standin.url, "--model", standin.model, "--context", "4096", "--extra", "internet=true",
             "--key-stdin", input=STANDIN_KEY + "\n")
    assert r.exit_code == 0, r.output
    assert memory_keyring.passwords == {("Deskmate", "remote:tiger"): STANDIN_KEY}
    assert STANDIN_KEY not in settings_path().read_text() and "tiger" in settings_path().read_text()
    r = _cli("list")
    assert "tiger" in r.output and "key in keyring" in r.output and "internet=true" in r.output
    r = _cli("test", "tiger")
    assert r.exit_code == 0 and "Connected to 'tiger'" in r.output and "one-token test answer took" in r.output
    assert standin.chat_bodies()[-1]["internet"] is True
    r = _cli("add", "tiger", standin.url, "--model", "x", "--no-key")
    assert r.exit_code == 2 and "already exists" in r.output
    r = _cli("rm", "tiger")
    assert r.exit_code == 0 and "and its key" in r.output
    assert memory_keyring.passwords == {} and load_endpoints() == []
    r = _cli("test", "tiger")
    assert r.exit_code == 1 and "no remote server called 'tiger'" in r.output


def test_cli_test_with_a_wrong_key_says_so(standin, home, memory_keyring):
    _cli("add", "tiger", standin.url, "--model", standin.model, "--key-stdin", input="sk-wrong-0123456789\n")
    r = _cli("test", "tiger")
    assert r.exit_code == 1 and "refused the API key" in r.output and "sk-wrong" not in r.output


def test_cli_add_without_a_keyring_saves_nothing(standin, home, no_keyring):
    r = _cli("add", "tiger", standin.url, "--model", standin.model, "--key-stdin", input=STANDIN_KEY + "\n")
    assert r.exit_code == 6 and "no system keyring" in r.output and STANDIN_KEY not in r.output
    assert not settings_path().exists() or "tiger" not in settings_path().read_text()
    r = _cli("add", "plain", "https://api.example.com", "--model", "m", "--allow-http", "--key-stdin",
             input=STANDIN_KEY + "\n")
    assert r.exit_code == 6


def test_cli_refuses_a_key_over_plain_http_to_another_computer(home, memory_keyring):
    r = _cli("add", "far", "http://192.0.2.10:8000", "--model", "m", "--key-stdin", input=STANDIN_KEY + "\n")
    assert r.exit_code == 2 and "--allow-http" in r.output and memory_keyring.passwords == {}


# --- THE leak test -----------------------------------------------------------------------------
def _files_holding(secret: bytes, roots: list[Path], since: float) -> list[Path]:
    found = []
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                p = Path(dirpath) / f
                try:
                    st = p.stat()
                    if st.st_mtime < since - 1 or st.st_size > 64 << 20 or not p.is_file():
                        continue
                    if secret in p.read_bytes():
                        found.append(p)
                except OSError:
                    continue
    return found


def test_the_key_is_found_nowhere(standin, home, memory_keyring, tmp_path, big):
    from deskmate.core.store.drafts import DraftStore

    started = time.time()
    key = STANDIN_KEY
    # A log file under DESKMATE_HOME that hears everything Deskmate logs.
    (home / "logs").mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(home / "logs" / "deskmate.log", encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    deskmate_log = logging.getLogger("deskmate")
    old_level = deskmate_log.level
    deskmate_log.setLevel(logging.DEBUG)
    deskmate_log.addHandler(handler)
    texts: list[str] = []
    try:
        r = _cli("add", "standin", standin.url, "--model", standin.model, "--key-stdin", input=key + "\n")
        assert r.exit_code == 0, r.output
        texts.append(r.output)
        client = client_for("standin")
        client.endpoint = client.endpoint.replace(idle_timeout=0.5, connect_timeout=0.5)
        assert client.complete(ASK, Sampling(max_tokens=3)).text == "Hello, this"  # the key works

        failures: list[BaseException] = []

        def attempt(c: RemoteClient, schema=None) -> None:
            try:
                s = c.stream(ASK, Sampling(max_tokens=20), schema)
                for _ in s:
                    pass
                texts.extend(s.notices)
            except BaseException as e:  # noqa: BLE001
                failures.append(e)

        standin.stall, standin.retry_after = 2.0, "60"
        for fault in ("auth401", "auth403", "rate_limit", "server_error", "bad_gateway", "slow_first_byte",
                      "idle", "cut", "malformed", "error_event"):
            standin.fault = fault
            attempt(client)
        standin.fault_models = True
        for fault in ("auth401", "server_error"):
            standin.fault = fault
            attempt(client, schema={"type": "object"})  # the kind probe fails too
            report = test_connection(client)
            texts.append(report.message)
        standin.fault, standin.fault_models = None, False
        ep = client.endpoint
        for url in (f"http://127.0.0.1:{closed_port()}/v1", "https://deskmate-test.invalid/v1",
                    standin.url.replace("http://", "https://"), "http://deskmate-test.invalid/v1"):
            attempt(RemoteClient(ep.replace(base_url=url), key))
        gone = RemoteClient(ep.replace(base_url=f"http://127.0.0.1:{closed_port()}/v1"), key)
        routed = Router(big, gone, mode="auto", heavy=True).stream(ASK, Sampling(max_tokens=4))
        routed.result()
        texts.append(routed.notice)
        texts.append(_cli("test", "standin").output)
        texts.append(repr(client))
        assert len(failures) == 16

        # What the app keeps: partial answers and error messages, in the drafts database.
        store = DraftStore.open(home / "data" / "drafts.sqlite3")
        for e in failures:
            store.create(f"{e}\n\n{getattr(e, 'partial', '')}", title=type(e).__name__)
        store.close()
    finally:
        deskmate_log.removeHandler(handler)
        deskmate_log.setLevel(old_level)
        handler.close()

    for e in failures:
        texts += [str(e), repr(e), getattr(e, "partial", ""), "".join(traceback.format_exception(e, chain=True))]
        ctx = e.__context__
        while ctx is not None:
            texts += [str(ctx), repr(ctx)]
            ctx = ctx.__context__
    assert [t for t in texts if key in t] == []

    log_text = (home / "logs" / "deskmate.log").read_text(encoding="utf-8")
    assert "[redacted]" in log_text, "the stand-in echoed the key: the log must show it was redacted"
    assert any(p.suffix.startswith(".sqlite") for p in home.rglob("*")), "the drafts database was written"
    assert (home / "config" / "settings.toml").exists()

    # The search itself must be able to find a key (else this test could not fail).
    canary = tmp_path / "canary.txt"
    canary.write_bytes(b"xx" + key.encode() + b"xx")
    roots = [home, Path(tempfile.gettempdir())]
    assert canary in _files_holding(key.encode(), roots, started)
    canary.unlink()
    assert _files_holding(key.encode(), roots, started) == []
    assert memory_keyring.passwords[("Deskmate", "remote:standin")] == key  # only here


def test_retry_after_as_http_date_is_understood():
    import email.utils
    import time

    from deskmate.core.engines.openai_client import retry_after_seconds

    assert retry_after_seconds("7") == 7.0
    assert 25 <= retry_after_seconds(email.utils.formatdate(time.time() + 30, usegmt=True)) <= 30
    assert retry_after_seconds("soon") is None


# --- what to do, in the words of the front end that shows it -----------------------------------------
def test_advice_names_the_windows_menus_when_the_window_shows_it(standin):
    from deskmate.core.front_end import use_window_words
    from deskmate.core.remote.router import NoRemoteError, choose_route
    from deskmate.core.settings import EndpointError
    from deskmate.core.settings.remote import RemoteSettings

    def messages() -> list[str]:
        out = []
        with pytest.raises(NoRemoteError) as routed:
            choose_route("remote", remote_name=None)
        out.append(str(routed.value))
        with pytest.raises(EndpointError) as none:
            RemoteSettings().endpoint()
        out.append(str(none.value))
        with pytest.raises(AuthError) as keyless:
            standin_client(standin, key=None).complete(ASK, Sampling(max_tokens=4))
        out.append(str(keyless.value))
        return out

    assert all("`deskmate remote add`" in m for m in messages())
    use_window_words()
    try:
        shown = messages()
    finally:
        use_window_words(False)
    for m in shown:
        assert "File → Remote servers…" in m and "deskmate " not in m, m
