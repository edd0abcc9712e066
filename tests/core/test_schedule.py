import pytest
from django.core.management import call_command

from zicht.portal.schedule import DAILY_TASKS


@pytest.mark.django_db
def test_daily_tasks_are_queued_and_run(capsys, settings):
    # The test settings use the immediate backend: enqueuing runs each task at once.
    call_command("enqueue_daily_tasks")
    out = capsys.readouterr().out
    assert out.count("queued") == len(DAILY_TASKS) == 8
