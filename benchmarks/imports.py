"""Benchmark of the WordPress import: a generated export, imported twice.

    .venv/bin/python benchmarks/imports.py [--posts 10000] [--comments 50000]
                                           [--databases sqlite postgres]

Writes a WXR 1.2 file with the given number of posts (about 300 words of HTML each,
with categories and tags from a small set, 20 authors) and comments (a fifth of them
replies, some to replies; a few pending or spam). For each database: a fresh, migrated
database, then `import_wordpress` as a process of its own, timed, with its peak
resident memory (from the kernel's rusage of that process); then the same file again
(nothing changes). PostgreSQL uses the database `kb_transfer_bench` (or
$KB_BENCH_PG_DB) on 127.0.0.1, dropped and recreated. Targets: first run ≤ 120 s,
second run < half of the first.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = os.environ.get("KB_BENCH_PG_DB", "kb_transfer_bench")
WORDS = (
    "de klant medewerker organisatie service vertrouwen luisteren team gesprek afspraak "
    "leiderschap verandering aandacht resultaat kwaliteit waarde samenwerking collega "
    "evenwaardigheid respect manager ruimte verantwoordelijkheid keuze ervaring idee "
    "betekenis tijd winkel telefoon antwoord vraag probleem oplossing belofte gedrag "
    "cultuur regels vrijheid fout leren groei niet wel altijd nooit soms samen beter"
).split()
THEMES = [
    "klant centraal", "service", "leiderschap", "medewerkers eerst", "evenwaardigheid",
    "vertrouwen", "cultuur", "verandering", "teamwork", "communicatie", "kwaliteit",
    "innovatie", "coaching", "verkoop", "klantreis", "feedback", "strategie", "hr",
    "zorg", "onderwijs",
]  # fmt: skip


def sentence(rng, words=12):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def generate(path, posts, comments, seed=14):
    """A WXR 1.2 file; written as a stream, so any size fits in memory."""
    rng = random.Random(seed)
    per_post = [comments // posts + (1 if i < comments % posts else 0) for i in range(posts)]
    comment_id = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Benchmark</title><link>https://bench.example</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>https://bench.example</wp:base_site_url>\n"
            "<wp:base_blog_url>https://bench.example</wp:base_blog_url>\n"
        )
        for a in range(20):
            out.write(
                f"<wp:author><wp:author_login>auteur{a}</wp:author_login>"
                f"<wp:author_display_name><![CDATA[Auteur {a}]]></wp:author_display_name>"
                "</wp:author>\n"
            )
        for post in range(1, posts + 1):
            year, month, day = 2010 + post % 15, 1 + post % 12, 1 + post % 28
            slug = f"column-{post}"
            body = "\n\n".join(
                sentence(rng, 30) + " " + sentence(rng, 20) for _ in range(rng.randint(6, 10))
            )
            body += f"\n\n<h2>{sentence(rng, 4)}</h2>\n\n<ul><li>{sentence(rng)}</li></ul>"
            themes = rng.sample(THEMES, 3)
            out.write(
                f"<item><title>{escape(sentence(rng, 6))}</title>"
                f"<link>https://bench.example/{year}/{month:02d}/{day:02d}/{slug}/</link>"
                f'<guid isPermaLink="false">https://bench.example/?p={post}</guid>'
                f"<dc:creator><![CDATA[auteur{post % 20}]]></dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{post}</wp:post_id>"
                f"<wp:post_date>{year}-{month:02d}-{day:02d} 09:00:00</wp:post_date>"
                f"<wp:post_date_gmt>{year}-{month:02d}-{day:02d} 08:00:00</wp:post_date_gmt>"
                f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="c"><![CDATA[{themes[0]}]]></category>'
                f'<category domain="post_tag" nicename="t"><![CDATA[{themes[1]}]]></category>'
                f'<category domain="post_tag" nicename="u"><![CDATA[{themes[2]}]]></category>\n'
            )
            ids = []
            for _ in range(per_post[post - 1]):
                comment_id += 1
                parent = rng.choice(ids) if ids and rng.random() < 0.2 else 0
                approved = rng.choices(["1", "0", "spam"], [93, 5, 2])[0]
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Lezer {comment_id % 997}]]></wp:comment_author>"
                    f"<wp:comment_author_email>lezer{comment_id % 997}@example.nl"
                    "</wp:comment_author_email>"
                    f"<wp:comment_date_gmt>{year}-{month:02d}-{day:02d} 12:00:00"
                    "</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{sentence(rng, 25)}]]></wp:comment_content>"
                    f"<wp:comment_approved>{approved}</wp:comment_approved>"
                    "<wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
                ids.append(comment_id)
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def fresh_database(database, workdir):
    if database == "sqlite":
        return f"sqlite:///{workdir}/bench.sqlite3"
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return f"{PG_SERVER}/{PG_DB}"


def timed(args, env):
    """Run `manage.py args` as a process of its own: (seconds, peak RSS in MB, CPU
    seconds, stdout). The CPU time counts the worker processes too (they are waited
    for), and hardly depends on what else the machine is doing."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        wxr = Path(workdir) / "bench.xml"
        started = time.perf_counter()
        generate(wxr, args.posts, args.comments)
        size = wxr.stat().st_size / 1e6
        print(f"generated {wxr.name}: {size:.0f} MB in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)  # fmt: skip
        for database in args.databases:
            env = {
                **os.environ,
                "DATABASE_URL": fresh_database(database, workdir),
                "DJANGO_SECRET_KEY": "benchmark-only",
                "DJANGO_DEBUG": "false",
                "DJANGO_LOG_LEVEL": "WARNING",
            }
            timed(["migrate", "--noinput", "-v", "0"], env)
            timed(["createcachetable"], env)
            first, rss, cpu, output = timed(["import_wordpress", str(wxr)], env)
            second, rss2, cpu2, _ = timed(["import_wordpress", str(wxr)], env)
            summary = [
                line for line in output.splitlines() if line.startswith(("columns", "reacties"))
            ]
            print(f"{database}: {first:.1f} s, {rss:.0f} MB; again {second:.1f} s", file=sys.stderr)
            print("\n".join(summary), file=sys.stderr)
            rows.append((database, first, cpu, rss, second, cpu2, rss2, os.getloadavg()[0]))
    print(f"\n{args.posts} posts, {args.comments} comments, WXR file {size:.0f} MB\n")
    print(
        "| database | first import | its CPU time | peak RSS | second import (unchanged) "
        "| second / first | its CPU time | peak RSS | load avg |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for database, first, cpu, rss, second, cpu2, rss2, load in rows:
        print(
            f"| {database} | {first:.1f} s | {cpu:.0f} s | {rss:.0f} MB | {second:.1f} s | "
            f"{second / first:.0%} | {cpu2:.0f} s | {rss2:.0f} MB | {load:.1f} |"
        )


if __name__ == "__main__":
    main()
