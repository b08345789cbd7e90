"""Offline: the share of bench questions whose answer survives budget.fit at a given room (keyword top 5)."""
import json, sys
from pathlib import Path
from deskmate.core.docs import Library, budget as B
from deskmate.core.docs.answer import relevant
from deskmate.core.docs.search import query_terms
qs = json.loads(Path(__file__).with_name("docs_questions.json").read_text())
lib = Library(sys.argv[1])
found = {q["q"]: [p for p in lib.search(q["q"], k=5).passages if relevant(p)] for l in ("en","zh") for q in qs[l]}
row = []
for budget in (48, 180, 294, 600, 1400):
    hit = {"en": 0, "zh": 0}
    for l in ("en","zh"):
        for q in qs[l]:
            given = B.fit(found[q["q"]], query_terms(q["q"]), budget)
            hit[l] += any(p.path.name == q["file"] and q["answer"].lower() in p.text.lower() for p in given)
    row.append(f"{budget}: en {hit['en']/len(qs['en']):.2f} zh {hit['zh']/len(qs['zh']):.2f}")
print(" | ".join(row))
