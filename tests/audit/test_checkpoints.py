"""Signed checkpoints outside the database catch what the chain alone cannot: the newest
events deleted with the chain head rolled back, and the whole log emptied."""

import json
import logging

import pytest
from django.core.management import call_command

from tests.audit.conftest import tamper
from zicht.audit import services
from zicht.audit.catalogue import AuditAction
from zicht.audit.checkpoints import checkpoint_line, read_checkpoints
from zicht.audit.selectors import verify_chain
from zicht.portal.schedule import DAILY_TASKS


def run(capsys, command, *args):
    """Run a management command; return (exit code, stdout, stderr)."""
    try:
        call_command(command, *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def checkpoint_file(settings):
    return settings.AUDIT_CHECKPOINT_FILE


def test_checkpoint_appends_a_signed_line_to_the_file_and_the_log(
    chain, checkpoint_file, capsys, caplog
):
    caplog.set_level(logging.INFO, logger="zicht.audit")
    code, out, _ = run(capsys, "audit_checkpoint")
    assert code == 0 and "event #5" in out
    services.record(action=AuditAction.AUTH_LOGIN)
    assert run(capsys, "audit_checkpoint")[0] == 0
    lines = checkpoint_file.read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert (first["seq"], first["count"], first["hash"]) == (5, 5, chain[-1].hash)
    assert len(first["mac"]) == 64 and first["time"].endswith("Z")
    assert f"audit checkpoint {lines[0]}" in caplog.text
    assert [c.seq for c in read_checkpoints(checkpoint_file)] == [5, 6]
    code, out, _ = run(capsys, "verify_audit_chain")
    assert code == 0 and "6 events verified, 2 checkpoints" in out


def test_checkpoints_from_the_log_stream_verify_too(chain, checkpoint_file, tmp_path, capsys):
    run(capsys, "audit_checkpoint")
    shipped = tmp_path / "shipped.log"
    line = checkpoint_file.read_text().strip()
    shipped.write_text(f"2026-12-03 03:15:00,000 INFO zicht.audit audit checkpoint {line}\n")
    code, out, _ = run(capsys, "verify_audit_chain", "--checkpoints", str(shipped))
    assert code == 0 and "1 checkpoints" in out


def truncate(chain, keep):
    """Delete the events after ``keep`` and roll the chain head back to it."""
    tamper("DELETE FROM audit_auditevent WHERE seq > %s", [keep])
    tamper(
        "UPDATE audit_chainhead SET last_seq = %s, last_hash = %s WHERE id = 1",
        [keep, chain[keep - 1].hash],
    )


def test_truncation_with_the_head_rolled_back_fails_against_a_checkpoint(
    chain, checkpoint_file, capsys
):
    run(capsys, "audit_checkpoint")
    truncate(chain, keep=3)
    # The chain alone cannot tell: what is left is a valid, shorter chain.
    assert verify_chain() == (3, None)
    code, _, err = run(capsys, "verify_audit_chain", "--checkpoints", str(checkpoint_file))
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("Audit chain broken at event #4: missing event: the checkpoint of ")
    assert "recorded 5 events up to #5, the database holds 3" in err


def test_truncation_followed_by_new_events_fails_at_the_checkpointed_seq(
    chain, checkpoint_file, capsys
):
    run(capsys, "audit_checkpoint")
    truncate(chain, keep=3)
    for _ in range(3):
        services.record(action=AuditAction.AUTH_LOGIN)
    code, _, err = run(capsys, "verify_audit_chain")
    assert code == 1
    assert "event #5: the hash differs from the checkpoint of" in err


def test_deleting_everything_fails_against_a_checkpoint(chain, checkpoint_file, capsys):
    run(capsys, "audit_checkpoint")
    tamper("DELETE FROM audit_auditevent")
    tamper("DELETE FROM audit_chainhead")
    assert verify_chain() == (0, None)
    code, _, err = run(capsys, "verify_audit_chain", "--checkpoints", str(checkpoint_file))
    assert code == 1
    assert "event #1: missing event" in err and "the database holds 0" in err


def test_an_altered_checkpoint_is_refused(chain, checkpoint_file, capsys):
    run(capsys, "audit_checkpoint")
    services.record(action=AuditAction.AUTH_LOGIN)
    run(capsys, "audit_checkpoint")
    lines = checkpoint_file.read_text().splitlines()
    forged = json.loads(lines[1])
    forged["seq"] = forged["count"] = 3  # an attacker "moves" the anchor back
    checkpoint_file.write_text(lines[0] + "\n" + json.dumps(forged) + "\n")
    code, _, err = run(capsys, "verify_audit_chain", "--checkpoints", str(checkpoint_file))
    assert code == 1
    assert err.strip() == (
        f"Checkpoint file {checkpoint_file} line 2: the signature is invalid "
        "(the line was altered, or signed with another ZICHT_AUDIT_KEY)."
    )


def test_a_checkpoint_signed_with_another_key_is_refused(chain, checkpoint_file, settings, capsys):
    real_key = settings.AUDIT_KEY
    settings.AUDIT_KEY = "not-the-real-key-" + "7" * 40
    line = checkpoint_line(seq=5, hash_=chain[-1].hash, count=5, time="2026-12-03T03:15:00Z")
    settings.AUDIT_KEY = real_key
    checkpoint_file.write_text(line + "\n")
    code, _, err = run(capsys, "verify_audit_chain")
    assert code == 1 and "line 1: the signature is invalid" in err


def test_garbage_and_a_missing_checkpoint_file_are_clear_errors(chain, tmp_path, capsys):
    garbage = tmp_path / "garbage.log"
    garbage.write_text("\nnot a checkpoint\n")
    code, _, err = run(capsys, "verify_audit_chain", "--checkpoints", str(garbage))
    assert code == 1 and err.strip() == f"Checkpoint file {garbage} line 2: not a checkpoint."
    missing = tmp_path / "missing.log"
    code, _, err = run(capsys, "verify_audit_chain", "--checkpoints", str(missing))
    assert code == 1 and err.startswith(f"Checkpoint file {missing} cannot be read")


def test_no_checkpoint_is_written_for_a_broken_chain(chain, checkpoint_file, capsys, caplog):
    run(capsys, "audit_checkpoint")
    before = checkpoint_file.read_text()
    tamper("UPDATE audit_auditevent SET action = 'test.edited' WHERE seq = 2")
    code, _, err = run(capsys, "audit_checkpoint")
    assert code == 1
    assert "event #2: content was altered" in err and "no checkpoint written" in err
    assert checkpoint_file.read_text() == before
    assert "audit checkpoint refused" in caplog.text


def test_the_daily_schedule_writes_a_checkpoint(chain, checkpoint_file, capsys):
    from zicht.audit.tasks import audit_checkpoint_task

    assert audit_checkpoint_task in DAILY_TASKS
    call_command("enqueue_daily_tasks")  # the test settings run tasks immediately
    checkpoints = read_checkpoints(checkpoint_file)
    assert len(checkpoints) == 1 and checkpoints[0].seq >= 5
    assert verify_chain(checkpoints=checkpoints)[1] is None


def test_the_checkpoint_file_is_created_private(chain, tmp_path, settings):
    """Only the operator's account may read or rewrite the checkpoints (mode 0600)."""
    import stat

    path = tmp_path / "private" / "checkpoints.log"
    settings.AUDIT_CHECKPOINT_FILE = path
    call_command("audit_checkpoint")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
