"""`deskmate remote …`: set up remote large-model servers (OpenAI-compatible).

The API key goes to the system keyring, never to settings.toml. Register with
``main.add_command(remote)``; task commands get a client from ``Context.engine`` (--remote NAME).
"""

from __future__ import annotations

import json
import sys

import click

from deskmate.cli.common import EXIT_ERROR, EXIT_NO_KEYRING, EXIT_USAGE, fail, one_line
from deskmate.core.engines.errors import EngineError
from deskmate.core.settings import SettingsError


def _key_from(key_stdin: bool, no_key: bool, name: str, keep_hint: bool) -> str | None:
    if no_key:
        return None
    if key_stdin:
        line = sys.stdin.readline()
        key = line.strip()
        if not key:
            fail("--key-stdin was given but stdin held no key", EXIT_USAGE)
        return key
    if not sys.stdin.isatty():
        fail("give the API key with --key-stdin (piped), or --no-key for a server that needs none", EXIT_USAGE)
    empty = "empty keeps the saved key" if keep_hint else "empty for none"
    key = click.prompt(f"API key for '{name}' (input hidden; {empty})", hide_input=True, default="",
                       show_default=False)
    return key.strip() or None


@click.group("remote")
def remote() -> None:
    """Remote model servers (OpenAI-compatible: vLLM, TGI, llama.cpp, Ollama, TigerBot…).

    Keys are kept in the system keyring, never in settings files.
    """


@remote.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--model", "model_id", required=True, metavar="ID", help="Model id the server expects.")
@click.option("--context", type=click.IntRange(256, 10_000_000), default=8192, show_default=True,
              help="The model's context length, in tokens.")
@click.option("--kind", type=click.Choice(["auto", "openai", "llama_cpp"]), default="auto", show_default=True,
              help="Structured-output form: openai (json_schema, for OpenAI/vLLM), llama_cpp "
                   "(json_object + schema, for llama-cpp-python), or auto (detect).")
@click.option("--extra", "extras", multiple=True, metavar="K=V",
              help="Extra request field sent with every request (repeatable), e.g. --extra internet=true.")
@click.option("--allow-http", is_flag=True,
              help="Allow sending the key over plain http to another computer (trusted networks only).")
@click.option("--key-stdin", is_flag=True, help="Read the API key from the first line of stdin.")
@click.option("--no-key", is_flag=True, help="The server needs no API key.")
@click.option("--idle-timeout", type=click.FloatRange(0.05, 3600), default=60.0, show_default=True,
              help="Seconds of silence (before or between tokens) after which an answer is stopped.")
@click.option("--connect-timeout", type=click.FloatRange(0.05, 600), default=10.0, show_default=True)
@click.option("--replace", is_flag=True, help="Replace an endpoint of the same name.")
def remote_add(name: str, url: str, model_id: str, context: int, kind: str, extras: tuple[str, ...], allow_http: bool,
               key_stdin: bool, no_key: bool, idle_timeout: float, connect_timeout: float, replace: bool) -> None:
    """Add remote server NAME at URL (its OpenAI base, e.g. https://host/v1).

    You are asked for the API key (hidden); it is stored in the system keyring.
    """
    from deskmate.core.remote import (
        RemoteEndpoint,
        load_remote_settings,
        parse_extra,
        save_endpoint,
    )
    from deskmate.core.remote.secrets import KeyringUnavailableError, SecretStoreError, key_store

    if key_stdin and no_key:
        fail("--key-stdin and --no-key cannot be used together", EXIT_USAGE)
    try:
        endpoint = RemoteEndpoint(name, url, model_id, context=context, kind=kind,  # type: ignore[arg-type]
                                  extra=parse_extra(extras), allow_insecure_http=allow_http,
                                  connect_timeout=connect_timeout, idle_timeout=idle_timeout)
        existing = {e.name for e in load_remote_settings().endpoints}
    except SettingsError as e:
        fail(one_line(str(e)), EXIT_USAGE)
    if endpoint.name in existing and not replace:
        fail(f"a remote server called '{endpoint.name}' already exists (use --replace to change it)", EXIT_USAGE)
    key = _key_from(key_stdin, no_key, endpoint.name, keep_hint=endpoint.name in existing)
    if key and endpoint.plain_http_to_other_host and not allow_http:
        fail(f"{endpoint.base_url} is plain http to another computer: the key could be read on the way. "
             "Use https://, or add --allow-http if you trust this network.", EXIT_USAGE)
    store = key_store()
    previous = store.get(endpoint.name) if endpoint.name in existing else None
    try:
        if key:
            store.set(endpoint.name, key)
        elif no_key and endpoint.name in existing:
            store.delete(endpoint.name)
    except KeyringUnavailableError:
        fail("no system keyring is available here, so the key cannot be saved safely (Deskmate never writes "
             "keys to files). Nothing was changed. Set up a keyring (GNOME Keyring, KWallet…), or add the "
             "server with --no-key and enter the key in the Deskmate window for one session.", EXIT_NO_KEYRING)
    except SecretStoreError as e:  # includes a key that cannot be sent (InvalidKeyError)
        fail(one_line(str(e)), EXIT_ERROR)
    try:
        path = save_endpoint(endpoint, overwrite=replace)
    except SettingsError as e:
        # Put the keyring back as it was: no key without its endpoint.
        try:
            if previous is not None:
                store.set(endpoint.name, previous)
            elif key:
                store.delete(endpoint.name)
        except SecretStoreError:
            pass
        fail(one_line(str(e)), EXIT_ERROR)
    where = "key saved in the system keyring" if key else ("saved key kept" if previous and not no_key else "no key")
    click.echo(f"Added '{endpoint.name}': {endpoint.base_url}, model {endpoint.model} ({where}).")
    click.echo(f"Settings: {path}. Check it with: deskmate remote test {endpoint.name}")


@remote.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def remote_list(as_json: bool) -> None:
    """List the remote servers and whether each has a key stored."""
    from deskmate.core.remote import load_remote_settings
    from deskmate.core.remote.secrets import key_store

    try:
        settings = load_remote_settings()
    except SettingsError as e:
        fail(one_line(str(e)))
    store = key_store()
    rows = []
    for e in settings.endpoints:
        has = store.has(e.name)
        rows.append({
            "name": e.name, "base_url": e.base_url, "model": e.model, "context": e.context, "kind": e.kind,
            "allow_insecure_http": e.allow_insecure_http, "extra": dict(e.extra),
            "key": {True: "keyring", False: "none", None: "unknown"}[has],
            "default": e.name == settings.default_endpoint,
        })
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No remote servers. Add one with: deskmate remote add NAME URL --model ID")
        return
    for r in rows:
        key = {"keyring": "key in keyring", "none": "no key", "unknown": "key: no keyring available"}[r["key"]]
        flags = [r["kind"], f"{r['context']} tokens", key]
        if r["allow_insecure_http"]:
            flags.append("plain http allowed")
        if r["extra"]:
            flags.append("extra " + ", ".join(f"{k}={json.dumps(v)}" for k, v in r["extra"].items()))
        mark = " (default)" if r["default"] else ""
        click.echo(f"{r['name']}{mark}  {r['base_url']}  model {r['model']}")
        click.echo(f"    {'; '.join(flags)}")


@remote.command("test")
@click.argument("name")
@click.option("--no-chat", is_flag=True, help="Only list the models; skip the one-token answer.")
def remote_test(name: str, no_chat: bool) -> None:
    """Connect to NAME: list its models, run a one-token answer, report the time taken."""
    from deskmate.core.remote import client_for, test_connection

    try:
        client = client_for(name)
    except (EngineError, SettingsError) as e:
        fail(one_line(str(e)))
    report = test_connection(client, chat=not no_chat)
    if report.ok:
        click.echo(report.message)
        if report.kind:
            click.echo(f"Structured output: {'json_object + schema' if report.kind == 'llama_cpp' else 'json_schema'}"
                       f" ({report.kind}).")
        return
    fail(one_line(report.message), EXIT_ERROR)


@remote.command("rm")
@click.argument("name")
def remote_rm(name: str) -> None:
    """Remove remote server NAME and delete its key from the keyring."""
    from deskmate.core.remote import remove_endpoint
    from deskmate.core.remote.secrets import SecretStoreError, key_store

    try:
        remove_endpoint(name)
    except SettingsError as e:
        fail(one_line(str(e)), EXIT_USAGE)
    try:
        removed = key_store().delete(name)
    except SecretStoreError as e:
        fail(f"removed '{name}' from settings, but its key could not be deleted: {one_line(str(e))}")
    click.echo(f"Removed '{name}'{' and its key' if removed else ''}.")


COMMANDS = [remote]
