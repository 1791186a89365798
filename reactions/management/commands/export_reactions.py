import json

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from reactions import privacy
from reactions.services import reactions_export


class Command(BaseCommand):
    help = (
        "Print every reaction of one e-mail address as JSON (a reader's request for their "
        "data), with what other apps keep about the address (e-mail subscriptions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        data = {
            "email": email.strip().lower(),
            "reactions": reactions_export(email=email),
            **privacy.export_all(email),
        }
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
