"""What the supervisor and the engine child agree on (kept apart so the app never imports the host)."""

KEY_ENV = "DESKMATE_ENGINE_KEY"

# Exit codes of the engine child that the supervisor reads.
EXIT_MODEL_INVALID = 3
EXIT_START_FAILED = 4
EXIT_OUT_OF_MEMORY = 5

# Optional field of a chat request to Deskmate's own engine: the task the answer is for
# ("proofread.check", ...). The engine uses it to decide on prompt-lookup decoding; other
# servers never receive it.
TASK_FIELD = "deskmate_task"
