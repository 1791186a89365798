from django.core.management.base import BaseCommand

from reactions import privacy
from reactions.services import reactions_anonymise


class Command(BaseCommand):
    help = (
        "Anonymise every reaction of one e-mail address: the name becomes 'Anoniem' and the "
        "e-mail address is erased. With --remove-text the text is erased too. What other "
        "apps keep about the address (e-mail subscriptions) is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--remove-text",
            action="store_true",
            help="Also erase the text and take the reactions off the site.",
        )

    def handle(self, *args, email, remove_text=False, **options):
        count = reactions_anonymise(email=email, remove_text=remove_text)
        self.stdout.write(f"Reactions anonymised: {count}.")
        for name, erased in privacy.erase_all(email).items():
            self.stdout.write(f"Erased from {name}: {erased}.")
