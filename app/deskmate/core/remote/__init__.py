"""Remote large-model servers behind an OpenAI-compatible API.

:mod:`.client` talks to them, :mod:`.secrets` keeps their API keys in the OS keyring,
:mod:`.router` picks the local engine or a remote server for each request. The
endpoints themselves are declared in the settings home (:mod:`deskmate.core.settings.remote`).
"""

from .client import *  # noqa: F403  # the names callers use, listed in client.__all__
from .client import __all__  # noqa: F401
