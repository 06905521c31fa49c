"""Fingerprints of text for near-duplicate detection, without segmentation.

Both fingerprints work on character shingles (runs of ``SHINGLE`` characters of the
normalised text), hashed with a stable 64-bit mix in numpy, so a fingerprint is the same in
every process and costs tens of microseconds per article:

* **SimHash** (Charikar 2002) of the shingles: near-duplicates differ in few bits. Four 16-bit
  bands are indexed; two fingerprints within ``MAX_DISTANCE`` (≤ 3) bits share at least one
  band exactly (pigeonhole), so a lookup reads only the items sharing a band.
* **Sampled shingles** (Broder's MOD-m sketch): the shingle hashes that are 0 modulo
  ``SAMPLE_MOD``. The choice depends on the shingle's content, not its position, so a reprint
  whose body was trimmed or whose headline was edited keeps most of the original's samples.
  Containment is the share of one text's samples found in the other.

Near-duplicates are found in two stages: the banded SimHash lookup catches copies within 3 bits
at the cost of four indexed equality lookups; the samples catch what SimHash misses — a few
characters changed here and there move a 500-character text by about 6 bits, past any
threshold a banded index can guarantee — with the overlap of the samples relative to the
smaller text (``SampleIndex``, and the ``ItemSample`` table in the database).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from zaixian.core.text import normalize

SHINGLE = 4
MAX_DISTANCE = 3
BANDS = 4
BAND_BITS = 16
SAMPLE_MOD = 8

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_STRIP_RE = re.compile(r"[\s\W_]+")
_BIT_WEIGHTS = (np.uint64(1) << np.arange(64, dtype=np.uint64)).astype(np.uint64)


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads nearby inputs over all 64 bits."""
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def compact(text: str) -> str:
    """The normalised text without spaces and punctuation: what the shingles are cut from."""
    return _STRIP_RE.sub("", normalize(text))


def shingle_hashes(text: str) -> np.ndarray:
    """Stable 64-bit hashes of every ``SHINGLE``-character run of ``compact(text)``."""
    chars = np.frombuffer(compact(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if chars.size == 0:
        return np.zeros(0, dtype=np.uint64)
    if chars.size < SHINGLE:
        chars = np.concatenate([chars, np.zeros(SHINGLE - chars.size, dtype=np.uint64)])
    n = chars.size - SHINGLE + 1
    # Code points are below 2**21, so four of them fit side by side in 84 bits; folding them
    # with a multiplier and one mix is enough to spread them.
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(SHINGLE):
            acc = acc * np.uint64(0x100000001B3) + chars[offset : offset + n]
    return _mix(acc)


def simhash(text: str) -> int:
    """The 64-bit SimHash of the text's shingles, as an unsigned int (0 for empty text)."""
    return simhash_of(shingle_hashes(text))


def simhash_of(hashes: np.ndarray) -> int:
    """The SimHash of precomputed shingle hashes (compute them once for both fingerprints)."""
    if hashes.size == 0:
        return 0
    # Bit i of every hash, as a column of bytes (little-endian: column i is bit i).
    bits = np.unpackbits(
        hashes.astype("<u8").view(np.uint8).reshape(-1, 8), axis=1, bitorder="little"
    )
    votes = bits.sum(axis=0, dtype=np.int32) * 2 - hashes.size
    return int((_BIT_WEIGHTS[votes > 0]).sum(dtype=np.uint64))


def to_signed(value: int) -> int:
    """An unsigned 64-bit fingerprint as the signed value a BIGINT column holds."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def bands(value: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands of an unsigned fingerprint, tagged with their position so equal
    values in different positions do not collide in one index."""
    mask = (1 << BAND_BITS) - 1
    return tuple((i << BAND_BITS) | ((value >> (i * BAND_BITS)) & mask) for i in range(BANDS))  # type: ignore[return-value]  # always four


def distance(a: int, b: int) -> int:
    """Hamming distance of two fingerprints (signed or unsigned)."""
    return (to_unsigned(a) ^ to_unsigned(b)).bit_count()


def samples(text: str) -> frozenset[int]:
    """The content-sampled shingle hashes of the text (see the module docstring)."""
    return samples_of(shingle_hashes(text))


def samples_of(hashes: np.ndarray) -> frozenset[int]:
    """The content-sampled subset of precomputed shingle hashes."""
    return frozenset(int(h) for h in hashes[hashes % np.uint64(SAMPLE_MOD) == 0])


MIN_OVERLAP = 0.6
MIN_SHARED = 4
# A sample found in more texts than this is boilerplate (a site's footer, a stock phrase) and
# says nothing about which story a text belongs to; skipping it keeps lookups short.
MAX_POSTINGS = 200


@dataclass
class SimHashIndex:
    """An in-memory banded SimHash index: ``add`` returns the key of the first earlier entry
    within ``MAX_DISTANCE`` bits, or registers the entry as the start of a new group."""

    max_distance: int = MAX_DISTANCE
    _bands: list[dict[int, list[tuple[int, object]]]] = field(
        default_factory=lambda: [defaultdict(list) for _ in range(BANDS)]
    )

    def find(self, fingerprint: int) -> object | None:
        best: tuple[int, object] | None = None
        for i, band in enumerate(bands(fingerprint)):
            for other, key in self._bands[i].get(band, ()):
                d = distance(fingerprint, other)
                if d <= self.max_distance and (best is None or d < best[0]):
                    best = (d, key)
        return None if best is None else best[1]

    def insert(self, fingerprint: int, key: object) -> None:
        for i, band in enumerate(bands(fingerprint)):
            self._bands[i][band].append((fingerprint, key))

    def add(self, fingerprint: int, key: object) -> object:
        """The group key of ``fingerprint``: an earlier near-duplicate's, or ``key`` itself."""
        found = self.find(fingerprint)
        if found is not None:
            return found
        self.insert(fingerprint, key)
        return key


@dataclass
class ContainmentIndex:
    """Originals indexed by their sampled shingles; ``match`` finds the original that a text
    is (mostly) contained in, tolerant of an edited headline and a trimmed body."""

    min_containment: float = 0.5
    min_shared: int = 4
    _postings: dict[int, list[object]] = field(default_factory=lambda: defaultdict(list))

    def add(self, key: object, text: str) -> None:
        for sample in samples(text):
            self._postings[sample].append(key)

    def match(self, text: str) -> tuple[object, float] | None:
        """The best original and the share of the text's samples it contains, or None."""
        return self.match_samples(samples(text))

    def match_samples(self, own: frozenset[int]) -> tuple[object, float] | None:
        """``match`` for precomputed samples."""
        if not own:
            return None
        votes: dict[object, int] = defaultdict(int)
        counted = 0
        for sample in own:
            posting = self._postings.get(sample)
            if posting is not None and len(posting) > MAX_POSTINGS:
                continue  # boilerplate, in too many originals to tell them apart
            counted += 1
            for key in posting or ():
                votes[key] += 1
        if not votes:
            return None
        key, shared = max(votes.items(), key=lambda kv: kv[1])
        share = shared / max(counted, 1)
        if shared < self.min_shared or share < self.min_containment:
            return None
        return key, share

    def __len__(self) -> int:
        return len(self._postings)


def overlap_score(shared: int, own: int, other: int) -> float:
    """Shared samples relative to the smaller of the two texts."""
    return shared / max(min(own, other), 1)


@dataclass
class SampleIndex:
    """Texts indexed by their sampled shingles; ``find`` returns the group of the text that
    shares the most samples with the query, when the overlap is high enough."""

    min_overlap: float = MIN_OVERLAP
    min_shared: int = MIN_SHARED
    max_postings: int = MAX_POSTINGS
    _postings: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _sizes: list[int] = field(default_factory=list)
    _groups: list[object] = field(default_factory=list)

    def find(self, own: frozenset[int]) -> object | None:
        votes: dict[int, int] = defaultdict(int)
        for sample in own:
            posting = self._postings.get(sample)
            if posting and len(posting) <= self.max_postings:
                for entry in posting:
                    votes[entry] += 1
        best: tuple[float, int] | None = None
        for entry, shared in votes.items():
            if shared < self.min_shared:
                continue
            score = overlap_score(shared, len(own), self._sizes[entry])
            if score >= self.min_overlap and (best is None or score > best[0]):
                best = (score, entry)
        return None if best is None else self._groups[best[1]]

    def insert(self, own: frozenset[int], group: object) -> None:
        entry = len(self._sizes)
        self._sizes.append(len(own))
        self._groups.append(group)
        for sample in own:
            self._postings[sample].append(entry)


@dataclass
class NearDuplicateGrouper:
    """Both stages over an in-memory stream (the bench, imports): each text joins the group of
    an earlier near-duplicate or starts its own."""

    simhashes: SimHashIndex = field(default_factory=SimHashIndex)
    samples: SampleIndex = field(default_factory=SampleIndex)

    def add(self, hashes: np.ndarray, key: object) -> object:
        fingerprint = simhash_of(hashes)
        own = samples_of(hashes)
        group = self.simhashes.find(fingerprint)
        if group is None:
            group = self.samples.find(own)
        if group is None:
            group = key
        self.simhashes.insert(fingerprint, group)
        self.samples.insert(own, group)
        return group


def group_near_duplicates(texts: Iterable[str]) -> list[int]:
    """For each text, the index of the first text of its near-duplicate group."""
    grouper = NearDuplicateGrouper()
    return [int(grouper.add(shingle_hashes(text), i)) for i, text in enumerate(texts)]  # type: ignore[call-overload]  # keys are ints here
