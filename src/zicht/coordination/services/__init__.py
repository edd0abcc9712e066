"""Writes of the coordination app. One durable transaction per action.

Every status change goes through ``workflow.target()`` under a row lock
(``select_for_update``) and a version check, records an audit event and a
timeline entry inside the same transaction, and queues notifications with
``transaction.on_commit``. A decision made on an outdated version of a file
raises ``StaleFileError``: the first decision stands, the second user keeps their
input and sees what changed.

The actions are split by the stage of a file they belong to, so that each module
can be read on its own: ``referrals``, ``screening``, ``measures``, ``care``,
``follow_up``, ``closure``, ``merging`` and ``retention``. What they all share lives
in ``locking`` (row locks, versions), ``trail`` (timeline, audit, notifications),
``guards`` (role and status checks) and ``files`` (opening and reopening). Other code
uses only the names re-exported here: ``from zicht.coordination import services``.
"""

from zicht.coordination.services.care import care_referral_act, care_referral_create
from zicht.coordination.services.closure import file_close, file_reopen
from zicht.coordination.services.files import screening_working_days
from zicht.coordination.services.follow_up import task_complete, task_create
from zicht.coordination.services.locking import StaleFileError
from zicht.coordination.services.measures import assessment_complete, measure_add, measure_decide
from zicht.coordination.services.merging import file_merge
from zicht.coordination.services.referrals import referral_create, referral_from_conversation
from zicht.coordination.services.retention import files_anonymise
from zicht.coordination.services.screening import (
    file_assign,
    file_screen,
    screening_reminders_send,
)

__all__ = [
    "StaleFileError",
    "screening_working_days",
    "referral_create",
    "referral_from_conversation",
    "file_assign",
    "file_screen",
    "assessment_complete",
    "measure_decide",
    "measure_add",
    "care_referral_create",
    "care_referral_act",
    "task_create",
    "task_complete",
    "file_close",
    "file_reopen",
    "file_merge",
    "files_anonymise",
    "screening_reminders_send",
]
