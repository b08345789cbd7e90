"""Office tasks: the catalog (data), rendering to chat messages, creativity and routing."""

from .catalog import CatalogLoad, TaskFileError, default_catalog, load_catalog, user_tasks_dir
from .creativity import hint as creativity_hint
from .creativity import sampling_for
from .render import TaskInputError, render
from .routing import RouteResult, route
from .schema import Catalog, Category, Localized, Task, UnknownTaskError, Variable

__all__ = [
    "Catalog",
    "CatalogLoad",
    "Category",
    "Localized",
    "RouteResult",
    "Task",
    "TaskFileError",
    "TaskInputError",
    "UnknownTaskError",
    "Variable",
    "creativity_hint",
    "default_catalog",
    "load_catalog",
    "render",
    "route",
    "sampling_for",
    "user_tasks_dir",
]
