"""hog / hog_image: equal to skimage.feature.hog (scikit-image sums cells in float32: 1e-6)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from skimage import data
from skimage.draw import line as sk_line
from skimage.feature import hog as sk_hog

from coursework.features import hog, hog_image, normalize_blocks

hog_module = importlib.import_module("coursework.features.hog")
hog_numpy = importlib.import_module("coursework.features._hog_numpy")
hog_image_module = importlib.import_module("coursework.features.hog_image")

ATOL = 1e-6
NORMS = ("L1", "L1-sqrt", "L2", "L2-Hys")


def reference(images: np.ndarray, grey: bool, batched: bool = True, **params) -> np.ndarray:
    """skimage.feature.hog per image, stacked: (N, H, W[, 3]) -> (N, F)."""
    channel_axis = None if grey else -1
    images = images if batched else images[None]
    out = np.stack([sk_hog(img, channel_axis=channel_axis, feature_vector=True, **params) for img in images])
    return out if batched else out[0]


def assert_close(ours, ref, atol=ATOL, what=""):
    """Shapes equal and max |ours - ref| <= atol, naming the worst element on failure."""
    ours, ref = np.asarray(ours), np.asarray(ref)
    assert ours.shape == ref.shape, f"{what}: expected shape {ref.shape}, got {ours.shape}"
    if ours.size == 0:
        return
    err = np.abs(ours.astype(np.float64) - ref.astype(np.float64))
    worst = np.unravel_index(np.argmax(err), err.shape)
    assert err[worst] <= atol, (f"{what}: max |ours - skimage| = {err[worst]:.3g} > {atol:g} at index {worst}: "
                                f"ours {ours[worst]!r}, skimage {ref[worst]!r}")


# ---- test images -----------------------------------------------------------------------

def make_images(kind: str, rng, shape, dtype):
    """A batch of test images of ``shape`` (N, H, W[, 3])."""
    n, h, w = shape[:3]
    if kind == "noise":
        x = rng.integers(0, 256, shape) if dtype == np.uint8 else rng.random(shape)
    elif kind == "low-contrast":                         # many equal magnitudes: channel ties
        x = rng.integers(0, 3, shape) * (1 if dtype == np.uint8 else 0.25)
    elif kind == "flat":                                 # constant patches: zero gradients
        x = np.zeros(shape)
        for i in range(n):
            r, c = rng.integers(1, h), rng.integers(1, w)
            top, left = rng.integers(0, 256, 2) if dtype == np.uint8 else rng.random(2)
            x[i, :r], x[i, r:, :c] = top, left
    elif kind == "steps":                                # exact 0 / 90 / 45 / 135 degree gradients
        rows, cols = np.mgrid[:h, :w]
        patterns = [cols >= w // 2, rows >= h // 2, rows + cols >= (h + w) // 2, rows - cols >= 0,
                    (rows // 3 + cols // 3) % 2 == 0]
        x = np.stack([patterns[i % len(patterns)] for i in range(n)]).astype(np.float64)
        x = x * (200 if dtype == np.uint8 else 0.75)
        if len(shape) == 4:
            x = np.stack([x, x[:, ::-1], np.roll(x, 1, axis=2)], axis=-1)
    else:
        raise ValueError(kind)
    return np.asarray(x).astype(dtype)


# (orientations, pixels_per_cell, cells_per_block, block_norm, image (H, W))
CASES = [
    (9, (8, 8), (2, 2), "L2-Hys", (35, 42)),
    (4, (4, 4), (2, 2), "L1", (17, 13)),
    (6, (5, 3), (1, 3), "L1-sqrt", (21, 20)),
    (8, (4, 6), (3, 2), "L2", (26, 25)),
    (7, (3, 3), (1, 1), "L2-Hys", (10, 11)),
    (2, (6, 4), (2, 1), "L1", (19, 12)),
    (12, (4, 4), (2, 2), "L2", (16, 16)),
    (1, (5, 5), (2, 2), "L2-Hys", (12, 14)),
    (13, (2, 3), (3, 2), "L1-sqrt", (9, 8)),
]
KINDS = ("noise", "low-contrast", "flat", "steps")


def case_params(case):
    orientations, ppc, cpb, norm, _ = case
    return dict(orientations=orientations, pixels_per_cell=ppc, cells_per_block=cpb, block_norm=norm)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"o{c[0]}-p{c[1][0]}x{c[1][1]}-b{c[2][0]}x{c[2][1]}-{c[3]}")
@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
@pytest.mark.parametrize("grey", [False, True], ids=["rgb", "grey"])
def test_matches_skimage_sweep(backend, case, dtype, grey):
    """All kinds of images at once, as one batch; the strict backends get a smaller batch."""
    rng = np.random.default_rng(hash((case[0], case[1], dtype == np.uint8, grey)) % 2**32)
    h, w = case[4]
    per_kind = 2 if backend.name == "numpy" else 1
    shape = (per_kind, h, w) if grey else (per_kind, h, w, 3)
    images = np.concatenate([make_images(kind, rng, shape, dtype) for kind in KINDS])
    params = case_params(case)
    out = hog(backend.put(images), **params, channel_axis=None if grey else -1)
    backend.check_on(out)
    assert out.dtype == backend.xp.float64
    assert_close(backend.host(out), reference(images, grey, **params), what=f"hog {params}")


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("grey", [False, True], ids=["rgb", "grey"])
def test_single_image_and_batch_equal_stacked_singles(backend, norm, grey):
    rng = np.random.default_rng(3)
    images = make_images("noise", rng, (3, 20, 18) if grey else (3, 20, 18, 3), np.uint8)
    params = dict(orientations=5, pixels_per_cell=(6, 5), cells_per_block=(2, 2), block_norm=norm)
    axis = None if grey else -1
    batch = hog(backend.put(images), **params, channel_axis=axis)
    backend.check_on(batch)
    assert batch.ndim == 2 and batch.shape[0] == 3
    for i, img in enumerate(images):
        single = hog(backend.put(img), **params, channel_axis=axis)
        backend.check_on(single)
        assert single.ndim == 1
        assert_close(backend.host(single), backend.host(batch)[i], atol=1e-12, what=f"image {i}")
        assert_close(backend.host(single), reference(img, grey, batched=False, **params), what=f"image {i}")


def test_float32_stays_float32(backend):
    # skimage works in float32 for float32 images (gradients, channel choice) and returns float32.
    images = make_images("noise", np.random.default_rng(4), (2, 16, 24, 3), np.float32)
    out = hog(backend.put(images), orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), channel_axis=-1)
    backend.check_on(out)
    assert out.dtype == backend.xp.float32
    ref = reference(images, False, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2))
    assert ref.dtype == np.float32
    assert_close(backend.host(out), ref)


def test_angle_of_exactly_180_degrees_is_dropped(backend):
    # g_row = -2e-18, g_col = 2: atan2 gives -5.7e-17 degrees, "% 180" rounds it to 180.0,
    # which lies in no bin [20 i, 20 (i + 1)) -- skimage drops such pixels.
    rows, cols = np.mgrid[:16, :16]
    img = cols * 1.0 - rows * 1e-18
    angle = np.rad2deg(np.arctan2(-2e-18, 2.0)) % 180
    assert angle == 180.0
    params = dict(orientations=9, pixels_per_cell=(8, 8), cells_per_block=(1, 1), block_norm="L1")
    out = backend.host(hog(backend.put(img), **params, channel_axis=None))
    ref = reference(img, True, batched=False, **params)
    assert_close(out, ref)
    # Only the border columns (g_row = 0, so exactly 0 degrees) vote: bin 0, not the last bin.
    assert out.reshape(4, 9)[:, -1].max() == 0.0 and out.reshape(4, 9)[:, 0].min() > 0


def test_negative_zero_and_exact_zero_angles(backend):
    img = np.zeros((2, 16, 16, 3))
    img[0, :, 8:] = -0.0
    img[0, :, :4] = 0.5                       # 0 and 180 degree gradients (g_col = -0.5)
    img[1, 5:, :] = 1.0                       # exactly 90 degrees
    img[1, :, 5, 1] = -0.0
    params = dict(orientations=4, pixels_per_cell=(4, 4), cells_per_block=(2, 2), block_norm="L2")
    out = hog(backend.put(img), **params, channel_axis=-1)
    assert_close(backend.host(out), reference(img, False, **params))


@pytest.mark.parametrize("name", ["astronaut", "chelsea", "coffee"])
def test_real_photos(name):
    photo = getattr(data, name)()
    for params in (dict(orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys"),
                   dict(orientations=6, pixels_per_cell=(10, 12), cells_per_block=(3, 2), block_norm="L1-sqrt")):
        ours = hog(photo, **params, channel_axis=-1)
        assert ours.dtype == np.float64
        assert_close(ours, reference(photo, False, batched=False, **params), what=f"{name} {params}")
    grey = photo.mean(axis=2)
    params = dict(orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2")
    assert_close(hog(grey, **params, channel_axis=None), reference(grey, True, batched=False, **params),
                 what=f"{name} grey")


def generic_hog(images, orientations, pixels_per_cell, cells_per_block, block_norm):
    """The array-API path on the same uint8 images (what the NumPy fast path replaces): (N, F)."""
    cells = hog_module._cell_histograms_generic(images, orientations, pixels_per_cell)
    return normalize_blocks(cells, cells_per_block, block_norm).reshape(images.shape[0], -1)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"o{c[0]}-p{c[1][0]}x{c[1][1]}")
def test_numpy_uint8_fast_path_is_bit_identical_to_generic(case):
    orientations, ppc, cpb, norm, (h, w) = case
    rng = np.random.default_rng(orientations)
    images = np.concatenate([make_images(kind, rng, (40, h, w, 3), np.uint8) for kind in KINDS])
    fast = hog_numpy.cell_histograms_uint8(images, orientations, ppc)
    np.testing.assert_array_equal(fast, hog_module._cell_histograms_generic(images, orientations, ppc))
    np.testing.assert_array_equal(hog(images, orientations, ppc, cpb, norm, channel_axis=-1),
                                  generic_hog(images, orientations, ppc, cpb, norm))


def test_fast_path_on_photos_and_the_redo_it_needs():
    # Photos (small gradients, flat areas, grey regions where all channels tie) and noise
    # (large gradients: about 0.7 % of its pixels have a winner whose hypot NumPy rounds
    # off sqrt(s), which the fast path redoes exactly).
    bins, flag = hog_numpy._fast_tables(9)
    redone = bins[hog_numpy._pairs()[2]] == flag                    # per gradient pair
    assert 0 <= np.count_nonzero(redone) < 0.01 * 511**2
    photos = np.stack([data.astronaut()[:256, :256], data.chelsea()[:256, :256], data.coffee()[:256, :256]])
    grey_rgb = np.repeat(data.camera()[:256, :256, None], 3, axis=-1)[None]
    noise = np.random.default_rng(11).integers(0, 256, (8, 64, 64, 3), dtype=np.uint8)
    for images in (photos, grey_rgb, noise, noise[..., :1], photos[..., ::-1]):
        for params in (dict(orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys"),
                       dict(orientations=7, pixels_per_cell=(6, 10), cells_per_block=(3, 3), block_norm="L1")):
            np.testing.assert_array_equal(hog(images, **params, channel_axis=-1), generic_hog(images, **params))


@pytest.mark.parametrize("chunk_pixels", [60, 500, 4096])
def test_fast_path_in_bands_of_cell_rows_equals_generic(monkeypatch, chunk_pixels):
    # images larger than a chunk go through in bands of cell rows, with a halo row each side
    monkeypatch.setattr(hog_numpy, "_CHUNK_PIXELS", chunk_pixels)
    rng = np.random.default_rng(chunk_pixels)
    for shape, orientations, ppc in [((2, 53, 47, 3), 9, (8, 8)), ((3, 40, 33, 1), 5, (3, 4)), ((1, 11, 90, 4), 7, (2, 5))]:
        images = make_images("noise", rng, shape, np.uint8)
        np.testing.assert_array_equal(hog_numpy.cell_histograms_uint8(images, orientations, ppc),
                                      hog_module._cell_histograms_generic(images, orientations, ppc))
        np.testing.assert_array_equal(hog(images, orientations, ppc, (2, 2), "L1-sqrt", channel_axis=-1),
                                      generic_hog(images, orientations, ppc, (2, 2), "L1-sqrt"))


def test_fast_path_memory_does_not_grow_with_the_image():
    import tracemalloc

    photo = np.random.default_rng(0).integers(0, 256, (1200, 1600, 3), dtype=np.uint8)     # 5.5 MiB
    hog(photo[:64, :64], cells_per_block=(2, 2), channel_axis=-1)                         # tables built
    tracemalloc.start()
    out = hog(photo, cells_per_block=(2, 2), channel_axis=-1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # the descriptor (8.1 MiB here) and its blocks' temporaries, but work arrays of one band only:
    # the previous fast path held about 19 bytes per image byte (105 MiB)
    assert peak < 4 * out.nbytes + 8 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_fast_path_redoing_every_pixel_is_still_exact(monkeypatch):
    # what a platform whose hypot does not grow strictly with s gets: every pixel redone
    bins, flag = hog_numpy._fast_tables(5)
    monkeypatch.setattr(hog_numpy, "_fast_tables", lambda orientations: (np.full_like(bins, flag), flag))
    images = np.concatenate([make_images(kind, np.random.default_rng(3), (6, 20, 18, 3), np.uint8) for kind in KINDS])
    np.testing.assert_array_equal(hog(images, 5, (4, 6), (2, 2), "L2", channel_axis=-1),
                                  generic_hog(images, 5, (4, 6), (2, 2), "L2"))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), orientations=st.integers(1, 300),
       ppc=st.tuples(st.integers(1, 7), st.integers(1, 7)), cpb=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       extra=st.tuples(st.integers(0, 9), st.integers(0, 9)), channels=st.sampled_from([None, 1, 2, 3, 4, 7]),
       levels=st.sampled_from([2, 7, 256]), norm=st.sampled_from(NORMS))
def test_property_fast_path_equals_generic(seed, n, orientations, ppc, cpb, extra, channels, levels, norm):
    """Any uint8 batch (grey or 1-7 channels, sizes that leave rows and columns out, up to
    300 bins): the fast path's cells and descriptors are the generic path's, bit for bit."""
    rng = np.random.default_rng(seed)
    h, w = ppc[0] * cpb[0] + extra[0], ppc[1] * cpb[1] + extra[1]
    images = rng.integers(0, levels, (n, h, w) if channels is None else (n, h, w, channels)).astype(np.uint8)
    axis = None if channels is None else -1
    as_colour = images if channels is not None else images[..., None]
    np.testing.assert_array_equal(hog_module.cell_histograms(images, orientations, ppc),
                                  hog_module._cell_histograms_generic(images, orientations, ppc))
    np.testing.assert_array_equal(hog(images, orientations, ppc, cpb, norm, channel_axis=axis),
                                  generic_hog(as_colour, orientations, ppc, cpb, norm))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), orientations=st.integers(1, 20),
       ppc=st.tuples(st.integers(2, 6), st.integers(2, 6)), cpb=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       extra=st.tuples(st.integers(0, 7), st.integers(0, 7)), norm=st.sampled_from(NORMS),
       grey=st.booleans(), uint8=st.booleans(), levels=st.sampled_from([2, 3, 256]))
def test_property_matches_skimage(seed, orientations, ppc, cpb, extra, norm, grey, uint8, levels):
    rng = np.random.default_rng(seed)
    h, w = ppc[0] * cpb[0] + extra[0], ppc[1] * cpb[1] + extra[1]
    shape = (2, h, w) if grey else (2, h, w, 3)   # grey width 3 included: channel_axis says it is grey
    images = rng.integers(0, levels, shape)
    images = images.astype(np.uint8) if uint8 else images / (levels - 1)
    params = dict(orientations=orientations, pixels_per_cell=ppc, cells_per_block=cpb, block_norm=norm)
    assert_close(hog(images, **params, channel_axis=None if grey else -1), reference(images, grey, **params),
                 what=str(params))


@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_default_parameters_and_input_not_modified(dtype):
    images = make_images("noise", np.random.default_rng(9), (2, 32, 40), dtype)      # grey: the default
    before = images.copy()
    out = hog(images)
    np.testing.assert_array_equal(images, before)
    # 4 x 5 cells, 2 x 3 blocks of 3 x 3 cells (scikit-image's default), 9 bins
    assert out.shape == (2, 2 * 3 * 3 * 3 * 9)
    assert_close(out, reference(images, True))
    colour = make_images("noise", np.random.default_rng(10), (2, 32, 40, 3), dtype)
    before = colour.copy()
    assert_close(hog(colour, channel_axis=-1), reference(colour, False))
    np.testing.assert_array_equal(colour, before)


# ---- errors -------------------------------------------------------------------------------

def test_too_small_image(backend):
    with pytest.raises(ValueError, match=r"hog: expected images of at least 16 rows and 24 columns "
                                         r"\(pixels_per_cell=\(8, 8\), cells_per_block=\(2, 3\)\), "
                                         r"got images of shape \(20, 20, 3\)"):
        hog(backend.put(np.zeros((20, 20, 3))), cells_per_block=(2, 3), channel_axis=-1)
    with pytest.raises(ValueError, match=r"hog: expected images of at least 24 rows and 24 columns "
                                         r"\(pixels_per_cell=\(8, 8\), cells_per_block=\(3, 3\)\), "
                                         r"got images of shape \(20, 30\)"):
        hog(backend.put(np.zeros((20, 30))))                 # scikit-image's default blocks: 3 x 3 cells


@pytest.mark.parametrize("norm", ["L3", "l2", None])
def test_unknown_block_norm(norm):
    with pytest.raises(ValueError, match=r"hog: expected block_norm to be one of 'L1', 'L1-sqrt', 'L2', "
                                         rf"'L2-Hys', got {norm!r}"):
        hog(np.zeros((16, 16)), block_norm=norm, channel_axis=None)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(orientations=0), ValueError, r"expected orientations to be a positive integer, got 0"),
    (dict(orientations=2.0), TypeError, r"expected orientations to be a positive integer, got 2\.0"),
    (dict(pixels_per_cell=(0, 8)), ValueError, r"expected pixels_per_cell to be a positive integer, got 0"),
    (dict(pixels_per_cell=(8, 8, 8)), ValueError, r"expected pixels_per_cell to be a pair .* got \(8, 8, 8\)"),
    (dict(cells_per_block="2"), ValueError, r"expected cells_per_block to be a pair"),
])
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match="hog: " + match):
        hog(np.zeros((16, 16)), **kwargs)


@pytest.mark.parametrize("shape, axis, match", [
    ((16,), -1, r"expected colour images of shape \(H, W, C\) or \(N, H, W, C\) with channel_axis=-1, "
                r"got shape \(16,\)$"),
    ((16, 16), -1, r"expected colour .* with channel_axis=-1, got shape \(16, 16\) \(for grey images pass "
                   r"channel_axis=None\)"),
    ((1, 2, 16, 16, 3), -1, r"expected colour .* with channel_axis=-1, got shape \(1, 2, 16, 16, 3\)$"),
    ((2, 16, 16, 3), None, r"expected grey images of shape \(H, W\) or \(N, H, W\) with channel_axis=None, got shape "
                           r"\(2, 16, 16, 3\) \(for colour images pass channel_axis=-1\)"),
    ((16,), None, r"expected grey images .* got shape \(16,\)$"),
    ((16, 16, 0), -1, r"expected non-empty images of shape \(H, W, C\) or \(N, H, W, C\), got shape \(1, 16, 16, 0\)"),
])
def test_bad_shapes(backend, shape, axis, match):
    with pytest.raises(ValueError, match="hog: " + match):
        hog(backend.put(np.zeros(shape)), channel_axis=axis)


def test_nan(backend):
    img = np.zeros((16, 16))
    img[3, 4] = np.nan
    with pytest.raises(ValueError, match=r"hog: expected finite values in images, got 1 NaN"):
        hog(backend.put(img), channel_axis=None)


# ---- hog_image ----------------------------------------------------------------------------

def test_hog_image_shape_and_host(backend):
    img = make_images("noise", np.random.default_rng(1), (1, 19, 22, 3), np.uint8)[0]
    picture = hog_image(backend.put(img), orientations=6, pixels_per_cell=(6, 7), channel_axis=-1)
    assert isinstance(picture, np.ndarray) and picture.shape == (19, 22) and picture.dtype == np.float64
    assert picture[18:].max() == 0 and picture[:, 21:].max() == 0    # outside whole cells
    assert picture.max() > 0


def lit_extent(picture, cell_row, cell_col, size=8):
    """(rows spanned, columns spanned) by the lit pixels of one cell."""
    rows, cols = np.nonzero(picture[cell_row * size:(cell_row + 1) * size, cell_col * size:(cell_col + 1) * size])
    return (int(np.ptp(rows)) + 1, int(np.ptp(cols)) + 1) if rows.size else (0, 0)


@pytest.mark.parametrize("direction", ["vertical", "horizontal"])
def test_hog_image_edge_draws_lines_along_the_edge(backend, direction):
    # A vertical edge: intensity jumps along the columns, gradient at 0 degrees; the drawn
    # line is perpendicular to the gradient, so it runs along the rows (tall and thin).
    img = np.zeros((16, 32))
    img[:, 12:] = 1.0
    if direction == "horizontal":
        img = img.T.copy()                        # (32, 16), gradient at 90 degrees
    picture = hog_image(backend.put(img), orientations=9, pixels_per_cell=(8, 8), channel_axis=None)
    assert picture.shape == img.shape
    cells = [(0, 1), (1, 1)] if direction == "vertical" else [(1, 0), (1, 1)]
    for cell in cells:                            # the cells holding the edge (columns 11, 12)
        tall, wide = lit_extent(picture, *cell)
        if direction == "horizontal":
            tall, wide = wide, tall
        assert tall >= 6 and wide <= 2, (cell, tall, wide)     # radius 3: 6 or 7 pixels
    flat = picture.copy()
    for r, c in cells:
        flat[r * 8:(r + 1) * 8, c * 8:(c + 1) * 8] = 0
    assert flat.max() == 0                         # cells without gradient stay dark
    # Bin 0 (or 4, the one holding 90 degrees) carries the cell's mean magnitude:
    # 2 pixels of gradient 1 per line of the cell, 16 of 64 pixels.
    assert picture.max() == pytest.approx(16 / 64)


@pytest.mark.parametrize("name, ppc, orientations", [
    ("astronaut", (8, 8), 9), ("camera", (6, 10), 7), ("coffee", (3, 5), 4), ("chelsea", (16, 16), 9),
])
def test_hog_image_matches_skimage_visualize(name, ppc, orientations):
    photo = getattr(data, name)()
    _, ref = sk_hog(photo, orientations=orientations, pixels_per_cell=ppc, cells_per_block=(1, 1),
                    visualize=True, channel_axis=-1 if photo.ndim == 3 else None)
    ours = hog_image(photo, orientations=orientations, pixels_per_cell=ppc,
                     channel_axis=-1 if photo.ndim == 3 else None)
    assert_close(ours, ref, atol=1e-6 * np.abs(ref).max(), what=name)


def test_line_pixels_equal_skimage_draw_line():
    rng = np.random.default_rng(0)
    for r0, c0, r1, c1 in rng.integers(-9, 10, (500, 4)):
        ours = hog_image_module.line_pixels(int(r0), int(c0), int(r1), int(c1))
        ref = sk_line(r0, c0, r1, c1)
        np.testing.assert_array_equal(ours[0], ref[0])
        np.testing.assert_array_equal(ours[1], ref[1])


@pytest.mark.parametrize("shape, kwargs, match", [
    ((2, 16, 16, 3), dict(channel_axis=-1), r"hog_image: expected colour images of shape \(H, W, C\) with "
                                            r"channel_axis=-1, got shape \(2, 16, 16, 3\)"),
    ((16, 16, 3), {}, r"hog_image: expected grey images of shape \(H, W\) with channel_axis=None, got shape "
                      r"\(16, 16, 3\) \(for colour images pass channel_axis=-1\)"),
    ((3, 16, 16), dict(channel_axis=None), r"hog_image: expected grey images of shape \(H, W\) with "
                                           r"channel_axis=None, got shape \(3, 16, 16\) \(for colour images pass"),
    ((16, 16), dict(pixels_per_cell=1), r"hog_image: expected pixels_per_cell of at least \(2, 2\)"),
    ((5, 16), dict(channel_axis=None), r"hog_image: expected an image of at least 8 x 8 pixels \(one cell\), "
                                       r"got shape \(5, 16\)"),
])
def test_hog_image_errors(shape, kwargs, match):
    with pytest.raises(ValueError, match=match):
        hog_image(np.zeros(shape), **kwargs)
