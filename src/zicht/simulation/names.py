"""Name lists used to build synthetic identities, and known alternate spellings.

Dutch given names come from Faker's ``nl_NL`` person provider. Dutch surnames are a list of
common Dutch family names (Faker's ``nl_NL`` surname list is mostly historical). The lists
of Moroccan, Turkish, Surinamese and Antillean/Caribbean names are small hand-made lists of
names common among young people in the large Dutch cities. Which list a person's name is
drawn from is an illustrative mix per municipality, used only to give the linkage realistic
name variety; it has no effect on exploitation or detection in the model.
"""

from __future__ import annotations

import unicodedata

from faker.providers.person.nl_NL import Provider as _NlProvider

#: Name origins (the list a name was drawn from).
ORIGINS: tuple[str, ...] = ("dutch", "moroccan", "turkish", "surinamese", "caribbean")

DUTCH_MALE: tuple[str, ...] = tuple(_NlProvider.first_names_male)
DUTCH_FEMALE: tuple[str, ...] = tuple(_NlProvider.first_names_female)

DUTCH_SURNAMES: tuple[str, ...] = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin",
    "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven",
    "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom",
    "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra",
    "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink",
    "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon", "Boer",
    "van der Velde", "Willemsen", "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen",
    "Schipper", "de Koning", "van der Laan", "Koning", "van der Velden", "Driessen",
    "van Doorn", "Hermans", "Evers", "van den Bosch", "van der Meulen", "Hofman", "Bosman",
    "Wolters", "Sanders", "van der Horst", "Mol", "Kuijpers", "Molenaar", "van de Pol",
    "de Leeuw", "Verbeek", "Zwart", "Dijkman", "Brinkman", "Wouters", "Kroon", "ter Horst",
    "van 't Hof", "in 't Veld", "Aarts", "Biesheuvel", "Hoogendoorn", "Oosterhuis",
)  # fmt: skip

MOROCCAN_MALE: tuple[str, ...] = (
    "Mohamed", "Mohammed", "Youssef", "Ayoub", "Bilal", "Hamza", "Adam", "Anas", "Ilias",
    "Zakaria", "Soufiane", "Amine", "Mehdi", "Nordin", "Othman", "Rayan", "Yassine", "Karim",
    "Said", "Achraf", "Ismail", "Hicham", "Redouan", "Mustafa", "Khalid", "Omar", "Walid",
    "Younes", "Ibrahim", "Abdelkader", "Nabil", "Marouane",
)  # fmt: skip
MOROCCAN_FEMALE: tuple[str, ...] = (
    "Fatima", "Nora", "Salma", "Yasmina", "Sara", "Imane", "Hafsa", "Ikram", "Malak", "Aya",
    "Khadija", "Meryem", "Soukaina", "Hanane", "Samira", "Najat", "Loubna", "Siham", "Dounia",
    "Nadia", "Chaima", "Oumaima", "Hiba", "Ilham",
)  # fmt: skip
MOROCCAN_SURNAMES: tuple[str, ...] = (
    "El Amrani", "Benali", "Bouzid", "El Idrissi", "Ait Taleb", "Boukhari", "El Khatib",
    "Azzouzi", "Bakkali", "Chaouch", "El Hamdaoui", "Ouali", "Tahiri", "Ziani", "Achahbar",
    "Bouhali", "El Ouardi", "Haddouchi", "Amrani", "Moussaoui", "Laaroussi", "Essafi",
    "El Bouazzaoui", "Benhaddou", "Kaddouri", "El Mahdaoui", "Zouhair", "Aouragh",
    "Boulahrouz", "El Yousfi", "Ben Ali", "Abdellaoui",
)  # fmt: skip

TURKISH_MALE: tuple[str, ...] = (
    "Mehmet", "Ahmet", "Mustafa", "Emre", "Burak", "Yusuf", "Enes", "Furkan", "Kerem", "Mert",
    "Can", "Emir", "Berkay", "Hakan", "Serkan", "Ömer", "Oğuz", "Kaan", "Baran", "Eren",
    "Ali", "Hüseyin", "İbrahim", "Murat",
)  # fmt: skip
TURKISH_FEMALE: tuple[str, ...] = (
    "Elif", "Zeynep", "Esra", "Büşra", "Merve", "Ayşe", "Fatma", "Selin", "Ebru", "Derya",
    "Melike", "Sevgi", "Hatice", "Kübra", "Duygu", "Gizem", "Meryem", "Irem",
)  # fmt: skip
TURKISH_SURNAMES: tuple[str, ...] = (
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
    "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan",
    "Şimşek", "Polat", "Erdoğan", "Güneş", "Aksoy", "Bulut", "Kaplan",
)  # fmt: skip

SURINAMESE_MALE: tuple[str, ...] = (
    "Jermaine", "Romano", "Dwayne", "Rishi", "Ravi", "Anand", "Sunil", "Rajesh", "Dennis",
    "Marciano", "Gianni", "Roy", "Virgil", "Jurgen", "Shaquille", "Giovanni", "Jaïro",
    "Kenneth", "Ricardo", "Mitchell", "Xavier", "Darryl", "Naresh", "Sandeep",
)  # fmt: skip
SURINAMESE_FEMALE: tuple[str, ...] = (
    "Shanti", "Priya", "Anjali", "Sharon", "Chantal", "Naomi", "Kimberley", "Shirley",
    "Melissa", "Gracia", "Roshni", "Sunita", "Jennifer", "Rachelle", "Demi", "Shanaya",
    "Latoya", "Sabrina",
)  # fmt: skip
SURINAMESE_SURNAMES: tuple[str, ...] = (
    "Ramdin", "Sewgobind", "Jagesar", "Ramautar", "Kalloe", "Mahabier", "Biharie",
    "Sardjoe", "Doekhie", "Soekhoe", "Pinas", "Amafo", "Kromodikoro", "Soeradi",
    "Karijodrono", "Wongsodikromo", "Vanenburg", "Lieveld", "Hoost", "Doelwijt", "Brunings",
    "Tjon A Fong", "Zeefuik", "Wijngaarde", "Kasanmoentalib", "Emanuelson", "Landveld",
    "Sabajo", "Kensenhuis", "Vrede", "Bhoelai", "Ramsaran",
)  # fmt: skip

CARIBBEAN_MALE: tuple[str, ...] = (
    "Jeffrey", "Raymond", "Rigino", "Shurandy", "Giandro", "Jurien", "Churandy", "Dyron",
    "Kenrick", "Quincy", "Sherwin", "Rudsel", "Gerwin", "Jeandro", "Ryangelo", "Jurick",
    "Giomar", "Shemar",
)  # fmt: skip
CARIBBEAN_FEMALE: tuple[str, ...] = (
    "Sherida", "Giselle", "Roxanne", "Shanaya", "Gianira", "Cheryl", "Kimberly", "Nathaly",
    "Xiomara", "Rosalba", "Mayra", "Jomaira", "Sharlene", "Yesenia", "Raysha", "Jurleska",
)  # fmt: skip
CARIBBEAN_SURNAMES: tuple[str, ...] = (
    "Martina", "Isenia", "Winklaar", "Sulvaran", "Felida", "Rosalia", "Cijntje", "Statia",
    "Coffie", "Victorina", "Ignacio", "Leito", "Eustatia", "Koeiman", "Doran", "Croes",
    "Tromp", "Girigorie", "Zimmerman", "Anthonia", "Sint Jago", "Mercera",
)  # fmt: skip

#: Dutch surnames for national-scale populations (the identity sets of the linkage
#: benchmarks): the common ones above plus Faker's ``nl_NL`` list, which is mostly
#: historical but gives the long tail of rare surnames a country has.
DUTCH_SURNAMES_NATIONAL: tuple[str, ...] = DUTCH_SURNAMES + tuple(
    s for s in _NlProvider.last_names if "," not in s and len(s.split()) <= 2
)

#: Per origin: (male given names, female given names, surnames).
NAME_LISTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "dutch": (DUTCH_MALE, DUTCH_FEMALE, DUTCH_SURNAMES),
    "moroccan": (MOROCCAN_MALE, MOROCCAN_FEMALE, MOROCCAN_SURNAMES),
    "turkish": (TURKISH_MALE, TURKISH_FEMALE, TURKISH_SURNAMES),
    "surinamese": (SURINAMESE_MALE, SURINAMESE_FEMALE, SURINAMESE_SURNAMES),
    "caribbean": (CARIBBEAN_MALE, CARIBBEAN_FEMALE, CARIBBEAN_SURNAMES),
}

#: Illustrative mix of name origins (weights in ORIGINS order) per municipality code.
ORIGIN_MIX: dict[str, tuple[float, ...]] = {
    "GM0363": (0.50, 0.20, 0.10, 0.12, 0.08),  # Amsterdam
    "GM0599": (0.50, 0.15, 0.13, 0.12, 0.10),  # Rotterdam
    "GM0518": (0.50, 0.15, 0.13, 0.14, 0.08),  # Den Haag
    "GM0344": (0.62, 0.20, 0.10, 0.05, 0.03),  # Utrecht
    "GM0606": (0.58, 0.13, 0.12, 0.07, 0.10),  # Schiedam
    "GM0479": (0.62, 0.10, 0.15, 0.08, 0.05),  # Zaanstad
    "GM0995": (0.62, 0.07, 0.05, 0.14, 0.12),  # Lelystad
    "GM0356": (0.72, 0.14, 0.07, 0.04, 0.03),  # Nieuwegein
}
DEFAULT_ORIGIN_MIX: tuple[float, ...] = (0.78, 0.09, 0.06, 0.04, 0.03)

#: Groups of alternate spellings of the same name (as they turn up in registrations).
VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Mohammed", "Mohamed", "Muhammad", "Mohamad", "Mohammad"),
    ("Youssef", "Yusuf", "Youssouf", "Yousef", "Joessef"),
    ("Ahmed", "Ahmet", "Achmed", "Ahmad"),
    ("Mustafa", "Mustapha", "Moestafa", "Mostafa"),
    ("Ilias", "Ilyas", "Elias"),
    ("Ismail", "Ismaïl", "Esmail"),
    ("Hamza", "Hamsa"),
    ("Soufiane", "Sofian", "Sufyan", "Soufyan"),
    ("Zakaria", "Zakariya", "Zakarya"),
    ("Yassine", "Yasin", "Yassin"),
    ("Ayoub", "Ayyub", "Eyüp"),
    ("Bilal", "Bilaal"),
    ("Rayan", "Rayane", "Ryan"),
    ("Omar", "Umar", "Ömer"),
    ("Redouan", "Redouane", "Ridouan"),
    ("Nordin", "Noureddine", "Nourdin"),
    ("Younes", "Yunus", "Jounes"),
    ("Ibrahim", "İbrahim", "Ebrahim"),
    ("Said", "Saïd", "Saeed"),
    ("Fatima", "Fatma", "Fadma"),
    ("Khadija", "Khadidja", "Hatice"),
    ("Meryem", "Maryam", "Meriam", "Mariam"),
    ("Imane", "Iman"),
    ("Yasmina", "Jasmina", "Yasmin"),
    ("Nora", "Noura"),
    ("Oumaima", "Umaima"),
    ("Chaima", "Shaima"),
    ("Mehmet", "Mehmed", "Memet"),
    ("Hüseyin", "Huseyin", "Hussein"),
    ("Jayden", "Jaydon", "Jaiden"),
    ("Daniël", "Daniel"),
    ("Joël", "Joel"),
    ("Noël", "Noel"),
    ("Jaïro", "Jairo"),
    ("Kimberley", "Kimberly"),
    ("Shanaya", "Shanaja", "Shania"),
    ("Shaquille", "Shaquill", "Sjaquille"),
    ("Jermaine", "Jermain"),
    ("Lucas", "Lukas"),
    ("Thijs", "Tijs"),
    ("Jesse", "Jessy"),
    ("Noah", "Noa"),
    ("El Amrani", "Elamrani", "Al Amrani"),
    ("Ait Taleb", "Aït Taleb", "Ait-Taleb"),
    ("El Idrissi", "Idrissi", "El Idrisi"),
    ("Ben Ali", "Benali"),
    ("Bouzid", "Bouzit"),
    ("El Yousfi", "Elyousfi", "El Youssfi"),
    ("Abdellaoui", "Abdelaoui"),
    ("Mahabier", "Mahabir"),
    ("Sardjoe", "Sarju"),
    ("Doekhie", "Dukhi"),
    ("Soekhoe", "Sukhu"),
    ("Kalloe", "Kallu"),
    ("Biharie", "Bihari"),
    ("Ramautar", "Ramavtar"),
    ("Tjon A Fong", "Tjon-A-Fong", "Tjon Afong"),
    ("Jansen", "Janssen"),
    ("de Bruijn", "de Bruin", "de Bruyn"),
    ("Kuijpers", "Kuypers"),
    ("Meijer", "Meyer"),
    ("Smits", "Smit"),
)

_VARIANTS: dict[str, tuple[str, ...]] = {}
for _group in VARIANT_GROUPS:
    for _name in _group:
        _VARIANTS[_name] = tuple(v for v in _group if v != _name)

#: Name particles (tussenvoegsels) that registrations often drop.
PARTICLES: frozenset[str] = frozenset(
    {"van", "de", "der", "den", "het", "te", "ten", "ter", "in", "'t", "op", "el", "al"}
)

_EXTRA_FOLD = str.maketrans({"ı": "i", "İ": "I", "ß": "ss", "ø": "o", "Ø": "O"})


def strip_diacritics(text: str) -> str:
    """``Öztürk`` -> ``Ozturk``, ``Yılmaz`` -> ``Yilmaz``, ``Daniël`` -> ``Daniel``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def spelling_variants(name: str) -> tuple[str, ...]:
    """Alternate spellings of a whole name (a given name or a surname), excluding itself.

    Known variants from :data:`VARIANT_GROUPS`, plus the name without diacritics.
    """
    out = list(_VARIANTS.get(name, ()))
    plain = strip_diacritics(name)
    if plain != name and plain not in out:
        out.append(plain)
    return tuple(out)


def split_particles(surname: str) -> tuple[str, str]:
    """Split ``van der Meer`` into (``van der``, ``Meer``); ``El Amrani`` -> (``El``, ``Amrani``)."""
    tokens = surname.split(" ")
    i = 0
    while i < len(tokens) - 1 and tokens[i].lower() in PARTICLES:
        i += 1
    return " ".join(tokens[:i]), " ".join(tokens[i:])
