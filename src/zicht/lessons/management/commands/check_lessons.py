"""Validate every shipped lesson; exit non-zero with clear messages when one is wrong.

    python manage.py check_lessons            # all files in src/zicht/lessons/content/
    python manage.py check_lessons FILE ...   # only these files

Prints per lesson its Flesch–Douma reading ease (Dutch), Flesch Reading Ease (English)
and words per sentence; a lesson below either bound for its audience fails.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from zicht.lessons.content import lesson_files, read_file
from zicht.lessons.models import StaffLesson
from zicht.lessons.validation import validate


def _scores(report) -> str:
    r, en = report.readability, report.readability_en
    return (
        f"Flesch-Douma {r.flesch_douma:.0f}, {r.words_per_sentence:.1f} words per sentence, "
        f"{r.words} words; English: Flesch Reading Ease {en.flesch_reading_ease:.0f}, "
        f"{en.words_per_sentence:.1f} words per sentence, {en.words} words"
    )


class Command(BaseCommand):
    help = "Check every lesson's graph, languages and readability."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="lesson files (default: all shipped)")

    def handle(self, *args, **options):
        paths = [Path(f) for f in options["files"]] or lesson_files()
        if not paths:
            raise CommandError("No lesson files found.")
        failed = 0
        slugs: dict[str, str] = {}
        for path in paths:
            try:
                report = validate(read_file(path))
            except ValueError as exc:  # names the file itself
                self.stderr.write(str(exc))
                failed += 1
                continue
            except OSError as exc:
                self.stderr.write(f"{path}: cannot be read ({exc.strerror}).")
                failed += 1
                continue
            errors = list(report.errors)
            if report.slug in slugs:
                errors.append(f"slug {report.slug!r} is also used by {slugs[report.slug]}.")
            slugs[report.slug] = path.name
            if errors:
                failed += 1
                self.stderr.write(f"{path.name} ({report.slug}): {len(errors)} problem(s)")
                for error in errors:
                    self.stderr.write(f"  - {error}")
                continue
            self.stdout.write(f"{path.name} ({report.slug}): OK - {_scores(report)}")
        checked = len(paths)
        if not options["files"]:
            staff_failed, staff_checked = self._check_staff_lessons(slugs)
            failed += staff_failed
            checked += staff_checked
        if failed:
            raise CommandError(f"{failed} of {checked} lesson(s) have problems.")

    def _check_staff_lessons(self, slugs: dict[str, str]) -> tuple[int, int]:
        """Lessons staff saved in the admin (checked when saved; checked again here since
        the validator or the indicator list may have changed since)."""
        try:
            rows = list(StaffLesson.objects.all())
        except DatabaseError:
            self.stdout.write("Staff lessons: no database yet, not checked.")
            return 0, 0
        failed = 0
        for row in rows:
            report = validate(row.data)
            errors = list(report.errors)
            if row.slug in slugs:
                errors.append(f"slug {row.slug!r} is also used by {slugs[row.slug]}.")
            if errors:
                failed += 1
                self.stderr.write(f"staff lesson {row.slug}: {len(errors)} problem(s)")
                for error in errors:
                    self.stderr.write(f"  - {error}")
                continue
            self.stdout.write(f"staff lesson {row.slug}: OK - {_scores(report)}")
        return failed, len(rows)
