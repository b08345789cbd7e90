"""A connection test's report in the window's language (core words it in English for the CLI)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from deskmate.core.remote import ConnectionReport


def _server(described: str) -> str:
    """Core's description of the server software (client._describe_server), in the window's language."""
    return {
        "OpenAI-compatible server": QCoreApplication.translate("RemoteReport", "OpenAI-compatible server"),
        "vLLM server": QCoreApplication.translate("RemoteReport", "vLLM server"),
        "llama.cpp server": QCoreApplication.translate("RemoteReport", "llama.cpp server"),
        "llama-cpp-python server": QCoreApplication.translate("RemoteReport", "llama-cpp-python server"),
    }.get(described, described)  # a product's own name (OpenAI, Ollama) stays as it is


def report_text(report: ConnectionReport, name: str, model: str) -> str:
    """What the test found, from the report's facts; the server's own error words stay as they came.
    (Each string spelled out in a translate call: lupdate extracts only literal ones.)"""
    if report.stage == "offline":
        return QCoreApplication.translate(
            "RemoteReport", "Offline mode is on, so nothing was sent. Turn it off in Settings to test the server.")
    if report.stage == "probe":
        return QCoreApplication.translate("RemoteReport", "Could not reach “{name}”: {error}").format(
            name=name, error=report.message)
    if report.stage == "cancelled":
        return QCoreApplication.translate("RemoteReport", "The test was cancelled.")
    if report.stage == "chat":
        return QCoreApplication.translate(
            "RemoteReport", "“{name}” listed its models, but a test answer failed: {error}").format(
            name=name, error=str(report.error) if report.error else report.message)
    n = len(report.models)
    shown = ", ".join(report.models[:5]) + (" …" if n > 5 else "")
    parts = [QCoreApplication.translate("RemoteReport", "Connected to “{name}” ({server}) in {seconds:.2f} s.").format(
        name=name, server=_server(report.server), seconds=report.list_seconds or 0.0)]
    if n:
        offers = (QCoreApplication.translate("RemoteReport", "It offers one model: {models}.") if n == 1 else
                  QCoreApplication.translate("RemoteReport", "It offers {n} models: {models}."))
        parts.append(offers.format(n=n, models=shown))
    else:
        parts.append(QCoreApplication.translate("RemoteReport", "It lists no models."))
    if report.model_listed is False:
        parts.append(QCoreApplication.translate(
            "RemoteReport", "It does not list the model id “{model}”; check it.").format(model=model))
    if report.chat_seconds is not None:
        parts.append(QCoreApplication.translate("RemoteReport", "A one-token test answer took {seconds:.2f} s.").format(
            seconds=report.chat_seconds))
    return " ".join(parts)
