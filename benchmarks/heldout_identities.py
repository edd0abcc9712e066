"""An independent generator of noisy Dutch youth identities for held-out evaluation.

Why a second generator: `zicht.simulation.identities` was written together with the encoder
(half of its spelling noise comes from the encoder's own transliteration table), so
figures measured on it flatter the encoder. This module shares no name list, no noise
rule and no code with it or with `zicht.simulation`. It models what the issue names as
the hard cases:

* **families**: siblings share surname and address; about 3% of births are twins (same
  surname, date of birth and address, different given names) -- hard negatives;
* **official names vs call names**: one organisation records "Johannes Pieter", another
  "Jan"; nicknames (Sem/Semmy, Bas/Sebastiaan), transliterations (Mohamed/Mohammed,
  Yusuf/Joesoef, Hüseyin/Huseyin) -- these must still link;
* **date-of-birth errors**: a typo in one element, transposed digits, a day/month swap,
  and rarely two elements wrong (2009-04-13 for 2009-03-14);
* typing errors, dropped diacritics, dropped or merged particles, swapped given name and
  surname fields, dropped BSNs, missing middle names.

Names are drawn with Zipf-like weights, so common names collide between unrelated
children as they do in a real cohort. Nothing here is imported by runtime code.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

# --- name lists (own lists; order = rough frequency rank) ---------------------------

DUTCH_M = (
    "Noah Sem Liam Lucas Daan Finn Levi Luuk Mees James Milan Sam Noud Bram Jesse Adam "
    "Thijs Mason Benjamin Ruben Teun Lars Julian Gijs Hugo Jens Stijn Max Thomas Tim "
    "Sebastiaan Willem Johannes Alexander Daniël Nicolaas Maximiliaan Jan Pieter Kees "
    "Joris Floris Niels Wouter Rick Kevin Dylan Jayden Tygo Boaz Olivier Siem Morris"
).split()
DUTCH_F = (
    "Emma Julia Mila Tess Sophie Zoë Sara Nora Yara Eva Liv Lotte Evi Saar Noor Anna "
    "Lauren Fenna Sarah Olivia Fleur Lisa Demi Femke Iris Sanne Anouk Lieke Roos Isa "
    "Charlotte Elisabeth Catharina Johanna Maria Wilhelmina Jasmijn Floor Esmee Nina "
    "Amber Britt Romy Jade Lynn Vera Maud Hanna Ilse Merel Kiki Bo Puck"
).split()
DUTCH_SURNAMES = (
    "de Jong;Jansen;de Vries;van den Berg;van Dijk;Bakker;Janssen;Visser;Smit;Meijer;"
    "de Boer;Mulder;de Groot;Bos;Vos;Peters;Hendriks;van Leeuwen;Dekker;Brouwer;de Wit;"
    "Dijkstra;Smits;de Graaf;van der Meer;van der Linden;Kok;Jacobs;de Haan;Vermeulen;"
    "van den Heuvel;van der Veen;van den Broek;de Bruijn;de Bruin;van der Heijden;"
    "Schouten;van Beek;Willems;van Vliet;van de Ven;Hoekstra;Maas;Verhoeven;Koster;"
    "van Dam;van der Wal;Prins;Blom;Huisman;Peeters;de Lange;Kuipers;van Wijk;Post;"
    "Kuijpers;Veenstra;Kramer;van den Brink;Scholten;van Wijngaarden;Timmermans;"
    "Groen;Sanders;van Loon;Gerritsen;IJzerman;Hofman;Wouters;Bosman;Terpstra"
).split(";")
# Patronymic and toponymic surnames make up most of the long tail of Dutch surnames:
# composed here so the cohort holds hundreds of surnames, not dozens.
_PATRONYM_BASES = (
    "Jan Pieter Hendrik Gerrit Willem Klaas Cornelis Dirk Jacob Harm Evert Thijs Wouter "
    "Lambert Geert Albert Roel Teun Marten Wiebe Sjoerd Douwe Jelle Tjeerd Hessel Sietse "
    "Ruurd Auke Bauke Frans Gijs Joost Maarten Reinder Stoffel Wessel Ids Folkert"
).split()
_PATRONYM_SUFFIXES = ("sen", "se", "s", "ssen", "ma", "stra", "inga", "ens")
_PLACES = (
    "Dijk Dam Beek Berg Veen Wijk Loon Vliet Houten Leeuwen Rijn Essen Gils Hulst Zanten "
    "Oosten Asselt Boxtel Dongen Ommen Raalte Delden Laar Heerde Doorn Tongeren Hoorn "
    "Zwieten Assen Buren Erp Gorkum Helden Kessel Lith Maren Nes Putten Rossum Tiel"
).split()
DUTCH_SURNAMES = (
    tuple(DUTCH_SURNAMES)
    + tuple(f"{b}{suf}" for b in _PATRONYM_BASES for suf in _PATRONYM_SUFFIXES)
    + tuple(f"van {p}" for p in _PLACES)
    + tuple(f"van der {p}" for p in _PLACES[::3])
)
DUTCH_M = (
    DUTCH_M
    + (
        "Aiden Ayden Boris Cas Dex Dirk Douwe Ezra Fedde Gerrit Guus Hidde Jace Jelle Jip "
        "Job Joep Jurre Kai Koen Lev Loek Lenn Mats Mick Nick Olaf Otis Pepijn Quinn Rens "
        "Rover Ryan Sepp Sil Stan Sven Tijn Valentijn Vince Wessel Xavi Yannick Zef"
    ).split()
)
DUTCH_F = (
    DUTCH_F
    + (
        "Ada Amy Anne Bente Cato Dewi Elin Elise Emily Esther Feline Fay Floortje Gwen "
        "Hailey Indy Isabella Jet Jill Julie Kato Lara Lieve Linde Livia Loïs Luna Lynn "
        "Madelief Marit Mirthe Myrthe Naomi Nova Olivia Pien Renske Rosalie Sofie Suze "
        "Tessa Valerie Veerle Vera Wende Yfke Zara"
    ).split()
)

MAGHREB_M = (
    "Mohamed Adam Ayoub Ilias Amir Yassin Bilal Rayan Zakaria Hamza Anas Yusuf Imran "
    "Soufyan Ismail Othmane Nassim Reda Walid Younes Mehdi Tarik Badr Hicham"
).split()
MAGHREB_F = (
    "Aya Sara Nour Malak Yasmina Hiba Ines Salma Lina Douae Rania Ikram Imane Aicha "
    "Hafsa Kawtar Meryem Chaimae Oumaima Selma Amal Nisrine Houda Zainab"
).split()
MAGHREB_SURNAMES = (
    "El Idrissi;Bouali;El Harchaoui;Azaouagh;Ouahabi;Boulaich;El Fassi;Taouil;"
    "Aarab;Bentaleb;El Kaddouri;Moussaoui;Chakir;Zaari;El Morabit;Haddouti;"
    "Benhaddou;Ouazzani;El Bakkali;Akhiat;Belkadi;Amezian;Tahri;Bouchikhi"
).split(";")
TURKISH_M = (
    "Yusuf Emir Ömer Eymen Mustafa Mehmet Ali Kerem Miraç Hüseyin Ahmet Berat Emre "
    "Burak Çağan Alperen Ismail Arda Efe Kaan"
).split()
TURKISH_F = (
    "Zeynep Elif Eylül Defne Azra Ecrin Nehir Asya Ayşe Beren Hira Meryem Zehra "
    "Büşra Esila Melek Nisa Ceren Duru İpek"
).split()
TURKISH_SURNAMES = (
    "Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Çetin Kaya Demir Şahin Koç "
    "Kurt Özcan Çakır Erdem Güler Ateş Aksoy Bozkurt Karaca Tunç Uysal Yavuz"
).split()
POLISH_M = "Jakub Antoni Szymon Filip Kacper Mikołaj Wojciech Aleksander Bartosz".split()
POLISH_F = "Zuzanna Julia Zofia Hanna Maja Wiktoria Katarzyna Oliwia Natalia".split()
POLISH_SURNAMES = (
    "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
    "Szymański Woźniak Dąbrowski Kozłowski"
).split()
EAST_AFRICAN_M = "Yonas Filmon Dawit Robel Semere Biniam Amanuel Tesfay Abel".split()
EAST_AFRICAN_F = "Semhar Helen Luwam Saba Selam Ruta Feven Hiwet Eden".split()
EAST_AFRICAN_SURNAMES = (
    "Tesfamariam Ghebremedhin Haile Kidane Tekle Berhane Woldu Habtom Gebreyesus Mehari"
).split()
SYRIAN_M = "Ahmad Omar Khaled Abdullah Hussein Mahmoud Rami Fadi Yousef".split()
SYRIAN_F = "Rahaf Lara Shahd Rama Ghazal Dima Lujain Maya Bushra".split()
SYRIAN_SURNAMES = "Al-Hassan;Khalil;Al-Ahmad;Haddad;Al-Khatib;Darwish;Sabbagh;Al-Masri".split(";")

#: (share of families, male given, female given, surnames)
ORIGINS = (
    (0.62, DUTCH_M, DUTCH_F, DUTCH_SURNAMES),
    (0.12, MAGHREB_M, MAGHREB_F, MAGHREB_SURNAMES),
    (0.10, TURKISH_M, TURKISH_F, TURKISH_SURNAMES),
    (0.06, POLISH_M, POLISH_F, POLISH_SURNAMES),
    (0.05, SYRIAN_M, SYRIAN_F, SYRIAN_SURNAMES),
    (0.05, EAST_AFRICAN_M, EAST_AFRICAN_F, EAST_AFRICAN_SURNAMES),
)

#: Groups of given names that are the *same* name written differently: nicknames,
#: call names, transliterations. A duplicate record may use any member of its group.
SAME_NAME_GROUPS = (
    ("Mohamed", "Mohammed", "Mohamad", "Muhammad", "Mohammad"),
    ("Yusuf", "Youssef", "Joesoef", "Yousef"),
    ("Sem", "Semmy"),
    ("Johannes", "Jan", "Hans"),
    ("Sebastiaan", "Bas"),
    ("Willem", "Wim", "Pim"),
    ("Thomas", "Tom", "Thom"),
    ("Maximiliaan", "Max"),
    ("Alexander", "Alex", "Sander"),
    ("Nicolaas", "Klaas", "Nico"),
    ("Daniël", "Daniel", "Danny"),
    ("Charlotte", "Lotte"),
    ("Elisabeth", "Elise", "Liesbeth"),
    ("Catharina", "Cato", "Karin"),
    ("Johanna", "Jo", "Hanneke"),
    ("Wilhelmina", "Mien", "Willemijn"),
    ("Maria", "Marie", "Mariam"),
    ("Hüseyin", "Huseyin", "Hussein", "Hoessein"),
    ("Aicha", "Aisha", "Aïcha", "Ayşe"),
    ("Meryem", "Maryam", "Meriem"),
    ("Ilias", "Ilyas", "Elias"),
    ("Yassin", "Yassine", "Yasin"),
    ("Soufyan", "Soufiane", "Sofian"),
    ("Othmane", "Othman", "Osman"),
    ("Zakaria", "Zakariya", "Zakariae"),
    ("Ismail", "Ismaël", "Smail"),
    ("Ahmad", "Ahmed", "Ahmet"),
    ("Hamza", "Hamsa"),
    ("Kacper", "Casper", "Kasper"),
    ("Wiktoria", "Victoria", "Viktoria"),
    ("Katarzyna", "Kasia", "Katharina"),
    ("Mikołaj", "Mikolaj", "Nicholas"),
    ("Aleksander", "Olek", "Alexander"),
    ("Yonas", "Jonas", "Yohannes"),
    ("Semhar", "Semher"),
    ("Zainab", "Zeinab", "Zaynab"),
    ("Ömer", "Omer", "Omar"),
)
VARIANT_OF: dict[str, tuple[str, ...]] = {
    name: tuple(n for n in group if n != name) for group in SAME_NAME_GROUPS for name in group
}

PLACES = "Amsterdam Rotterdam Utrecht Den Haag Eindhoven Tilburg Almere Breda Zwolle".split()


@dataclass(frozen=True, slots=True)
class Person:
    """One real child: the truth a record refers to."""

    person_id: int
    family_id: int
    given_names: str
    surname: str
    date_of_birth: dt.date
    sex: str
    bsn: str
    address: str
    twin_of: int | None


@dataclass(frozen=True, slots=True)
class Record:
    """One organisation's registration of a person (possibly noisy)."""

    record_id: str
    person_id: int
    family_id: int
    organisation: int
    given_names: str
    surname: str
    date_of_birth: dt.date
    sex: str
    bsn: str
    municipality: str
    #: Names of the noise operations applied (for error analysis only).
    noise: tuple[str, ...]


def _zipf_choice(rng: random.Random, items, s: float = 0.9):
    weights = [1.0 / (rank + 1) ** s for rank in range(len(items))]
    return rng.choices(items, weights=weights, k=1)[0]


def _bsn(rng: random.Random, taken: set[str]) -> str:
    """A random 9-digit number passing the eleven-test, unique in ``taken``."""
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        if digits[0] == 0 and digits[1] == 0:
            continue
        check = sum(d * (9 - i) for i, d in enumerate(digits)) % 11
        if check == 10:
            continue
        s = "".join(map(str, digits)) + str(check)
        if s not in taken:
            taken.add(s)
            return s


def _given_names(rng: random.Random, first: str, pool) -> str:
    """Official given names: the first (call) name plus, for a third, one or two more."""
    names = [first]
    extra = rng.random()
    if extra < 0.25:
        names.append(_zipf_choice(rng, pool))
    elif extra < 0.33:
        names += [_zipf_choice(rng, pool), _zipf_choice(rng, pool)]
    return " ".join(dict.fromkeys(names))


def make_people(n_families: int, seed: int) -> list[Person]:
    """Families of 1-4 children born 2006-2015; about 3% of births are twins."""
    rng = random.Random(seed)
    taken: set[str] = set()
    people: list[Person] = []
    for fam in range(n_families):
        _, males, females, surnames = rng.choices(ORIGINS, weights=[o[0] for o in ORIGINS])[0]
        surname = _zipf_choice(rng, surnames, 0.5)
        address = f"{rng.choice(PLACES)} {rng.randrange(1, 400)}"
        n_births = rng.choices((1, 2, 3, 4), weights=(35, 40, 18, 7))[0]
        used_first: set[str] = set()
        year = rng.randrange(2006, 2016)
        for _ in range(n_births):
            dob = dt.date(year, rng.randrange(1, 13), rng.randrange(1, 29))
            n_children = 2 if rng.random() < 0.03 else 1
            first_id = len(people)
            for c in range(n_children):
                sex = rng.choice("MF")
                pool = males if sex == "M" else females
                first = _zipf_choice(rng, pool, 0.4)
                while first in used_first or any(
                    first in VARIANT_OF.get(u, ()) for u in used_first
                ):
                    first = rng.choice(pool)
                used_first.add(first)
                people.append(
                    Person(
                        person_id=len(people),
                        family_id=fam,
                        given_names=_given_names(rng, first, pool),
                        surname=surname,
                        date_of_birth=dob,
                        sex=sex,
                        bsn=_bsn(rng, taken) if rng.random() < 0.7 else "",
                        address=address,
                        twin_of=(
                            first_id if c == 1 else (first_id + 1 if n_children == 2 else None)
                        ),
                    )
                )
            year += rng.choice((1, 2, 2, 3))
            if year > 2015:
                break
    return people


# --- noise ---------------------------------------------------------------------------

_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.randrange(4)
    if op == 0:  # substitution
        return s[:i] + rng.choice(_KEYBOARD) + s[i + 1 :]
    if op == 1:  # deletion
        return s[:i] + s[i + 1 :]
    if op == 2:  # insertion
        return s[:i] + rng.choice(_KEYBOARD) + s[i:]
    return s[: i - 1] + s[i] + s[i - 1] + s[i + 1 :]  # adjacent transposition


def _ascii(s: str) -> str:
    s = s.replace("ı", "i").replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _dob_noise(rng: random.Random, dob: dt.date) -> tuple[dt.date, str]:
    """One date-of-birth error, always giving a valid different date (or the original)."""
    y, m, d = dob.year, dob.month, dob.day
    for _ in range(20):
        kind = rng.choices(
            ("swap", "day-typo", "month-typo", "year-typo", "transpose", "two-parts"),
            weights=(30, 25, 12, 10, 15, 8),
        )[0]
        if kind == "swap":
            new = _valid(y, d, m)
        elif kind == "day-typo":
            new = _valid(y, m, d + rng.choice((-2, -1, 1, 1, 2, 10, -10)))
        elif kind == "month-typo":
            new = _valid(y, m + rng.choice((-1, 1)), d)
        elif kind == "year-typo":
            new = _valid(y + rng.choice((-1, 1)), m, d)
        elif kind == "transpose":  # the two digits of the day or of the month swapped
            if rng.random() < 0.7:
                new = _valid(y, m, int(f"{d:02d}"[::-1]))
            else:
                new = _valid(y, int(f"{m:02d}"[::-1]), d)
        else:  # day and month each one off (2009-04-13 for 2009-03-14)
            new = _valid(y, m + rng.choice((-1, 1)), d + rng.choice((-1, 1)))
        if new is not None and new != dob:
            return new, f"dob-{kind}"
    return dob, "dob-none"


def _drop_particle(surname: str) -> str:
    parts = surname.replace("-", " ").split()
    particles = {"de", "van", "der", "den", "el", "al", "ter", "te"}
    core = [p for p in parts if p.lower() not in particles]
    return " ".join(core) if core else surname


def _merge_particle(surname: str) -> str:
    parts = surname.split()
    return "".join(parts[:2]) + (" " + " ".join(parts[2:]) if len(parts) > 2 else "")


def noisy_copy(rng: random.Random, p: Person) -> tuple[str, str, dt.date, str, str, list[str]]:
    """A second registration of ``p`` with one to three errors or variants."""
    given, surname, dob, sex, bsn = p.given_names, p.surname, p.date_of_birth, p.sex, p.bsn
    applied: list[str] = []
    ops = rng.choices(
        (
            "given-variant", "given-typo", "surname-typo", "middle-names", "ascii",
            "particle", "fields-swapped", "dob", "sex", "case",
        ),
        weights=(18, 14, 14, 12, 8, 8, 4, 16, 3, 3),
        k=rng.choices((1, 2, 3), weights=(50, 35, 15))[0],
    )  # fmt: skip
    for op in dict.fromkeys(ops):
        first, *rest = given.split()
        if op == "given-variant" and first in VARIANT_OF:
            given = " ".join([rng.choice(VARIANT_OF[first]), *rest])
        elif op == "given-typo":
            given = " ".join([_typo(rng, first), *rest])
        elif op == "surname-typo":
            surname = _typo(rng, surname)
        elif op == "middle-names":
            given = first if rest else f"{first} {rng.choice(DUTCH_M + DUTCH_F)}"
        elif op == "ascii":
            given, surname = _ascii(given), _ascii(surname)
        elif op == "particle" and " " in surname:
            surname = _drop_particle(surname) if rng.random() < 0.6 else _merge_particle(surname)
        elif op == "fields-swapped":
            given, surname = surname, first
        elif op == "dob":
            dob, kind = _dob_noise(rng, dob)
            op = kind
        elif op == "sex":
            sex = ""
        elif op == "case":
            given, surname = given.upper(), surname.upper()
        else:
            continue
        applied.append(op)
    if bsn and rng.random() < 0.6:
        bsn = ""
        applied.append("bsn-dropped")
    return given, surname, dob, sex, bsn, applied


def make_records(people: list[Person], seed: int, n_orgs: int = 10) -> list[Record]:
    """Every person registered once; 35% once more and 8% twice more, by other
    organisations, each copy with its own noise."""
    rng = random.Random(seed * 7919 + 1)
    records: list[Record] = []
    for p in people:
        orgs = rng.sample(range(n_orgs), 3)
        base_org = orgs[0]
        records.append(
            Record(
                f"r{len(records)}", p.person_id, p.family_id, base_org, p.given_names,
                p.surname, p.date_of_birth, p.sex, p.bsn, p.address.split()[0], (),
            )
        )  # fmt: skip
        u = rng.random()
        n_copies = 2 if u < 0.08 else (1 if u < 0.35 else 0)
        for c in range(n_copies):
            given, surname, dob, sex, bsn, noise = noisy_copy(rng, p)
            records.append(
                Record(
                    f"r{len(records)}", p.person_id, p.family_id, orgs[1 + c], given,
                    surname, dob, sex, bsn, p.address.split()[0], tuple(noise),
                )
            )  # fmt: skip
    rng.shuffle(records)
    return records


def true_pairs(records: list[Record]) -> set[tuple[str, str]]:
    by_person: dict[int, list[str]] = {}
    for r in records:
        by_person.setdefault(r.person_id, []).append(r.record_id)
    out: set[tuple[str, str]] = set()
    for ids in by_person.values():
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                out.add(pair(ids[i], ids[j]))
    return out


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def population(n_families: int, seed: int) -> list[Record]:
    return make_records(make_people(n_families, seed), seed)
