"""Load the shipped help content in tests that flush the database."""

from zicht.help.content import load_into
from zicht.help.models import HelpPage, ReplyTemplate, ServiceContact


def load_shipped_help_content() -> None:
    load_into(HelpPage=HelpPage, ServiceContact=ServiceContact, ReplyTemplate=ReplyTemplate)
