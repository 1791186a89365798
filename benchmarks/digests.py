"""How fast `send_digests` mails, through a real SMTP server on this machine.

    .venv/bin/python benchmarks/digests.py [--subscribers 100 1000] [--columns 5]

For each number of subscribers: a fresh SQLite database in a temporary folder, the
seed, N confirmed subscribers following all new columns (weekly) and `--columns` new
columns; then a timed `send_digests --frequency weekly` through aiosmtpd on a port in
18400-18449 (one SMTP connection per mail, as Django's backend does for
`message.send()`), and a timed second run, which must send nothing. Each size runs in
its own process.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]


def run_one(subscribers, columns):
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Author, Column
    from subscriptions import services
    from subscriptions.models import Delivery, Subscriber, Subscription
    from tests.smtp import smtp_server

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_seed", verbosity=0)
    confirmed = timezone.now() - timedelta(days=1)
    people = Subscriber.objects.bulk_create(
        Subscriber(email=f"lezer{n}@example.nl", confirmed_at=confirmed) for n in range(subscribers)
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=p, kind="all", frequency="weekly", confirmed_at=confirmed)
        for p in people
    )
    author = Author.objects.first()
    for n in range(columns):
        Column.objects.create(
            title=f"Nieuwe column {n}",
            slug=f"nieuwe-column-{n}",
            lead="Een inleiding.",
            body="De klant staat centraal. " * 50,
            author=author,
            status="published",
        )

    class Settings:
        pass

    holder = Settings()
    with smtp_server(holder) as inbox:
        settings.MAILERS = holder.MAILERS
        started = time.perf_counter()
        report = services.send_digests(frequency="weekly", base_url="https://kennisbank.nl")
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = services.send_digests(frequency="weekly", base_url="https://kennisbank.nl")
        second = time.perf_counter() - started
        received = len(inbox.messages)
    assert report.mails == subscribers == received and again.mails == 0
    assert Delivery.objects.filter(sent_at__isnull=False).count() == subscribers * columns
    return {"first": first, "second": second, "mails": received}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--columns", type=int, default=5)
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_one(args.child, args.columns)))
        return
    print(f"send_digests, SQLite, {args.columns} new columns per digest, local SMTP server\n")
    print("| subscribers | first run | mails/s | second run (sends nothing) |")
    print("|---:|---:|---:|---:|")
    for size in args.subscribers:
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only"),
                "DJANGO_LOG_LEVEL": "WARNING",
            }
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(size), "--columns", str(args.columns)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
        print(
            f"| {size} | {result['first']:.2f} s | {result['mails'] / result['first']:.0f} "
            f"| {result['second']:.2f} s |"
        )


if __name__ == "__main__":
    main()
