"""What the supervisor and the engine child agree on (kept apart so the app never imports the host)."""

KEY_ENV = "DESKMATE_ENGINE_KEY"

# Exit codes of the engine child that the supervisor reads.
EXIT_MODEL_INVALID = 3
EXIT_START_FAILED = 4
