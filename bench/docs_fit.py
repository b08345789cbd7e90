"""How often a question's answer survives the passage budget, without a model.

For every question of bench/docs_questions.json: the keyword top 5 (the relevant ones), cut by
``budget.fit`` to a given room in tokens; counted when a passage of the right file still holds
the expected answer. The last room is large enough for the five whole passages: the baseline.

    PYTHONPATH=app .venv/bin/python bench/docs_fit.py INDEX.sqlite3 [--rooms 48,180,294,600,1400]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from deskmate.core.docs import Library
from deskmate.core.docs import budget as docs_budget
from deskmate.core.docs.answer import relevant
from deskmate.core.docs.search import query_terms

QUESTIONS = Path(__file__).with_name("docs_questions.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a docs index (bench/docs.py's keyword.sqlite3)")
    parser.add_argument("--rooms", default="48,180,294,600,1400", help="passage rooms in tokens")
    args = parser.parse_args()
    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    lib = Library(args.db)
    found = {q["q"]: [p for p in lib.search(q["q"], k=5).passages if relevant(p)]
             for lang in ("en", "zh") for q in questions[lang]}
    print(f"floor in budget.py: {docs_budget.FLOOR_TOKENS} tokens")
    for room in (int(r) for r in args.rooms.split(",")):
        shares = []
        for lang in ("en", "zh"):
            hits = sum(any(p.path.name == q["file"] and q["answer"].lower() in p.text.lower()
                           for p in docs_budget.fit(found[q["q"]], query_terms(q["q"]), room))
                       for q in questions[lang])
            shares.append(f"{lang} {hits / len(questions[lang]):.2f}")
        print(f"room {room:5d} tokens: answer survives " + ", ".join(shares))


if __name__ == "__main__":
    main()
