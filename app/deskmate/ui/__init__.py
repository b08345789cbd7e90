"""PySide6 views. They wire signals to core services and never import llama_cpp or torch."""
