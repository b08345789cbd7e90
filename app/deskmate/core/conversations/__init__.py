"""Ask in your own words, then refine: requests routed to tasks, conversations of turns on TaskRun,
saved in the drafts database and exported like drafts. Qt-free."""

from .export import export_conversation, to_markdown
from .refine import Refinement, refinement, refinement_prompt
from .request import Routed, Why, fill_values, route_request, split_request, target_language
from .turns import Conversations, NothingToRefineError, TurnPlan, TurnRun, turn_diff

__all__ = [
    "Conversations",
    "NothingToRefineError",
    "Refinement",
    "Routed",
    "TurnPlan",
    "turn_diff",
    "TurnRun",
    "Why",
    "export_conversation",
    "fill_values",
    "refinement",
    "refinement_prompt",
    "route_request",
    "split_request",
    "target_language",
    "to_markdown",
]
