"""The start form under attack: a script that solves challenges as fast as it can pays
more for every conversation as the load rises, and a fresh visitor still gets a case
code - the door never closes (issue 10; figures in benchmarks/RESULTS.md)."""

import re

import pytest
from django.test import Client

from tests.help.conftest import solve
from zicht.help import pow
from zicht.help.models import Conversation

pytestmark = pytest.mark.django_db

START = "/hulp/gesprek/nieuw/"


def _form(client) -> tuple[str, int]:
    html = client.get(START).content.decode()
    challenge = re.search(r'name="challenge" value="([^"]+)"', html).group(1)
    bits = int(re.search(r'data-pow-bits="(\d+)"', html).group(1))
    assert pow.challenge_bits(challenge) == bits
    return challenge, bits


def _send(client, challenge, solution, message="Help, iemand dwingt me."):
    return client.post(
        START, {"message": message, "challenge": challenge, "solution": solution, "website": ""}
    )


def test_an_attacker_using_up_its_allowance_does_not_block_a_fresh_visitor(settings):
    settings.ZICHT_HELP_STARTS_PER_HOUR = 6  # two starts per 20 minutes at the base price
    attacker = Client()
    prices = []
    for _ in range(40):
        challenge, bits = _form(attacker)
        prices.append(bits)
        response = _send(attacker, challenge, solve(challenge), "spam")
        assert 'data-testid="case-code"' in response.content.decode()
    # Each doubling of the load doubled the work per conversation: 8 bits (the tests'
    # base) for the first two, 13 bits - 32 times the work - at 20 times the budget.
    assert prices[:3] == [8, 8, 9] and prices[-1] == 13 and prices == sorted(prices)
    # A fresh visitor pays the current price once and gets a case code, where the old
    # global limit (120 an hour) would have told them "it is very busy".
    visitor = Client()
    challenge, bits = _form(visitor)
    assert bits == 13
    response = _send(visitor, challenge, solve(challenge), "Ik word bedreigd.")
    html = response.content.decode()
    assert 'data-testid="case-code"' in html and "erg druk" not in html
    assert Conversation.objects.count() == 41


def test_a_challenge_solved_while_it_was_quiet_pays_the_current_price(settings):
    settings.ZICHT_HELP_STARTS_PER_HOUR = 6
    stockpiler = Client()
    cheap = [_form(stockpiler)[0] for _ in range(3)]
    cheap = [(challenge, solve(challenge)) for challenge in cheap]
    for _ in range(8):  # the load rises to four times the budget: three bits dearer
        challenge, _bits = _form(stockpiler)
        _send(stockpiler, challenge, solve(challenge))
    assert pow.start_bits() == 8 + 3
    before = Conversation.objects.count()
    response = _send(stockpiler, *cheap[0])
    html = response.content.decode()
    # Not started; the page explains and carries a fresh challenge at the current price,
    # marked for the browser to solve and send again by itself.
    assert Conversation.objects.count() == before
    assert "Het is nu druk" in html and "data-pow-resend" in html
    challenge = re.search(r'name="challenge" value="([^"]+)"', html).group(1)
    assert pow.challenge_bits(challenge) == 11
    assert "Help, iemand dwingt me." in html  # the message is kept
    response = _send(stockpiler, challenge, solve(challenge))
    assert 'data-testid="case-code"' in response.content.decode()
    # One bit of slack: a challenge handed out just before the price rose still counts.
    settings.ZICHT_HELP_POW_BITS = 10
    assert pow.start_bits() == 13 and pow.challenge_bits(pow.new_challenge(12)) == 12
