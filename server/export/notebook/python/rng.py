import math

import numpy as np

# The studio's seeded randomness (server/automl/rng.ts), ported word for word so that a retrain draws the rows,
# columns, initial weights and dropout masks the studio drew: sfc32 seeded through splitmix32, and deriveSeed
# (cyrb53 over the seed's parts).

_MASK32 = 0xFFFFFFFF


def _imul(a, b):
    """JavaScript's Math.imul on 32-bit words: the low 32 bits of the product."""
    return (a * b) & _MASK32


def derive_seed(seed, *parts):
    """server/automl/rng.ts deriveSeed: cyrb53 over the parts, each tagged with its type and length ("n2:42" for the
    number 42, "s4:gbdt" for the text "gbdt"); a non-negative 31-bit integer."""
    h1, h2 = 0xDEADBEEF, 0x41C6CE57
    for part in (seed, *parts):
        if isinstance(part, str):
            text = f"s{len(part)}:{part}"
        else:
            digits = str(int(part)) if float(part).is_integer() else repr(float(part))
            text = f"n{len(digits)}:{digits}"
        for ch in text:  # the studio's parts are ASCII: one UTF-16 code unit per character, as charCodeAt reads them
            h1 = _imul(h1 ^ ord(ch), 2654435761)
            h2 = _imul(h2 ^ ord(ch), 1597334677)
    h1 = _imul(h1 ^ (h1 >> 16), 2246822507)
    h1 ^= _imul(h2 ^ (h2 >> 13), 3266489909)
    h2 = _imul(h2 ^ (h2 >> 16), 2246822507)
    h2 ^= _imul(h1 ^ (h1 >> 13), 3266489909)
    return (h1 ^ h2) >> 1


class StudioRng:
    """server/automl/rng.ts createRng: sfc32 (a 128-bit state) seeded through splitmix32, then 12 outputs discarded.
    A seed that is not an integer below 2**32 in absolute value is hashed first, as the studio does."""

    def __init__(self, seed):
        s = int(seed) & _MASK32 if float(seed).is_integer() and abs(seed) < 2**32 else derive_seed(seed)
        words = []
        for _ in range(4):  # splitmix32
            s = (s + 0x9E3779B9) & _MASK32
            z = _imul(s ^ (s >> 16), 0x21F0AAAD)
            z = _imul(z ^ (z >> 15), 0x735A2D97)
            words.append(z ^ (z >> 15))
        self.state = words
        self.uint32s(12)  # as the studio, let the state mix before the first output

    def uint32s(self, count):
        """The next `count` outputs, uniform 32-bit unsigned integers, as a uint32 array (about 0.7 us each)."""
        a, b, c, d = self.state
        out = [0] * count
        for i in range(count):
            t = (a + b + d) & _MASK32
            d = (d + 1) & _MASK32
            a = b ^ (b >> 9)
            b = (c + (c << 3)) & _MASK32
            c = (((c << 21) | (c >> 11)) + t) & _MASK32
            out[i] = t
        self.state = [a, b, c, d]
        return np.array(out, dtype=np.uint32)

    def uniforms(self, count):
        """One output over 2**32 each, in [0, 1) (server/models/shared/row-subset.ts uniform(), the training RNGs)."""
        return self.uint32s(count) / 4294967296.0

    def floats(self, count):
        """rng.float() `count` times: uniform in [0, 1) with 53 bits, from two outputs each."""
        u = self.uint32s(2 * count).astype(np.int64)
        return ((u[0::2] >> 5) * 67108864 + (u[1::2] >> 6)) / 9007199254740992.0

    def normals(self, count):
        """rng.normal() `count` times: Box-Muller's cosine branch, from two floats each."""
        f = self.floats(2 * count).tolist()
        return [math.sqrt(-2 * math.log(1 - u)) * math.cos(2 * math.pi * v) for u, v in zip(f[0::2], f[1::2])]
