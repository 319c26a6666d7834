"""Winnowing and boilerplate: the guarantee, the density, stable hashes, base code removed."""
from __future__ import annotations

import random

from autograder.similarity.fingerprint import (boilerplate_hashes, fingerprints, kgram_hashes, own_kgrams,
                                               shared_lines, winnow)
from autograder.similarity.types import Token

from .helpers import doc

K, W = 5, 4


def tokens(words: list[str]) -> list[Token]:
    return [Token(w, 0, i + 1) for i, w in enumerate(words)]


def test_any_shared_passage_of_k_plus_w_minus_1_tokens_gives_a_common_fingerprint():
    rng = random.Random(1)
    vocabulary = [f"t{i}" for i in range(30)]
    for _ in range(200):
        passage = [rng.choice(vocabulary) for _ in range(K + W - 1)]
        a = [rng.choice(vocabulary) for _ in range(rng.randrange(0, 40))] + passage + [rng.choice(vocabulary) for _ in range(9)]
        b = [rng.choice(vocabulary) for _ in range(rng.randrange(0, 40))] + passage
        fa = {h for h, _ in winnow(kgram_hashes(tokens(a), K), W)}
        fb = {h for h, _ in winnow(kgram_hashes(tokens(b), K), W)}
        assert fa & fb


def test_winnowing_keeps_about_two_in_w_plus_one_hashes():
    rng = random.Random(2)
    words = [f"t{rng.randrange(1000)}" for _ in range(5000)]
    hashes = kgram_hashes(tokens(words), K)
    density = len(winnow(hashes, W)) / len(hashes)
    assert 0.3 < density < 0.5  # 2 / (W + 1) = 0.4


def test_short_inputs():
    assert winnow([], W) == [] and kgram_hashes(tokens(["a"] * 3), K) == []
    assert winnow([5, 3, 3], W) == [(3, 2)]


def test_hashes_do_not_depend_on_the_process():
    # blake2b, not hash(): the same code gives the same fingerprints in every run (and in similarity.json)
    assert kgram_hashes(tokens(["a", "b"]), 2) == [int.from_bytes(
        __import__("hashlib").blake2b("a\x1fb".encode(), digest_size=8).digest(), "big")]


STARTER = "model = Sequential([\n    Input(shape=(input_dim,)),\n    Dense(1, activation='sigmoid'),\n])\n"
PUBLISHED = "Dense(64, activation='relu', kernel_regularizer=l2(0.01)),\nDropout(0.5),\n"
FILLED = ("model = Sequential([\n    Input(shape=(input_dim,)),\n    Dense(32, activation='relu', kernel_regularizer=l2(0.1)),\n"
          "    Dropout(0.2),\n    Dense(1, activation='sigmoid'),\n])\n")
OWN = "for step in range(10):\n    total = total + step * weights[step] - offsets.get(step, 0)\n    print(step, total)\n"


def test_code_made_of_boilerplate_passages_has_no_fingerprint_even_across_their_seams():
    base = boilerplate_hashes([doc("s", STARTER), doc("r", PUBLISHED)], K)
    filled = doc("x", FILLED)
    assert any(h not in base for h in kgram_hashes(filled.tokens, K))  # the seams are in neither source
    assert fingerprints(filled, K, W, base).hashes == frozenset()
    assert own_kgrams(filled, K, base) == []


def test_own_code_keeps_its_fingerprints():
    base = boilerplate_hashes([doc("s", STARTER), doc("r", PUBLISHED)], K)
    mixed = doc("x", FILLED, OWN)
    own = fingerprints(doc("y", OWN), K, W, frozenset()).hashes
    got = fingerprints(mixed, K, W, base).hashes
    assert len(own) > 10 and len(own - got) <= 1  # only a window at the seam may choose differently
    assert len(got - own) <= 2  # k-grams across the seam (half starter, half own) are the student's


def test_shared_lines_mark_only_the_shared_passage():
    a = doc("a", OWN, "x = 1\n")
    b = doc("b", "y = 2\nz = 3\n", OWN)
    other = frozenset(h for h, _ in own_kgrams(b, K, frozenset()))
    assert shared_lines(a, other, K, frozenset()) == ((1, 1), (1, 2), (1, 3))
