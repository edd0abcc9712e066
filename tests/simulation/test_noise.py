import random
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from zicht.simulation import NOISE_KINDS, NoiseParams
from zicht.simulation.names import (
    NAME_LISTS,
    spelling_variants,
    split_particles,
    strip_diacritics,
)
from zicht.simulation.noise import Identity, register, typo

TRUE = Identity("Mohamed Amine", "van der Meer", date(2008, 3, 7), "M", "123456782")
NONE = NoiseParams(
    typo=0,
    variant=0,
    swap_names=0,
    drop_particle=0,
    first_given_only=0,
    dob_swap=0,
    dob_error=0,
    sex_unknown=0,
    bsn_missing=dict.fromkeys(NoiseParams().bsn_missing, 0.0),
)
ALL = NoiseParams(
    typo=1,
    variant=1,
    swap_names=1,
    drop_particle=1,
    first_given_only=1,
    dob_swap=1,
    dob_error=0,
    sex_unknown=1,
    bsn_missing=dict.fromkeys(NoiseParams().bsn_missing, 1.0),
)


def _is_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i].lower() == b[j].lower()
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@given(
    name=st.sampled_from([n for lists in NAME_LISTS.values() for n in lists[0] + lists[2]]),
    seed=st.integers(0, 10**6),
)
def test_typo_is_one_edit(name, seed):
    out = typo(name, random.Random(seed))
    assert out != name
    assert _is_one_edit(name, out), (name, out)


def test_no_noise_keeps_identity():
    rng = random.Random(1)
    for _ in range(50):
        ident, kinds = register(TRUE, NONE, 0.0, rng)
        assert ident == TRUE and kinds == ()


def test_all_noise_applies_every_eligible_kind():
    ident, kinds = register(TRUE, ALL, 1.0, random.Random(2))
    assert set(kinds) == set(NOISE_KINDS) - {"dob_error"}
    assert list(kinds) == [k for k in NOISE_KINDS if k in kinds]
    assert ident.bsn == "" and ident.sex == "X"
    assert ident.date_of_birth == date(2008, 7, 3)
    # names swapped: the surname field now holds a given name
    assert "Meer" not in ident.surname


def test_dob_swap_only_when_possible():
    for d in (date(2008, 3, 3), date(2008, 3, 25)):
        ident, kinds = register(Identity("Sem", "Bakker", d, "M", ""), ALL, 0.0, random.Random(3))
        assert "dob_swap" not in kinds and ident.date_of_birth == d


def test_name_helpers():
    assert split_particles("van der Meer") == ("van der", "Meer")
    assert split_particles("in 't Veld") == ("in 't", "Veld")
    assert split_particles("El Amrani") == ("El", "Amrani")
    assert split_particles("Bakker") == ("", "Bakker")
    assert strip_diacritics("Öztürk") == "Ozturk"
    assert strip_diacritics("Yılmaz") == "Yilmaz"
    assert strip_diacritics("Şahin") == "Sahin"
    assert "Mohamed" in spelling_variants("Mohammed")
    assert "Yusuf" in spelling_variants("Youssef")
    assert "Mohammed" not in spelling_variants("Mohammed")
    assert spelling_variants("Daniël") == ("Daniel",)
    assert "Sukhu" in spelling_variants("Soekhoe")


def test_name_lists_are_clean():
    for origin, (male, female, surnames) in NAME_LISTS.items():
        for lst in (male, female, surnames):
            assert len(lst) >= 15, origin
            assert all(n == n.strip() and n for n in lst)
