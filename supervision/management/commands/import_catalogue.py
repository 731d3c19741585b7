"""python manage.py import_catalogue FILE — a new version of the screening knowledge base (screening.md)."""

import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from supervision.org.models import User
from supervision.screening.imports import CatalogueRejected, UploadTooLarge, catalogue_import


class Command(BaseCommand):
    help = 'Import the item catalogue with its limits (a new version; items updated by hilist_code). Prints {"created", "updated"}; exits 2 with the report on any bad row.'  # noqa: E501

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", default="analyst", help="the importing user (default: analyst)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            with path.open("rb") as handle:
                version = catalogue_import(by=user, fileobj=handle, file_name=path.name)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        except PermissionDenied as exc:
            raise CommandError(f"{user.username} may not import the catalogue.") from exc
        except UploadTooLarge as exc:
            raise CommandError(str(exc)) from exc
        except CatalogueRejected as exc:
            self.stdout.write(json.dumps({"errors": exc.errors}, ensure_ascii=False))
            sys.exit(2)
        self.stdout.write(
            json.dumps({"version": version.number, "created": version.created_count, "updated": version.updated_count})
        )
