"""The self-check: short statements built on the indicator catalogue (DOMAIN.md).

No single answer proves anything; the advice depends on how many things apply and
on a few that always deserve a conversation (debts that must be worked off, threats,
blackmail, handing over a bank card). Answers are never stored: they are evaluated
in the request that sends them and shown back once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

__all__ = ["QUESTIONS", "ANSWERS", "Question", "Advice", "evaluate"]

YES, SOMETIMES, NO, SKIP = "yes", "sometimes", "no", "skip"
ANSWERS = [
    (YES, _("Yes")),
    (SOMETIMES, _("Sometimes")),
    (NO, _("No")),
    (SKIP, _("I'd rather not say")),
]


@dataclass(frozen=True)
class Question:
    key: str
    indicator_group: str  # the group in the indicator catalogue
    text: str
    why: str  # shown with the advice when the answer is yes or sometimes
    serious: bool = False


QUESTIONS: list[Question] = [
    Question(
        "gifts",
        "money_and_possessions",
        _(
            "Do you get money, clothes or a phone from someone, and does it feel like you owe them something?"
        ),
        _(
            "Presents are a common way to make someone feel they owe a favour. That is how it often starts."
        ),
    ),
    Question(
        "debt",
        "money_and_possessions",
        _("Does someone say you have a debt or a 'fine' that you have to work off?"),
        _(
            "A debt you have to work off is a way to control you. You do not have to pay it off by doing things for them."
        ),
        serious=True,
    ),
    Question(
        "bank",
        "money_and_possessions",
        _("Has someone asked for your bank card, your PIN, or a phone contract in your name?"),
        _(
            "Others may use your account for crime. Your bank can block your card; it is good to talk to someone about it."
        ),
        serious=True,
    ),
    Question(
        "phone",
        "phone_and_online",
        _(
            "Do you always have to answer your phone, or did someone give you an extra phone or SIM card?"
        ),
        _("Having to be reachable all the time is a way of keeping control over you."),
    ),
    Question(
        "errands",
        "movement",
        _(
            "Do you have to travel somewhere or drop something off, without knowing exactly what or why?"
        ),
        _(
            "Carrying or delivering things for others is one of the most common forms of exploitation."
        ),
    ),
    Question(
        "contacts",
        "relationships",
        _(
            "Do you have new, often older friends who decide what you do, and whom nobody may know about?"
        ),
        _("People who use young people often act like friends first and ask for secrecy."),
    ),
    Question(
        "missing",
        "school",
        _(
            "Do you often skip school or work, or are you away from home without anyone "
            "knowing where you are?"
        ),
        _("Being away a lot can be a sign that someone else decides where you go."),
    ),
    Question(
        "threats",
        "behaviour_and_health",
        _("Are you afraid of what happens to you or your family if you stop?"),
        _("Threats are never OK. If you are in danger right now, call 112."),
        serious=True,
    ),
    Question(
        "images",
        "phone_and_online",
        _(
            "Does someone threaten to share photos or messages of you if you don't do what they say?"
        ),
        _("That is blackmail, and it is a crime by the other person, not by you."),
        serious=True,
    ),
    Question(
        "feelings",
        "behaviour_and_health",
        _(
            "Do you often feel tense, tired or scared, and is there nobody you can talk to about it?"
        ),
        _("You do not have to carry this alone. Talking helps, and it can be anonymous."),
    ),
]


@dataclass(frozen=True)
class Advice:
    level: str  # "none", "some", "strong"
    score: int
    concerns: list[Question]
    serious: bool
    answered: int


def evaluate(answers: dict[str, str]) -> Advice:
    """Score yes as 2 and sometimes as 1. A serious item answered yes/sometimes means strong."""
    score = 0
    concerns: list[Question] = []
    serious = False
    answered = 0
    for question in QUESTIONS:
        answer = answers.get(question.key)
        if answer in (YES, SOMETIMES, NO):
            answered += 1
        if answer in (YES, SOMETIMES):
            score += 2 if answer == YES else 1
            concerns.append(question)
            serious = serious or question.serious
    if serious or score >= 4:
        level = "strong"
    elif score >= 1:
        level = "some"
    else:
        level = "none"
    return Advice(level=level, score=score, concerns=concerns, serious=serious, answered=answered)
