"""API keys, kept only in the operating system's key store (the ``keyring`` package).

A key never goes into settings.toml, the database, a log line or an error
message. When the system has no usable key store (a headless Linux box gets
``keyring.backends.fail.Keyring``; a ``null`` backend or a plaintext file
backend from keyrings.alt are no better), saving raises
:class:`KeyringUnavailableError` and the caller may *opt in* to keeping the key
in memory for this session only (:meth:`KeyStore.allow_session_keys`). There is
no silent fallback to a file.

    store = key_store()
    try:
        store.set("tiger", key)
    except KeyringUnavailableError as e:
        show(str(e))                      # plain words, with the offer
        if user_agrees:
            store.allow_session_keys()
            store.set("tiger", key)       # forgotten when the app exits
"""

from __future__ import annotations

import threading

import keyring
import keyring.backend
import keyring.errors

SERVICE = "Deskmate"


def _account(name: str) -> str:
    return f"remote:{name}"


class SecretStoreError(Exception):
    """The key store could not do what was asked. The message is for the person."""


class KeyringUnavailableError(SecretStoreError):
    """No usable OS key store on this system; a session-only key is on offer."""


class InvalidKeyError(SecretStoreError, ValueError):
    """The key cannot be sent in an HTTP header (line breaks, control or non-ASCII characters)."""


NO_KEYRING_MESSAGE = (
    "No secure key store (system keyring) is available on this computer, so Deskmate cannot save "
    "the API key. Deskmate never writes keys to a file. You can keep the key in memory for this "
    "session only (it is forgotten when Deskmate closes), or set up a keyring such as GNOME Keyring "
    "or KWallet and try again."
)


def clean_key(key: str) -> str:
    """Strip surrounding spaces; refuse what an HTTP header cannot carry. Never echoes the key."""
    key = key.strip()
    if not key:
        raise InvalidKeyError("The API key is empty.")
    if any(ord(c) < 0x21 or ord(c) > 0x7E for c in key):
        # http.client would put the whole header, key included, in its own error text.
        raise InvalidKeyError(
            "The API key contains spaces, line breaks or non-ASCII characters, which cannot be sent "
            "to a server. Paste the key again, exactly as the provider shows it."
        )
    return key


def backend_problem(backend: keyring.backend.KeyringBackend | None = None) -> str | None:
    """Why the current keyring backend is not usable for keys, or None when it is."""
    backend = backend if backend is not None else keyring.get_keyring()
    cls = type(backend)
    module = cls.__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return "no keyring backend is available"
    if module.startswith("keyrings.alt") and "plaintext" in cls.__name__.lower():
        return "the only keyring backend stores keys in a plain text file"
    try:
        priority = float(backend.priority)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a backend whose priority cannot be read is taken as usable
        priority = 1.0
    if priority < 0:
        return "the keyring backend is disabled"
    return None


class KeyStore:
    """Keys by endpoint name: the OS keyring, or (only if asked) this session's memory."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service
        self._session: dict[str, str] = {}
        self._session_allowed = False
        self._lock = threading.Lock()

    # --- state ---------------------------------------------------------------
    @property
    def available(self) -> bool:
        """True when the OS keyring can keep keys."""
        return backend_problem() is None

    @property
    def backend_name(self) -> str:
        backend = keyring.get_keyring()
        return getattr(backend, "name", type(backend).__name__)

    @property
    def session_keys_allowed(self) -> bool:
        return self._session_allowed

    def allow_session_keys(self) -> None:
        """Opt in: with no OS keyring, keep keys in memory until this process exits."""
        self._session_allowed = True

    def is_session_key(self, name: str) -> bool:
        with self._lock:
            return name in self._session

    # --- operations --------------------------------------------------------
    def set(self, name: str, key: str) -> str:
        """Save ``key`` for endpoint ``name``. Returns where: "keyring" or "session"."""
        key = clean_key(key)
        problem = backend_problem()
        if problem is None:
            try:
                keyring.set_password(self.service, _account(name), key)
            except keyring.errors.NoKeyringError:
                problem = "no keyring backend is available"
            except keyring.errors.KeyringError as e:
                raise SecretStoreError(
                    f"The system keyring did not save the key ({type(e).__name__}). "
                    "It may be locked: unlock it and try again."
                ) from None
            else:
                with self._lock:
                    self._session.pop(name, None)
                return "keyring"
        if not self._session_allowed:
            raise KeyringUnavailableError(NO_KEYRING_MESSAGE)
        with self._lock:
            self._session[name] = key
        return "session"

    def get(self, name: str) -> str | None:
        """The key for ``name``, or None when none is stored (or no key store can be read)."""
        with self._lock:
            if name in self._session:
                return self._session[name]
        if backend_problem() is not None:
            return None
        try:
            return keyring.get_password(self.service, _account(name))
        except keyring.errors.NoKeyringError:
            return None
        except keyring.errors.KeyringError as e:
            raise SecretStoreError(
                f"The system keyring did not give the key ({type(e).__name__}). "
                "It may be locked: unlock it and try again."
            ) from None

    def has(self, name: str) -> bool | None:
        """Whether a key is stored; None when that cannot be known (no key store)."""
        try:
            if self.get(name) is not None:
                return True
        except SecretStoreError:
            return None
        return False if self.available else None

    def delete(self, name: str) -> bool:
        """Forget the key for ``name`` everywhere. True when one was removed."""
        removed = False
        with self._lock:
            removed = self._session.pop(name, None) is not None
        if backend_problem() is not None:
            return removed
        try:
            keyring.delete_password(self.service, _account(name))
            removed = True
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.NoKeyringError:
            pass
        except keyring.errors.KeyringError as e:
            raise SecretStoreError(
                f"The system keyring did not delete the key ({type(e).__name__}). It may be locked."
            ) from None
        return removed

    def rename(self, old: str, new: str) -> None:
        """Move a stored key to a new endpoint name (nothing happens when none is stored)."""
        if old == new:
            return
        key = self.get(old)
        if key is None:
            return
        self.set(new, key)
        self.delete(old)


_default: KeyStore | None = None
_default_lock = threading.Lock()


def key_store() -> KeyStore:
    """The process-wide key store (its session keys are shared by the CLI, GUI and routing)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = KeyStore()
        return _default


def reset() -> None:
    """Forget the process-wide key store (its session keys and opt-ins): the next
    ``key_store()`` starts afresh on the keyring backend set now. For tests and a sign-out."""
    global _default
    with _default_lock:
        _default = None
