"""Remote large-model servers behind an OpenAI-compatible API.

:mod:`.client` talks to them, :mod:`.check` tests a connection, :mod:`.secrets` keeps their API keys in the OS keyring,
:mod:`.router` picks the local engine or a remote server for each request. The
endpoints themselves are declared in the settings home (:mod:`deskmate.core.settings.remote`).
"""

from deskmate.core.settings import remove_endpoint, save_endpoint, set_default_endpoint, set_route
from deskmate.core.settings.remote import (
    KINDS,
    MODES,
    EndpointError,
    Kind,
    Mode,
    RemoteEndpoint,
    RemoteSettings,
    is_loopback,
    normalize_url,
    parse_extra,
)

from .check import ConnectionReport, test_connection
from .client import (
    InsecureEndpointError,
    OfflineModeError,
    ProbeResult,
    RemoteChatStream,
    RemoteClient,
    client_for,
    get_endpoint,
    load_endpoints,
    load_remote_settings,
)

__all__ = [
    "KINDS",
    "MODES",
    "ConnectionReport",
    "EndpointError",
    "InsecureEndpointError",
    "Kind",
    "Mode",
    "OfflineModeError",
    "ProbeResult",
    "RemoteChatStream",
    "RemoteClient",
    "RemoteEndpoint",
    "RemoteSettings",
    "client_for",
    "get_endpoint",
    "is_loopback",
    "load_endpoints",
    "load_remote_settings",
    "normalize_url",
    "parse_extra",
    "remove_endpoint",
    "save_endpoint",
    "set_default_endpoint",
    "set_route",
    "test_connection",
]
