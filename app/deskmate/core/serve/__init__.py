"""`deskmate serve`: the OpenAI-compatible front, its fair queue and its engine sources (see front.py)."""
