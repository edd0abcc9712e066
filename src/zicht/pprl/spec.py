"""Constants of the zicht-pprl-1 encoding specification (see docs/linkage.md)."""

from __future__ import annotations

SPEC_VERSION = "zicht-pprl-1"

#: Bits in the base Bloom filter before balancing.
BASE_BLOOM_BITS = 256
#: Hash functions (independent HMAC calls) per bigram in the base filter.
BLOOM_HASHES = 6
#: Hash functions for the (swap-invariant) day/month element of the birth date.
DATE_HASHES = 32
#: Bits in the published (balanced, permuted) filter: base + complement.
BLOOM_BITS = 2 * BASE_BLOOM_BITS
BLOOM_BYTES = BLOOM_BITS // 8
BLOOM_WORDS = BLOOM_BITS // 64

#: Hex digits kept of an exact-token HMAC (128 bits).
EXACT_TOKEN_HEX = 32
#: Hex digits kept of a block-token HMAC (64 bits).
BLOCK_TOKEN_HEX = 16

#: Birth years accepted.
MIN_BIRTH_YEAR = 1900
