"""Linkage populations: the simulation's names and noise model, with a known truth."""

from zicht.pprl.encoding import Identity as EncoderIdentity
from zicht.pprl.encoding import valid_bsn
from zicht.simulation import Identity
from zicht.simulation.identities import make_population, true_pairs


def test_one_identity_type_for_simulation_and_encoder():
    assert Identity is EncoderIdentity


def test_population_has_noisy_copies_and_a_known_truth():
    recs = make_population(2000, dup_rate=0.3, seed=5)
    by_entity = {}
    for r in recs:
        by_entity.setdefault(r.entity_id, []).append(r.identity)
    assert len(by_entity) == 2000
    # About 30% of people have copies; every copy differs in a name or the birth date.
    with_copies = [ids for ids in by_entity.values() if len(ids) > 1]
    assert 450 < len(with_copies) < 750
    for base, *copies in with_copies:
        for c in copies:
            assert (c.given_names, c.surname, c.date_of_birth) != (
                base.given_names,
                base.surname,
                base.date_of_birth,
            )
    assert len(true_pairs(recs)) >= len(with_copies)
    bsns = [i.bsn for ids in by_entity.values() for i in ids[:1] if i.bsn]
    assert all(valid_bsn(b) for b in bsns) and len(set(bsns)) == len(bsns)


def test_population_is_reproducible_and_offsets_keep_people_apart():
    a = make_population(300, seed=1)
    assert [r.identity for r in a] == [r.identity for r in make_population(300, seed=1)]
    b = make_population(300, seed=1, entity_offset=300)
    assert not {r.entity_id for r in a} & {r.entity_id for r in b}
    assert not {r.identity.bsn for r in a if r.identity.bsn} & {
        r.identity.bsn for r in b if r.identity.bsn
    }
