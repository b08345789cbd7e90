"""Text engines: one ChatClient interface for the local model and remote servers.

Kept import-light: the engine child runs ``python -m deskmate.core.engines.host``
and must not pay for anything it does not use.
"""
