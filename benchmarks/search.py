"""Benchmark of the complete search against a naive `icontains` baseline.

    .venv/bin/python benchmarks/search.py [--sizes 1000 10000 100000] [--databases sqlite postgres]

For each size and database: a fresh database, the seed, `generate_corpus N`, a timed
`rebuild` of the index and its size, then p50/p95 over a fixed mix of rare, common,
phrase, prefix, OR, exclusion, typo and compound queries of (a) the complete search (ranked top 10,
snippets, facets, count, correction of typos and compounds) and (b) the same words
through an `icontains` ORM filter (count + newest 10), with the CPU time the search
took in the benchmark's own process (all of it on SQLite, the client's part on
PostgreSQL): on a loaded machine a steadier measure than the wall clock; and the peak
RSS of a fresh process that serves the mix through the middleware stack as a gunicorn
worker would (each query and its second page, three times). Each combination runs in
its own process.

    .venv/bin/python benchmarks/search.py --insight [--sizes 10000] [--databases ...]

adds to the same run the complete search with what the editors curate and the search
log on (search.synonyms, search.recommend, search.log): SYNONYM_SETS synonym sets (the
words of the query mix among them), recommended columns for some of its queries, and
each search logged as the middleware logs it (an entry in memory, written in batches
as after a response). Both are measured in the same process, alternating query by
query, so the difference is what they add.

    .venv/bin/python benchmarks/search.py --as-you-type [--sizes 10000] [--databases ...]

measures instead what the search boxes ask while a reader types:
/zoeken/suggesties/?q=... through the whole middleware stack, without the page cache
(each answer computed) and from it (hits), after a timed build of the suggestion
catalogue; queries typed letter by letter, with typos, names and several words.

    .venv/bin/python benchmarks/search.py --profile realistic [...]

runs any of these on the realistic corpus of `generate_corpus --profile realistic`
(short and long columns, a few words in nearly every column, a long tail of rare words)
instead of the default uniform one; every table says which corpus a row is from.

PostgreSQL uses the database `kb_search_bench` (or $KB_BENCH_PG_DB) on 127.0.0.1,
dropped and recreated.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Python puts this folder first on the path, where benchmarks/http.py would shadow the
# standard library's http package that Django imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = os.environ.get("KB_BENCH_PG_DB", "kb_search_bench")
QUERIES = {
    "rare": ["evenwaardigheid", "projectmanagement", "onfatsoenlijk"],
    "common": ["klant", "medewerkers organisatie", "niet"],
    "phrase": ['"de klant"', '"klant centraal"'],
    "prefix": ["klant*", "organisa*"],
    "or/not": ["vriend OR vijand", "klant -medewerker"],
    # corrected (search/fuzzy.py): typos, and compounds written apart or together
    "fuzzy": ["medewerkrs", "organisatei", "Hermarji", "klnat"],
    "compound": ["klant tevredenheid", "klantcentraal", "pin automaat"],
}
REPEAT, BASELINE_REPEAT = 15, 3  # --repeat changes the first
# --insight: synonym sets that touch the query mix (two-way, one-way, phrases), and as
# many more of made-up words, as a site with a few years of curation might have.
CURATED_SETS = [
    ("klant, klantgericht, klantfocus", ""),
    ("medewerkers, personeel", ""),
    ("evenwaardigheid, gelijkwaardigheid", ""),
    ("KC", "klant centraal"),
    ("klant centraal, klantgerichtheid", ""),
    ("vriend, maatje", ""),
    ("organisatie, bedrijf, onderneming", ""),
]
SYNONYM_SETS = 200
RECOMMENDED = ["klant", "evenwaardigheid", "medewerkers organisatie", "klantcentraal"]
# What a reader types in a search box, as the box asks it (lower case), by kind.
AS_YOU_TYPE = {
    "begun": ["kl", "kla", "klan", "klant", "organ", "organisa", "mede", "medewerk"],
    "typo": ["klnat", "orgnaisatie", "medwerker", "evenwaadigheid", "vertrouwn"],
    "words": ["klant cen", "ga jij naar de k", "medewerkers eerst", "de klant ", "vriend of vij"],
    "names": ["hermar", "hremarij", "boersm", "nederlo", "groothuis"],
}


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, round(fraction * (len(values) - 1)))]


def _setup_django():
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    django.setup()


def _fill(size, profile):
    """The empty database migrated, with the seed and generated columns up to `size`
    (generate_corpus --profile `profile`)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the page cache (DEBUG off)
    call_command("load_seed", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("generate_corpus", size - 5, profile=profile, no_index=True, stdout=quiet)


def _analyze():
    """Fresh planner statistics, as a database in use has them, and (PostgreSQL) the
    bulk load written out: otherwise the checkpoint that follows it spreads its writes
    over the first minutes of the timed searches."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
        else:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")


def _curate():
    """The synonym sets and recommendations of --insight, and the log's settings."""
    from articles.models import Column
    from search import curated
    from search.models import Recommendation, RecommendedColumn, SynonymSet

    SynonymSet.objects.bulk_create(
        [SynonymSet(words=words, also_find=also) for words, also in CURATED_SETS]
        + [
            SynonymSet(words=f"woord{n}a, woord{n}b, woord{n}c")
            for n in range(SYNONYM_SETS - len(CURATED_SETS))
        ]
    )
    newest = list(Column.objects.published().order_by("-published_at")[:3])
    for text in RECOMMENDED:
        recommendation = Recommendation.objects.create(query=text)
        RecommendedColumn.objects.bulk_create(
            RecommendedColumn(recommendation=recommendation, column=column, position=position)
            for position, column in enumerate(newest, start=1)
        )
    curated.forget()


def run_one(size, repeat, profile, insight=False):
    """Inside a child process whose DATABASE_URL points at an empty database."""
    _setup_django()
    from django.db import reset_queries, transaction
    from django.db.models import Q

    import search
    from articles.models import Column
    from search import engine, fuzzy, index, log

    _fill(size, profile)
    started = time.perf_counter()
    with transaction.atomic():  # as rebuild_search_index runs it
        search.rebuild()
    build = time.perf_counter() - started
    _analyze()
    size_bytes = index.size()

    def complete(text):
        results = search.search(text)
        return results.total, [str(hit.snippet) for hit in results.hits]

    def curated_search(text):
        """The search as the page runs it with synonyms, recommendations and the log on."""
        results = search.search(text)
        params = {
            "q": text,
            "thema": [],
            "auteur": "",
            "jaar": None,
            "letterlijk": False,
            "sorteer": engine.RELEVANCE,
        }
        log.add(log.search_entry(params, results.total, results.page.number))
        log.flush_when_due()
        return results.total, [str(hit.snippet) for hit in results.hits], results.recommended

    def naive(text):
        queryset = Column.objects.published()
        for word in text.replace('"', " ").replace("*", " ").split():
            if word in ("OR",) or word.startswith("-"):
                continue
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(lead__icontains=word) | Q(body__icontains=word)
            )
        return queryset.count(), list(queryset.with_related()[:10])

    cpu_times = []  # of the complete search: this process's CPU time, in ms

    def timed(function, text, repeat):
        times = []
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            function(text)
            times.append((time.perf_counter() - started) * 1000)
            if function is complete:
                cpu_times.append((time.process_time() - cpu) * 1000)
        return times

    all_texts = [text for texts in QUERIES.values() for text in texts]
    for text in all_texts:  # warm the caches once
        complete(text)
    engine_times = [t for text in all_texts for t in timed(complete, text, repeat)]
    naive_times = [t for text in all_texts for t in timed(naive, text, BASELINE_REPEAT)]
    per_kind = {
        kind: percentile(
            [t for text in texts for t in timed(complete, text, max(2, repeat // 3))], 0.95
        )
        for kind, texts in QUERIES.items()
    }
    # Where the time goes, for the slowest query kind: the phases of one search.
    phases = {
        "match, count, facets, rank": [],
        "page columns": [],
        "snippets": [],
        "correction look-up": [],
    }
    filters = {"themes": [], "author": "", "year": None}
    for text in QUERIES["common"] * max(1, repeat // 3):
        query = search.parse(text)
        with index.backend().planner():
            started = time.perf_counter()
            found = engine._Matches(query, filters, engine.RELEVANCE)
            ids = found.read(offset=0, limit=10)
            _, themes = engine._facets(found, filters)
            phases["match, count, facets, rank"].append(time.perf_counter() - started)
            started = time.perf_counter()
            page = engine._columns(ids)
            phases["page columns"].append(time.perf_counter() - started)
            started = time.perf_counter()
            engine._hits(page, query, found, themes)
            phases["snippets"].append(time.perf_counter() - started)
    # The two vocabulary queries and the distances of a corrected query.
    for text in (QUERIES["fuzzy"] + QUERIES["compound"]) * max(1, repeat // 3):
        started = time.perf_counter()
        fuzzy.Repair(search.parse(text)).widened()
        phases["correction look-up"].append(time.perf_counter() - started)
    insight_times = {}
    if insight:
        _curate()
        for text in all_texts:  # warm up: the synonyms and recommendations are read once
            curated_search(text)
        measured = {"plain": ([], []), "insight": ([], [])}  # (wall, CPU) ms
        for _ in range(repeat):
            for text in all_texts:
                for name, function in (("plain", complete), ("insight", curated_search)):
                    started, cpu = time.perf_counter(), time.process_time()
                    function(text)
                    measured[name][0].append((time.perf_counter() - started) * 1000)
                    measured[name][1].append((time.process_time() - cpu) * 1000)
        log.flush()
        for name, (wall, cpu) in measured.items():
            insight_times[f"{name}_p50"] = statistics.median(wall)
            insight_times[f"{name}_p95"] = percentile(wall, 0.95)
            insight_times[f"{name}_cpu_p50"] = statistics.median(cpu)
            insight_times[f"{name}_cpu_p95"] = percentile(cpu, 0.95)
    reset_queries()
    return {
        **insight_times,
        "worker_rss_mb": _worker_rss(),
        "build_s": build,
        "size_mb": size_bytes / 1e6 if size_bytes else None,
        "p50": statistics.median(engine_times),
        "p95": percentile(engine_times, 0.95),
        "cpu_p50": statistics.median(cpu_times),
        "cpu_p95": percentile(cpu_times, 0.95),
        "naive_p50": statistics.median(naive_times),
        "naive_p95": percentile(naive_times, 0.95),
        "per_kind_p95": per_kind,
        "phases_ms": {name: statistics.median(v) * 1000 for name, v in phases.items()},
        "load": os.getloadavg()[0],
    }


def _worker_rss():
    """The peak RSS (MB) of a fresh process that serves the query mix as a gunicorn
    worker would: the whole middleware stack and the page, three times each."""
    output = subprocess.run(
        [sys.executable, __file__, "--worker"], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return float(output.strip().splitlines()[-1])


def run_worker():
    """Inside the process of `_worker_rss`: print its peak RSS in MB."""
    _setup_django()
    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for _ in range(3):
            for text in [text for texts in QUERIES.values() for text in texts]:
                for page in (1, 2):
                    response = client.get("/zoeken/", {"q": text, "pagina": page})
                    assert response.status_code == 200, (text, response.status_code)
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    print(int(peak.split()[1]) / 1024)


def run_as_you_type(size, repeat, profile):
    """Inside a child process whose DATABASE_URL points at an empty database."""
    _setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from search import suggest

    _fill(size, profile)
    _analyze()
    url = reverse("search:suggestions")
    client = Client()
    texts = [text for texts in AS_YOU_TYPE.values() for text in texts]

    def timed(text, times):
        started = time.perf_counter()
        response = client.get(url, {"q": text})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content

    builds = []
    for _ in range(3):
        suggest.forget()
        started = time.perf_counter()
        known = suggest.catalogue()
        builds.append(time.perf_counter() - started)
    result = {
        "build_s": statistics.median(builds),
        "entries": len(known.entries),
        "vocabulary": len(known.vocabulary),
    }
    with override_settings(ALLOWED_HOSTS=["testserver"], PAGE_CACHE_SECONDS=0):
        for text in texts:  # warm up once
            timed(text, [])
        per_kind, computed = {}, []
        for kind, kind_texts in AS_YOU_TYPE.items():
            times = []
            for _ in range(repeat):
                for text in kind_texts:
                    timed(text, times)
            per_kind[kind] = percentile(times, 0.95)
            computed += times
        with CaptureQueriesContext(connection) as queries:
            timed("klant", [])
        result["queries"] = len(queries)
    with override_settings(ALLOWED_HOSTS=["testserver"], PAGE_CACHE_SECONDS=600):
        cache.clear()
        for text in texts:  # stored once
            timed(text, [])
        hits = []
        for _ in range(repeat):
            for text in texts:
                timed(text, hits)
    return {
        **result,
        "p50": statistics.median(computed),
        "p95": percentile(computed, 0.95),
        "per_kind_p95": per_kind,
        "hit_p50": statistics.median(hits),
        "hit_p95": percentile(hits, 0.95),
        "requests": len(computed),
        "load": os.getloadavg()[0],
    }


def fresh_database(database, workdir):
    if database == "sqlite":
        return f"sqlite:///{workdir}/bench.sqlite3"
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return f"{PG_SERVER}/{PG_DB}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--repeat", type=int, default=REPEAT, help="runs of each query")
    parser.add_argument(
        "--as-you-type", action="store_true", help="the suggestions of the search boxes"
    )
    parser.add_argument(
        "--insight",
        action="store_true",
        help="also measure with synonyms, recommendations and the search log on",
    )
    parser.add_argument(
        "--profile",
        choices=["uniform", "realistic"],
        default="uniform",
        help="the corpus: generate_corpus --profile (default uniform)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker()
        return
    if args.child:
        if args.as_you_type:
            result = run_as_you_type(args.child, args.repeat, args.profile)
        else:
            result = run_one(args.child, args.repeat, args.profile, insight=args.insight)
        print(json.dumps(result))
        return
    rows = []
    for size in args.sizes:
        for database in args.databases:
            with tempfile.TemporaryDirectory() as workdir:
                env = {
                    **os.environ,
                    "DATABASE_URL": fresh_database(database, workdir),
                    "DJANGO_SECRET_KEY": "benchmark-only",
                    "DJANGO_DEBUG": "false",
                    "DJANGO_LOG_LEVEL": "WARNING",
                }
                mode = ["--as-you-type"] if args.as_you_type else []
                mode += ["--insight"] if args.insight else []
                output = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        str(size),
                        "--repeat",
                        str(args.repeat),
                        "--profile",
                        args.profile,
                        *mode,
                    ],
                    env=env,
                    check=True,
                    stdout=subprocess.PIPE,
                    text=True,
                ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            rows.append((size, args.profile, database, result))
            print(f"done: {size} on {database}", file=sys.stderr)
    (print_as_you_type_table if args.as_you_type else print_table)(rows)


def print_as_you_type_table(rows):
    print(
        "| columns | corpus | database | catalogue build | names / words | queries a request "
        "| suggestions p50 | suggestions p95 | page cache hit p50 | hit p95 | load avg |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, corpus, database, r in rows:
        print(
            f"| {size:,} | {corpus} | {database} | {r['build_s'] * 1000:.0f} ms "
            f"| {r['entries']:,} / {r['vocabulary']:,} | {r['queries']} "
            f"| {r['p50']:.1f} ms | {r['p95']:.1f} ms "
            f"| {r['hit_p50']:.1f} ms | {r['hit_p95']:.1f} ms | {r['load']:.1f} |"
        )
    print()
    kinds = list(AS_YOU_TYPE)
    print("| columns | corpus | database | " + " | ".join(f"p95 {kind}" for kind in kinds) + " |")
    print("|---:|---|---|" + "---:|" * len(kinds))
    for size, corpus, database, r in rows:
        cells = " | ".join(f"{r['per_kind_p95'][kind]:.1f} ms" for kind in kinds)
        print(f"| {size:,} | {corpus} | {database} | {cells} |")


def print_table(rows):
    print(
        "| columns | corpus | database | index build | index size | search p50 | search p95 "
        "| CPU p50 | CPU p95 | icontains p50 | icontains p95 | worker RSS | load avg |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, corpus, database, r in rows:
        size_text = f"{r['size_mb']:.1f} MB" if r["size_mb"] else "n/a"
        print(
            f"| {size:,} | {corpus} | {database} | {r['build_s']:.1f} s | {size_text} "
            f"| {r['p50']:.1f} ms | {r['p95']:.1f} ms "
            f"| {r['cpu_p50']:.1f} ms | {r['cpu_p95']:.1f} ms "
            f"| {r['naive_p50']:.1f} ms | {r['naive_p95']:.1f} ms "
            f"| {r['worker_rss_mb']:.0f} MB | {r['load']:.1f} |"
        )
    print()
    kinds = list(QUERIES)
    print("| columns | corpus | database | " + " | ".join(f"p95 {kind}" for kind in kinds) + " |")
    print("|---:|---|---|" + "---:|" * len(kinds))
    for size, corpus, database, r in rows:
        cells = " | ".join(f"{r['per_kind_p95'][kind]:.1f} ms" for kind in kinds)
        print(f"| {size:,} | {corpus} | {database} | {cells} |")
    print()
    if "insight_p95" in rows[0][3]:
        print(
            "With synonyms, recommendations and the search log on (the same queries,"
            " alternating with the plain search):"
        )
        print()
        print(
            "| columns | corpus | database | plain p50 | plain p95 | insight p50 | insight p95"
            " | added p95 | plain CPU p95 | insight CPU p95 | added CPU p95 |"
        )
        print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size, corpus, database, r in rows:
            print(
                f"| {size:,} | {corpus} | {database} "
                f"| {r['plain_p50']:.1f} ms | {r['plain_p95']:.1f} ms "
                f"| {r['insight_p50']:.1f} ms | {r['insight_p95']:.1f} ms "
                f"| {r['insight_p95'] - r['plain_p95']:+.1f} ms "
                f"| {r['plain_cpu_p95']:.1f} ms | {r['insight_cpu_p95']:.1f} ms "
                f"| {r['insight_cpu_p95'] - r['plain_cpu_p95']:+.1f} ms |"
            )
        print()
    names = list(rows[0][3]["phases_ms"])
    print(
        "Where the time goes (median ms per phase, common-word queries; the correction"
        " look-up over the fuzzy and compound queries):"
    )
    print()
    print("| columns | corpus | database | " + " | ".join(names) + " |")
    print("|---:|---|---|" + "---:|" * len(names))
    for size, corpus, database, r in rows:
        cells = " | ".join(f"{r['phases_ms'][name]:.1f}" for name in names)
        print(f"| {size:,} | {corpus} | {database} | {cells} |")


if __name__ == "__main__":
    main()
