"""The individual assessment of protection needs: which measures the answers propose.

The rules follow the Individuele Beoordeling of the Dutch police and OM
(DOMAIN.md): vulnerability and the risk of intimidation, retaliation and repeat
victimisation lead to protective measures. They only *propose*: the coordinator
accepts, rejects or adds measures.
"""

from __future__ import annotations

from zicht.coordination.constants import MeasureKind, Question

__all__ = ["propose_measures", "proposal_reasons", "RULES"]

Q = Question
M = MeasureKind

# (measure, proposed when any of these answers is yes, but never when any of these is yes)
RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (M.SHIELD_DATA, (Q.INTIMIDATION, Q.RETALIATION, Q.THREATS_FAMILY), ()),
    # Reporting under a number is useless when the offender knows the victim.
    (M.REPORT_UNDER_NUMBER, (Q.INTIMIDATION, Q.RETALIATION), (Q.OFFENDER_KNOWS_VICTIM,)),
    (M.ANONYMOUS_REPORT, (Q.THREATS_FAMILY,), (Q.OFFENDER_KNOWS_VICTIM,)),
    (M.DOMICILE_ADDRESS, (Q.RETALIATION, Q.THREATS_FAMILY), ()),
    (M.INTERPRETER, (Q.NEEDS_INTERPRETER,), ()),
    (
        M.LEGAL_ASSISTANCE,
        (Q.MINOR, Q.MILD_INTELLECTUAL_DISABILITY, Q.DEBTS, Q.REPEAT_OFFENDING),
        (),
    ),
    (M.CONTACT_BAN, (Q.INTIMIDATION, Q.DEPENDENCY, Q.REPEAT_VICTIMISATION), ()),
    (M.AREA_BAN, (Q.REPEAT_VICTIMISATION, Q.REPEAT_OFFENDING), ()),
    (M.SHELTER, (Q.DEPENDENCY, Q.THREATS_FAMILY, Q.RETALIATION), ()),
    (M.GUARDIAN, (Q.NO_PARENTAL_PROTECTION,), ()),
)


def propose_measures(answers: dict[str, bool]) -> list[str]:
    """Measures proposed by the answers, in the order of the palette.

    A guardian is proposed for minors only.
    """
    yes = {code for code, value in answers.items() if value}
    proposed = []
    for measure, when, unless in RULES:
        if yes & set(when) and not yes & set(unless):
            if measure == M.GUARDIAN and Q.MINOR not in yes:
                continue
            proposed.append(str(measure))
    return proposed


def proposal_reasons(answers: dict[str, bool]) -> dict[str, list[str]]:
    """For each measure the answers propose, the questions answered yes that led to it.

    The coordinator decides on a proposal, so the file page says why it was made: the
    same rules as ``propose_measures``, read back as the triggering question codes (for
    a guardian also "minor", which the rule requires).
    """
    yes = {code for code, value in answers.items() if value}
    reasons: dict[str, list[str]] = {}
    for measure in propose_measures(answers):
        when = next(w for m, w, _unless in RULES if m == measure)
        codes = [str(q) for q in when if q in yes]
        if measure == M.GUARDIAN:
            codes.append(str(Q.MINOR))
        reasons[measure] = codes
    return reasons
