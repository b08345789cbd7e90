"""Document library: indexing speed, retrieval latency at 10k and 100k passages, memory, recall@5.

Corpus: real manuals from Debian packages (install them first)::

    apt-get install linuxcnc-doc-en debian-reference-en debian-reference-zh-cn debian-edu-doc-zh-cn maint-guide-zh-cn

English: the LinuxCNC manual and manual pages, the Debian Reference; Chinese: the Debian Reference
(zh-cn), the Debian Edu manuals (zh-cn), the New Maintainers' Guide (zh-cn) — about 2,650 PDF pages.
Questions: bench/docs_questions.json (written from those manuals, in each language).

Baselines measured in the same run, so machine load cancels out in the ratios:
- indexing: plain text extraction of every page with pypdfium2 in this process (the floor);
- retrieval: one exact numpy top-50 over the same vector matrix.

    .venv/bin/python bench/docs.py [--embedding-model MINILM.gguf] [--threads 2] [--skip-100k]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from deskmate.core.docs import Library
from deskmate.core.docs.db import DocsDatabase
from deskmate.core.docs.vectors import normalized, to_blob
from deskmate.core.store.fts import index_text

EN = [
    "/usr/share/doc/linuxcnc/LinuxCNC_Documentation.pdf",
    "/usr/share/doc/linuxcnc/LinuxCNC_Manual_Pages.pdf",
    "/usr/share/debian-reference/debian-reference.en.pdf",
]
ZH = [
    "/usr/share/debian-reference/debian-reference.zh-cn.pdf",
    "/usr/share/doc/debian-edu-doc-zh-cn/debian-edu-bookworm-manual.pdf",
    "/usr/share/doc/debian-edu-doc-zh-cn/debian-edu-bullseye-manual.pdf",
    "/usr/share/doc/maint-guide-zh-cn/maint-guide.zh-cn.pdf",
]
QUESTIONS = Path(__file__).with_name("docs_questions.json")


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load() -> str:
    return os.getloadavg().__repr__() if hasattr(os, "getloadavg") else "n/a"


def baseline_extract(files: list[str]) -> tuple[int, float]:
    import pypdfium2 as pdfium

    pages, t0 = 0, time.perf_counter()
    for f in files:
        pdf = pdfium.PdfDocument(f)
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            pages += 1
        pdf.close()
    return pages, time.perf_counter() - t0


def index_corpus(db_path: Path, files: list[str], embedder: object | None) -> dict[str, float]:
    library = Library(db_path, embedder=embedder)  # type: ignore[arg-type]
    library.add(files)
    t0 = time.perf_counter()
    run = library.index()
    keyword_at = None
    for ev in run:
        if ev.kind == "stage" and ev.stage == "embed":
            keyword_at = time.perf_counter() - t0
    summary = run.result()
    total = time.perf_counter() - t0
    if keyword_at is None:
        keyword_at = total
    chunks = sum(c.chunks for c in library.collections())
    library.close()
    return {"keyword_s": keyword_at, "total_s": total, "chunks": chunks, "failed": len(summary.failed)}


def recall(library: Library, questions: list[dict[str, str]], k: int = 5) -> tuple[float, list[str]]:
    hits, misses = 0, []
    for q in questions:
        found = library.search(q["q"], k=k).passages
        if any(p.path.name == q["file"] and q["answer"].lower() in p.text.lower() for p in found):
            hits += 1
        else:
            misses.append(q["q"])
    return hits / len(questions), misses


def grow(src: Path, dst: Path, target: int, dim: int, rng: np.random.Generator) -> int:
    """A copy of the index with its passages repeated (as other files) until it holds ``target`` of them."""
    db = DocsDatabase(dst)
    conn_src = DocsDatabase(src)
    rows = conn_src.connection().execute(
        'SELECT c.id, f.path, c.seq, c.page, c.section, c.start, c."end", c.text FROM chunks c '
        "JOIN files f ON f.id = c.file_id ORDER BY c.id").fetchall()
    vecs = dict(conn_src.connection().execute("SELECT chunk_id, vector FROM vectors").fetchall())
    conn_src.close()
    made = 0
    copy = 0
    with db.write() as w:
        w.execute("INSERT INTO collections (name, embedding_model, created) VALUES ('bench', ?, 0)",
                  ("bench-model",))
        cid = w.execute("SELECT id FROM collections").fetchone()[0]
        w.execute("INSERT INTO sources (collection_id, path, is_folder, added) VALUES (?, '/bench', 1, 0)", (cid,))
        files: dict[tuple[int, str], int] = {}
        while made < target:
            copy += 1
            for _old, path, seq, page, section, start, end, text in rows:
                if made >= target:
                    break
                key = (copy, path)
                if key not in files:
                    files[key] = w.execute(
                        "INSERT INTO files (collection_id, source_id, path, format, state, chunks) "
                        "VALUES (?, 1, ?, 'pdf', 'ready', 0)", (cid, f"{path}#{copy}")).lastrowid
                new = w.execute('INSERT INTO chunks (file_id, seq, page, section, start, "end", text) '
                                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                (files[key], seq, page, section, start, end, text)).lastrowid
                w.execute("INSERT INTO chunks_fts (rowid, text, heading) VALUES (?, ?, ?)",
                          (new, index_text(text), index_text(f"{Path(path).name} {section or ''}")))
                base = np.frombuffer(vecs[_old], dtype="<f4") if _old in vecs else rng.standard_normal(dim)
                v = normalized(base + rng.normal(0, 0.02, base.shape).astype(np.float32))[0]
                w.execute("INSERT INTO vectors (chunk_id, vector) VALUES (?, ?)", (new, to_blob(v)))
                made += 1
    db.close()
    return made


class Named:
    """The same embedder under the synthetic collection's model name."""

    languages = None  # every question takes the vector leg: latency is measured with both legs

    def __init__(self, inner: object, name: str) -> None:
        self.inner, self.name = inner, name

    def embed(self, texts):  # type: ignore[no-untyped-def]
        return self.inner.embed(texts)  # type: ignore[attr-defined]


def latency(db_path: Path, questions: list[str], embedder: object | None, dim: int) -> dict[str, float]:
    lib = Library(db_path, embedder=Named(embedder, "bench-model") if embedder else _RandomQuery(dim))
    lib.search("warm up the vector matrix", k=5)
    times = []
    for _rep in range(2):
        for q in questions:
            t0 = time.perf_counter()
            lib.search(q, k=5)
            times.append((time.perf_counter() - t0) * 1000)
    cid = lib.db.connection().execute("SELECT id FROM collections").fetchone()[0]
    held = lib.vectors._by_collection[cid]
    # The plain layout, one row per passage (older versions kept exactly this as ``m``).
    mat = np.ascontiguousarray(held.mt.T) if hasattr(held, "mt") else held.m
    q = normalized(np.ones(mat.shape[1], dtype=np.float32))[0]
    base = []
    for _ in range(50):
        t0 = time.perf_counter()
        s = mat @ q
        np.argpartition(-s, 49)[:50]
        base.append((time.perf_counter() - t0) * 1000)
    out = {
        "p50_ms": statistics.median(times),
        "p95_ms": float(np.percentile(times, 95)),
        "numpy_top50_ms": statistics.median(base),
        "vectors_mb": lib.vectors.memory_bytes() / 1e6,
        "rss_mb": rss_mb(),
    }
    lib.close()
    return out


def keyword_split(db_path: Path, questions: list[str]) -> dict[str, tuple[float, float]]:
    """Where the keyword leg's time goes: (p50, p95) ms of the term counts (pruned_terms) and of the
    bm25 query, by language, each question asked twice."""
    from deskmate.core.docs.search import LEG_DEPTH, pruned_terms
    from deskmate.core.store.fts import CJK_RE, phrase

    lib = Library(db_path)
    conn = lib.db.connection()
    times: dict[str, list[float]] = {}
    for _rep in range(2):
        for q in questions:
            lang = "zh" if CJK_RE.search(q) else "en"
            t0 = time.perf_counter()
            terms = pruned_terms(conn, q)
            t1 = time.perf_counter()
            if terms:
                conn.execute("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 1.0, 0.5) "
                             "LIMIT ?", (" OR ".join(phrase(t) for t in terms), LEG_DEPTH)).fetchall()
            t2 = time.perf_counter()
            times.setdefault(f"{lang} counts", []).append((t1 - t0) * 1000)
            times.setdefault(f"{lang} bm25", []).append((t2 - t1) * 1000)
    lib.close()
    return {k: (statistics.median(v), float(np.percentile(v, 95))) for k, v in sorted(times.items())}


class _RandomQuery:
    """Without an embedding model: random query vectors, so the vector leg's cost is still measured."""

    name = "bench-model"
    languages = None

    def __init__(self, dim: int) -> None:
        self.rng = np.random.default_rng(1)
        self.dim = dim

    def embed(self, texts):  # type: ignore[no-untyped-def]
        return self.rng.standard_normal((len(texts), self.dim)).astype(np.float32)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def embed_sample(db_path: Path, embedder: object, n: int) -> dict[str, float]:
    """Embedding speed on ``n`` passages drawn from the corpus (wall time and the child's CPU time)."""
    from deskmate.core.docs.chunking import tokens

    conn = DocsDatabase(db_path)
    rows = conn.connection().execute("SELECT text FROM chunks ORDER BY id").fetchall()
    conn.close()
    texts = [r[0] for r in random.Random(0).sample(rows, min(n, len(rows)))]
    embedder.embed(["warm up"])  # type: ignore[attr-defined]
    pid = embedder.pid  # type: ignore[attr-defined]
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    for i in range(0, len(texts), 32):
        embedder.embed(texts[i : i + 32])  # type: ignore[attr-defined]
    wall, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    return {"passages": len(texts), "wall_s": wall, "cpu_s": cpu, "tokens": sum(tokens(t) for t in texts)}


def recall_only(db_path: Path, model: Path | None, embed_first: bool) -> None:
    """Recall@5 per language on an existing index: keyword only, then with the vectors it holds."""
    from deskmate.core.docs.embedding import open_embedder

    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    embedder = open_embedder(model) if model is not None else None
    try:
        if embedder is not None and embed_first:
            with Library(db_path, embedder=embedder) as lib:
                t0 = time.perf_counter()
                run = lib.index(scan=False)
                for _event in run:
                    pass
                took = time.perf_counter() - t0
                n = lib.db.connection().execute("SELECT count(*) FROM vectors").fetchone()[0]
                print(f"embedded: {run.result()}; {n} passages with vectors in {took:.0f} s ({n / took:.1f}/s); "
                      f"load {load()}", flush=True)
        for leg, e in (("keyword only", None), ("keyword + vectors", embedder)):
            if leg != "keyword only" and e is None:
                continue
            with Library(db_path, embedder=e) as lib:
                conn = lib.db.connection()
                vectors, passages = conn.execute("SELECT (SELECT count(*) FROM vectors), count(*) FROM chunks").fetchone()
                scores = {lang: recall(lib, questions[lang])[0] for lang in ("en", "zh")}
            print(f"{leg}: recall@5 English {scores['en']:.2f}, Chinese {scores['zh']:.2f} (passages with vectors: "
                  f"{vectors} of {passages}); load {load()}", flush=True)
    finally:
        if embedder is not None:
            embedder.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--embedding-model", type=Path, default=None, help="GGUF embedding model (else keyword only)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sample", type=int, default=256, help="passages for the embedding speed sample")
    ap.add_argument("--hybrid-subset", action="store_true",
                    help="also embed the English Debian Reference fully and compare hybrid with keyword recall on it")
    ap.add_argument("--skip-100k", action="store_true")
    ap.add_argument("--latency-db", type=Path, default=None,
                    help="only measure search latency on this database (a scale*.sqlite3 an earlier run made)")
    ap.add_argument("--recall-db", type=Path, default=None,
                    help="only measure recall@5 on this database, keyword only and (with --embedding-model) with "
                         "the vectors it holds; --embed-first embeds what is not embedded yet")
    ap.add_argument("--embed-first", action="store_true")
    args = ap.parse_args()
    if args.recall_db is not None:
        recall_only(args.recall_db, args.embedding_model, args.embed_first)
        return
    if args.latency_db is not None:
        questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))
        lat = latency(args.latency_db, [q["q"] for lang in ("en", "zh") for q in questions[lang]], None, 384)
        print(f"{args.latency_db.name}: search p50 {lat['p50_ms']:.1f} ms, p95 {lat['p95_ms']:.1f} ms (numpy top-50 "
              f"alone {lat['numpy_top50_ms']:.1f} ms, {lat['p95_ms'] / lat['numpy_top50_ms']:.1f}x); load {load()}")
        split = keyword_split(args.latency_db, [q["q"] for lang in ("en", "zh") for q in questions[lang]])
        print("keyword leg alone, p50 / p95 ms: " + "; ".join(f"{k} {a:.1f} / {b:.1f}" for k, (a, b) in split.items())
              + f"; load {load()}")
        return
    files = [f for f in EN + ZH if os.path.exists(f)]
    missing = [f for f in EN + ZH if not os.path.exists(f)]
    if missing:
        sys.exit(f"missing corpus files (see the docstring for the apt-get line): {missing}")
    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    print(f"load average at start: {load()}", flush=True)
    pages, base_s = baseline_extract(files)
    print(f"corpus: {len(files)} PDFs, {pages} pages; plain pypdfium2 extraction {base_s:.1f} s "
          f"({pages / base_s:.0f} pages/s)", flush=True)

    work = Path(tempfile.mkdtemp(prefix="deskmate-bench-docs-"))
    kw_db = work / "keyword.sqlite3"
    kw = index_corpus(kw_db, files, None)
    print(f"keyword index: {kw['keyword_s']:.1f} s, {pages / kw['keyword_s']:.0f} pages/s "
          f"({kw['keyword_s'] / base_s:.2f}x plain extraction), {kw['chunks']:.0f} passages, "
          f"{kw['failed']:.0f} failed; load {load()}", flush=True)
    lib = Library(kw_db)
    for lang in ("en", "zh"):
        r, misses = recall(lib, questions[lang])
        print(f"recall@5 {lang} (keyword, whole corpus): {r:.2f} of {len(questions[lang])}"
              + (f"; missed: {misses}" if misses else ""), flush=True)
    lib.close()

    embedder = None
    dim = 384
    if args.embedding_model is not None:
        from deskmate.core.docs.embedding import open_embedder

        embedder = open_embedder(args.embedding_model, threads=args.threads)
        dim = int(np.asarray(embedder.embed(["dimension"])).shape[1])  # type: ignore[union-attr]
        s = embed_sample(kw_db, embedder, args.sample)
        rate = s["passages"] / s["wall_s"]
        cpu_per = s["cpu_s"] / s["passages"]
        print(f"embedding {embedder.name}: {rate:.1f} passages/s wall ({s['tokens'] / s['wall_s']:.0f} tokens/s), "
              f"{cpu_per * 1000:.0f} CPU-ms per passage; whole corpus ({kw['chunks']:.0f} passages): "
              f"{kw['chunks'] / rate / 60:.1f} min at this load, {kw['chunks'] * cpu_per / args.threads / 60:.1f} "
              f"min of CPU on {args.threads} cores; load {load()}", flush=True)
        if args.hybrid_subset:
            subset = [f for f in files if f.endswith("debian-reference.en.pdf")]
            sub_db = work / "subset.sqlite3"
            sub = index_corpus(sub_db, subset, embedder)
            print(f"subset {subset[0]}: keyword at {sub['keyword_s']:.1f} s, embedded at {sub['total_s']:.1f} s, "
                  f"{sub['chunks']:.0f} passages; load {load()}", flush=True)
            qs = [q for q in questions["en"] if q["file"] == "debian-reference.en.pdf"]
            for leg, emb in (("keyword", None), ("hybrid", embedder)):
                lib = Library(sub_db, embedder=emb)  # type: ignore[arg-type]
                r, misses = recall(lib, qs)
                print(f"recall@5 en on the subset ({leg}): {r:.2f} of {len(qs)}"
                      + (f"; missed: {misses}" if misses else ""), flush=True)
                lib.close()

    all_q = [q["q"] for lang in ("en", "zh") for q in questions[lang]]
    rng = np.random.default_rng(0)
    for target in (10_000,) + (() if args.skip_100k else (100_000,)):
        db = work / f"scale{target}.sqlite3"
        t0 = time.perf_counter()
        made = grow(kw_db, db, target, dim, rng)
        built = time.perf_counter() - t0
        lat = latency(db, all_q, embedder, dim)
        print(f"{made} passages (built in {built:.0f} s): search p50 {lat['p50_ms']:.1f} ms, "
              f"p95 {lat['p95_ms']:.1f} ms "
              f"(numpy top-50 alone {lat['numpy_top50_ms']:.1f} ms, {lat['p95_ms'] / lat['numpy_top50_ms']:.1f}x); "
              f"vectors {lat['vectors_mb']:.0f} MB, process RSS {lat['rss_mb']:.0f} MB; load {load()}", flush=True)
    if embedder is not None:
        print(f"embedding child RSS {rss_mb(embedder.pid):.0f} MB")  # type: ignore[arg-type]
        embedder.close()
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    random.seed(0)
    main()
