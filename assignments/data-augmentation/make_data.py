"""Build the small image sets of data-augmentation and transfer-learning from scikit-learn's digits (offline).

Run from the checkout: ``python assignments/data-augmentation/make_data.py``. The digits (8x8, 17 grey levels)
are scaled up by repeating pixels and coloured by class, so the files compress to a few hundred KB.
"""
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

HERE = Path(__file__).resolve().parent
PALETTE = np.array([[1.0, 0.3, 0.2], [0.2, 0.6, 1.0], [0.3, 0.9, 0.3], [1.0, 0.8, 0.1], [0.8, 0.3, 1.0],
                    [0.1, 0.9, 0.9], [1.0, 0.5, 0.7], [0.6, 0.6, 0.6], [0.9, 0.6, 0.2], [0.5, 0.8, 1.0]],
                   dtype="float32")


def images(digits, labels, side, rng):
    """Digits as RGB float32 images in [0, 1], ``side`` x ``side`` (a multiple of 8), ink tinted at random."""
    scale = side // 8
    grey = digits.reshape(-1, 8, 8) / 16.0
    big = np.kron(grey, np.ones((scale, scale), dtype="float32")).astype("float32")
    tint = PALETTE[rng.integers(0, len(PALETTE), size=len(labels))]
    return np.round(big[..., None] * tint[:, None, None, :] * 16) / 16


def save(path, x_train, y_train, x_test, y_test):
    np.savez_compressed(path, X_train=x_train, y_train=y_train, X_test=x_test, y_test=y_test,
                        input_dim=np.int64(np.prod(x_train.shape[1:])))
    print(path, x_train.shape, x_test.shape, f"{path.stat().st_size / 1024:.0f} KB")


def main():
    rng = np.random.default_rng(0)
    digits = load_digits()
    order = rng.permutation(len(digits.target))
    x, y = digits.data[order], digits.target[order]
    # data-augmentation: ten classes, 32x32 RGB, 400 to train and 100 to test
    small = images(x[:500], y[:500], 32, rng)
    save(HERE / "data.npz", small[:400], y[:400].astype("int64"), small[400:], y[400:500].astype("int64"))
    # transfer-learning: zeros against ones, 224x224 RGB as VGG16 expects, 16 to train and 8 to test
    pick = np.flatnonzero(np.isin(y, (0, 1)))[:24]
    big = images(x[pick], y[pick], 224, rng)
    target = (y[pick] == 1).astype("float32")
    save(HERE.parent / "transfer-learning" / "data.npz", big[:16], target[:16], big[16:], target[16:])


if __name__ == "__main__":
    main()
