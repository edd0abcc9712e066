"""Case codes and passphrases survive the ways people write them down."""

from hypothesis import given
from hypothesis import strategies as st

from zicht.help import codes
from zicht.help.pow import leading_zero_bits


def test_codes_use_the_unambiguous_alphabet_and_passphrases_five_listed_words():
    for _ in range(50):
        code = codes.new_case_code()
        assert len(code) == 8 and set(code) <= set(codes.CODE_ALPHABET)
        assert not set(code) & set("01ILO")
        words = codes.new_passphrase().split()
        assert len(words) == 5 and set(words) <= set(codes.wordlist())
    assert len(codes.wordlist()) >= 256


@given(
    code=st.text(alphabet=codes.CODE_ALPHABET, min_size=8, max_size=8),
    separator=st.sampled_from(["", "-", " ", " - ", "."]),
    lower=st.booleans(),
)
def test_case_code_normalisation(code, separator, lower):
    written = code[:4] + separator + code[4:]
    assert codes.normalise_case_code(written.lower() if lower else written) == code


@given(
    words=st.lists(st.sampled_from(codes.wordlist()), min_size=5, max_size=5),
    separator=st.sampled_from([" ", "  ", "-", ", ", " / ", "\n"]),
    upper=st.booleans(),
)
def test_passphrase_normalisation(words, separator, upper):
    written = f" {separator.join(words)} "
    assert codes.normalise_passphrase(written.upper() if upper else written) == " ".join(words)


def test_leading_zero_bits():
    assert leading_zero_bits(bytes([0, 0, 0x80])) == 16
    assert leading_zero_bits(bytes([0, 0x0F])) == 12
    assert leading_zero_bits(bytes([0xFF])) == 0
