"""Re-encode the person index from zicht-pprl-1 to zicht-pprl-2 (docs/linkage.md §15)."""

from django.core.management.base import BaseCommand, CommandError

from zicht.linkage import services


class Command(BaseCommand):
    help = (
        "Move the person index from spec zicht-pprl-1 to zicht-pprl-2. Every active "
        "signal indexed with zicht-pprl-1 under the current key whose stored (encrypted) "
        "identity has a full date of birth is encoded again, in batches: its zicht-pprl-2 "
        "entry is written first and only then its zicht-pprl-1 entry deleted, all in one "
        "transaction per batch, and matching runs again for it (pairs that zicht-pprl-1 "
        "missed are found, existing matches keep their decisions). A batch that fails "
        "changes nothing. Safe to interrupt and run again: it continues with what is "
        "left, and a second run finds nothing to do. Signals with only an estimated age "
        "and signals encoded on a partner's premises have no identity zicht-pprl-2 can "
        "encode; they stay zicht-pprl-1 entries and are still matched. Each batch is "
        "recorded in the audit log (counts only, never an identity)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="only count the entries that would be re-encoded; read and write nothing else",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=200,
            metavar="N",
            help="signals per transaction (default 200); a failed batch is rolled back whole",
        )

    def handle(self, *args, **options):
        size = options["batch_size"]
        if size < 1:
            raise CommandError("--batch-size must be at least 1.")
        plan = services.reencode_plan()
        self.stdout.write(
            f"Key {plan.key_id}: {plan.pprl1} zicht-pprl-1 entries, {plan.pprl2} zicht-pprl-2 "
            f"entries; {plan.to_do} to re-encode (those with only an estimated age will be "
            f"kept), {plan.cannot} cannot be (no active signal with a stored identity: "
            "encoded on a partner's premises, or no longer active)."
        )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing changed.")
            return
        totals = {"reencoded": 0, "kept_estimated_age": 0, "failed": 0, "matches": 0}
        failed: list[str] = []
        for result in services.index_reencode(batch_size=size):
            for name in totals:
                totals[name] += result[name]
            failed += result["failed_references"]
            self.stdout.write(
                f"  batch {result['batch']}: re-encoded {totals['reencoded']} of {plan.to_do}"
                f" ({totals['kept_estimated_age']} kept: only an estimated age;"
                f" {totals['failed']} failed; {totals['matches']} new matches)"
            )
        self.stdout.write(
            f"Done: re-encoded {totals['reencoded']} signal(s), kept "
            f"{totals['kept_estimated_age']} with only an estimated age as zicht-pprl-1, "
            f"{totals['failed']} failed, {totals['matches']} new match(es)."
        )
        if failed:
            raise CommandError(
                f"{len(failed)} signal(s) could not be encoded with zicht-pprl-2: "
                f"{', '.join(failed)}. Their zicht-pprl-1 entries were kept and are still "
                "matched. Correct or withdraw these signals, then run this command again."
            )
