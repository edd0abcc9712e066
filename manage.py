#!/usr/bin/env python
"""Django's command-line utility for Zicht."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zicht.conf.settings")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] == ["runserver"]:
        # Debug pages show personal data: never serve them to other machines
        # (zicht.conf.debug explains the rule).
        from django.conf import settings

        from zicht.conf.debug import runserver_refusal

        refusal = runserver_refusal(sys.argv[1:], debug=settings.DEBUG)
        if refusal:
            sys.exit(refusal)
    execute_from_command_line(sys.argv)
