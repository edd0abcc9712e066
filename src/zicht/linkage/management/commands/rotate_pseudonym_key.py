"""Re-encode every active signal under the configured pseudonymisation key."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.intake import services as intake_services
from zicht.linkage import services
from zicht.linkage.models import IndexEntry


class Command(BaseCommand):
    help = (
        "Key rotation of the person index. First set ZICHT_PSEUDONYM_KEY (or _FILE) to the "
        "new key and restart; then run this command: it re-encodes every active signal "
        "under the new key from the encrypted identities, keeps every match (matches refer "
        "to signals, not tokens) and finally deletes the entries made under old keys. "
        "When a signal cannot be re-encoded, the entries under old keys are kept, the "
        "command names the signal references and exits with an error: correct or withdraw "
        "those signals and run it again. Safe to run again after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-old", action="store_true", help="do not delete entries under old keys yet"
        )

    def handle(self, *args, **options):
        key = services.current_key()
        before = dict(
            IndexEntry.objects.values_list("key_id")
            .annotate(n=Count("id"))
            .values_list("key_id", "n")
        )
        self.stdout.write(f"Current key id: {key.key_id}; entries per key before: {before}")
        done, failed = intake_services.signals_reindex(
            key_id=key.key_id, progress=lambda n: self.stderr.write(f"  re-encoded {n}")
        )
        # Old-key entries are the only index entries of a signal that failed: keep them all
        # until every signal is re-encoded, or those signals drop out of the index for good.
        keep_old = options["keep_old"] or bool(failed)
        dropped = 0 if keep_old else services.index_drop_other_keys(key_id=key.key_id)
        audit.record(
            action=AuditAction.LINKAGE_KEY_ROTATED,
            object_type="pseudonym_key",
            object_id=key.key_id,
            details={
                "reindexed": done,
                "failed": len(failed),
                "failed_references": failed,
                "old_entries_deleted": dropped,
            },
        )
        self.stdout.write(
            f"Re-encoded {done} signal(s), {len(failed)} failed, deleted {dropped} old entries."
        )
        if failed:
            raise CommandError(
                f"{len(failed)} signal(s) could not be re-encoded under key {key.key_id}: "
                f"{', '.join(failed)}. The entries under old keys were kept, so these signals "
                "stay in the index. Correct or withdraw these signals, then run this command "
                "again to finish the rotation."
            )
