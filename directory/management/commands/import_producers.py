"""Import producers and points of sale from a chamber's spreadsheet saved as CSV.

The work is done by circuitcourt.directory.importers; this command reads the file, shows
progress and prints the report.
"""

import argparse

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from circuitcourt.directory.importers import COLUMNS, ImportFileError, import_producers

PROGRESS_FROM = 200  # producers: below this, an import is quick and needs no progress


def columns_help():
    width = max(len(column.name) for column in COLUMNS)
    return "\n".join(
        f"  {column.name:<{width}}  {'(required) ' if column.required else ''}{column.help}"
        for column in COLUMNS
    )


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the column list of the description as it is written."""


class Command(BaseCommand):
    help = f"""Import producers and their points of sale from a CSV file.

One row per (producer, point of sale): a producer with several points of sale has several
rows with the same ref_producteur; the same ref_point_de_vente on two producers' rows is a
shared point of sale. Producers and points of sale are found again by these references:
importing the same file twice changes nothing; a changed value updates the page and
publishes a new revision. Producers missing from the file are left as they are.

The file: UTF-8 (with or without BOM), separated by ; (Excel in French), , or tabs, with
the column names on line 1 (case, accents and spaces do not matter). Columns:

{columns_help()}

A column the file does not have leaves that field as it is; empty coordinates leave a point
of sale where it is. A row whose point-of-sale cells are all empty gives a producer without
a point of sale. Imported points of sale a producer's rows no longer list are unlinked
(not deleted); those an editor linked by hand stay. Rejected rows are listed with
their line number and reason, the valid ones are imported; a producer with a rejected row
is left out entirely. A file that cannot be read (encoding, missing column, empty) imports
nothing. The exit status is 1 when rows were rejected, 0 when every row was imported."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change, without writing",
        )

    def handle(self, *args, path, dry_run, verbosity, **options):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"Impossible de lire {path} : {exc.strerror}.") from exc

        def progress(done, total):
            # A line at each tenth, on stderr so that the report on stdout stays clean.
            tenth = done * 10 // total
            if verbosity and total >= PROGRESS_FROM and tenth > (done - 1) * 10 // total:
                self.stderr.write(f"{done}/{total} producteurs")

        try:
            report = import_producers(data, dry_run=dry_run, progress=progress)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        for problem in report.problems:
            self.stdout.write(self.style.ERROR(str(problem)))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(warning))
        for line in report.summary():
            self.stdout.write(line)
        if report.rejected_rows:
            # The valid rows are in; the exit status still tells a script or cron job that
            # the file needs fixing.
            raise CommandError(
                f"{report.rejected_rows} ligne(s) rejetée(s) : corrigez-les (voir ci-dessus) "
                "et importez de nouveau le fichier.",
                returncode=1,
            )
