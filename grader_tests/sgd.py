"""Visible checks of assignment ``05_sgd`` (shipped to students).

They stand on their own: fixed inputs with expected values stored in
``expected/05_sgd.npz`` (made from the reference by ``python -m
grader_tests.make_expected``), and properties any right answer has (a quadratic's
exact gradient, every sample once per epoch, a loss that agrees with its own
gradients). Each function is one check, worth its own points in the notebook.
"""

from __future__ import annotations

import copy
import numbers

import numpy as np

from .harness import as_result_array, assert_close, assert_shape, call, public, stored, type_name, wrong_tuple
from .messages import say
from .plain import assert_varies, number

ASSIGNMENT = "05_sgd"


def expected() -> dict:
    """The stored inputs and expected outputs of these checks."""
    return stored(ASSIGNMENT)


# -- the functions whose gradients the numerical_gradient checks take -------------------
# (module level, so that the builder of the stored values uses the very same ones)

def cube_sum(x):
    """Σ x³; its centred difference with step h is exactly 3x² + h² (a one-sided one is not)."""
    return float(np.sum(x ** 3))


def wave(x):
    """Σ sin(x) · x + (Σ x)², a smooth function that couples every element."""
    return float(np.sum(np.sin(x) * x) + np.sum(x) ** 2)


# -- numerical gradient ---------------------------------------------------------------

def check_numerical_gradient_values(numerical_gradient) -> None:
    """Centred differences of two fixed functions at fixed points, against stored values."""
    data = expected()
    cases = [("cube_sum", cube_sum, "ng_x_vector", 1e-3), ("wave", wave, "ng_x_matrix", 1e-4),
             ("wave", wave, "ng_x_matrix", None)]
    for fname, f, key, h in cases:
        x = data[key]
        kwargs = {} if h is None else {"h": h}
        what = (say("s_ng", f=fname, shape=x.shape, h=h) if h is not None
                else say("s_ng_default", f=fname, shape=x.shape))
        got = call(numerical_gradient, f, x, what=what, **kwargs)
        want = data[f"ng_{fname}_{key}_h{'default' if h is None else f'{h:g}'}"]
        try:
            assert_close(got, want, what, atol=1e-7)
        except AssertionError as err:
            hint = ""
            if fname == "cube_sum":
                one_sided = 3 * x ** 2 + 3 * x * h + h ** 2
                if np.allclose(as_result_array(got, what), one_sided, atol=1e-7):
                    hint = say("s_one_sided")
            raise AssertionError(f"{err}{hint}") from None


def quadratic(z, A, b, shape):
    """½ vec(z)ᵀ A vec(z) + bᵀ vec(z); fails (a check's message) unless z has ``shape``."""
    z = np.asarray(z)
    if z.shape != tuple(shape):
        raise AssertionError(say("s_quadratic_shape", got=z.shape, want=tuple(shape)))
    v = z.ravel()
    return float(0.5 * v @ A @ v + b @ v)


def check_numerical_gradient_quadratic(numerical_gradient) -> None:
    """On f(x) = ½ vec(x)ᵀ A vec(x) + bᵀ vec(x) the centred difference is the exact gradient
    (A + Aᵀ)/2 · vec(x) + b, and f gets arrays of x's shape."""
    data = expected()
    A, b, x = data["quad_A"], data["quad_b"], data["quad_x"]
    shape = x.shape
    what = say("s_quadratic", shape=shape)
    want = ((A + A.T) / 2 @ x.ravel() + b).reshape(shape)
    got = call(numerical_gradient, public(quadratic, A=A, b=b, shape=shape), x, h=1e-4, what=what)
    assert_close(got, want, say("s_vs_exact", what=what), atol=1e-7)


def smooth(z, A, c):
    """Σ tanh(A vec(z)) + cᵀ cos(vec(z)): a smooth function that couples every element."""
    v = np.asarray(z, dtype=np.float64).ravel()
    return float(np.sum(np.tanh(A @ v)) + c @ np.cos(v))


# -- epochs, batches, iterations ----------------------------------------------------------

def _as_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise AssertionError(say("s_int", what=what, type=type_name(value), got=value))
    return int(value)


#: (n, batch_size, iterations): the stored cases (``iter_cases``); when the judge grades, the
#: student's have batch sizes drawn for the same n (the small cases: n drawn from the batch size).
ITERATION_CASES = [(50_000, 32, 1563), (50_000, 64, 782), (50_000, 128, 391), (1437, 64, 23), (128, 64, 2),
                   (64, 64, 1), (10, 64, 1), (0, 32, 0)]


def check_iterations_per_epoch(iterations_per_epoch) -> None:
    """CIFAR-10's 50,000 images in batches of 32 / 64 / 128, the digits, and small cases."""
    for n, batch_size, want in (tuple(int(v) for v in row) for row in expected()["iter_cases"]):
        what = f"iterations_per_epoch(n={n}, batch_size={batch_size})"
        got = _as_int(call(iterations_per_epoch, n, batch_size, what=what), what)
        if got != want:
            raise AssertionError(say("s_last_batch" if n % batch_size else "expected_got", what=what, want=want,
                                     got=got))


def batches_of(minibatch_indices, n: int, batch_size: int, rng, what: str) -> list[np.ndarray]:
    """The student's batches as a list of 1-D int64 arrays, or a failed check saying why not."""
    # The Generator is passed as it is (call() would deep-copy it): its state must advance.
    result = call(lambda n_, b_: minibatch_indices(n_, b_, rng), n, batch_size, what=what)
    if result is None:
        raise AssertionError(say("s_batches_none", what=what))
    if isinstance(result, np.ndarray) and result.dtype != object:
        raise AssertionError(say("s_batches_array", what=what, shape=result.shape))
    try:
        batches = [np.asarray(b) for b in result]
    except TypeError:
        raise AssertionError(say("s_batches_type", what=what, got=type_name(result))) from None
    for i, b in enumerate(batches):
        if b.ndim != 1 or not (np.issubdtype(b.dtype, np.integer) or b.size == 0):
            raise AssertionError(say("s_batch_kind", what=what, i=i, shape=b.shape, dtype=b.dtype))
    return [b.astype(np.int64) for b in batches]


def assert_one_epoch(batches: list[np.ndarray], n: int, batch_size: int, what: str) -> None:
    """Sizes batch_size, ..., batch_size, rest, and every index of 0..n-1 exactly once."""
    full, rest = divmod(n, batch_size)
    want_sizes = [batch_size] * full + ([rest] if rest else [])
    sizes = [int(b.size) for b in batches]
    if sizes != want_sizes:
        raise AssertionError(say("s_batch_sizes", what=what, n=len(want_sizes), want=want_sizes, m=len(sizes),
                                 got=sizes))
    everything = np.concatenate(batches) if batches else np.zeros(0, np.int64)
    counts = np.bincount(everything[(everything >= 0) & (everything < n)], minlength=n)
    outside = everything[(everything < 0) | (everything >= n)]
    if outside.size:
        raise AssertionError(say("s_outside", what=what, last=n - 1, n=outside.size, first=outside[0]))
    if np.any(counts != 1):
        missing, repeated = np.flatnonzero(counts == 0), np.flatnonzero(counts > 1)
        raise AssertionError(say("s_once", what=what, missing=missing.size, repeated=repeated.size,
                                 index=(repeated if repeated.size else missing)[0]))


def check_minibatch_partition(minibatch_indices) -> None:
    """Every sample in exactly one batch; all batches full but the last."""
    for n, batch_size in ((10, 4), (12, 4), (3, 8), (100, 32)):
        what = f"minibatch_indices(n={n}, batch_size={batch_size}, rng=np.random.default_rng(0))"
        batches = batches_of(minibatch_indices, n, batch_size, np.random.default_rng(0), what)
        assert_one_epoch(batches, n, batch_size, what)


def check_minibatch_shuffled(minibatch_indices) -> None:
    """Shuffled, reproducible from a seed, and a new order for every epoch of one Generator."""
    n, batch_size = 100, 32
    what = f"minibatch_indices(n={n}, batch_size={batch_size}, rng=np.random.default_rng(7))"
    first = np.concatenate(batches_of(minibatch_indices, n, batch_size, np.random.default_rng(7), what))
    again = np.concatenate(batches_of(minibatch_indices, n, batch_size, np.random.default_rng(7), what))
    if np.array_equal(first, np.arange(n)):
        raise AssertionError(say("s_in_order", what=what))
    if not np.array_equal(first, again):
        raise AssertionError(say("s_same_seed", what=what))
    gen = np.random.default_rng(7)
    epoch1 = np.concatenate(batches_of(minibatch_indices, n, batch_size, gen, what))
    epoch2 = np.concatenate(batches_of(minibatch_indices, n, batch_size, gen, say("called_again", what=what)))
    if np.array_equal(epoch1, epoch2):
        raise AssertionError(say("s_new_order", what=what))


# -- SGD step -----------------------------------------------------------------------------

def assert_sgd_step(sgd_step, params: dict, grads: dict, lr: float, want: dict, what: str) -> None:
    """Call ``sgd_step`` and compare; fail if it changed ``params``' arrays or dict."""
    original = copy.deepcopy(params)
    passed = copy.deepcopy(params)
    # Passed as they are (call() would deep-copy them), so that changes to them show.
    result = call(lambda: sgd_step(passed, copy.deepcopy(grads), lr), what=what)
    if set(passed) != set(original):
        raise AssertionError(say("s_params_keys", what=what))
    if any(not np.array_equal(passed[k], original[k]) for k in original):
        raise AssertionError(say("s_params_changed", what=what))
    if not isinstance(result, dict):
        raise AssertionError(say("s_step_dict", what=what, got=type_name(result)))
    if set(result) != set(want):
        raise AssertionError(say("s_step_keys", what=what, want=sorted(want), got=sorted(result)))
    for name in want:
        assert_close(result[name], want[name], f"{what} -> [{name!r}]", atol=1e-12)


def check_sgd_step(sgd_step) -> None:
    """Fixed parameters and gradients, two step sizes, against stored updates."""
    data = expected()
    params = {"W1": data["sgd_W1"], "b1": data["sgd_b1"]}
    grads = {"W1": data["sgd_dW1"], "b1": data["sgd_db1"]}
    for lr in (0.1, 0.5):
        want = {name: data[f"sgd_{name}_lr{lr:g}"] for name in params}
        assert_sgd_step(sgd_step, params, grads, lr, want,
                        say("s_step", W1=params["W1"].shape, b1=params["b1"].shape, lr=lr))


# -- the lecture's 2-layer net f = W2 max(0, W1 x) ------------------------------------------------------------

def unpack_step(result, x, w1, w2, what: str):
    """``(loss, grad_w1, grad_w2)`` as (float, array, array) with the right shapes."""
    if not isinstance(result, tuple) or len(result) != 3:
        raise AssertionError(wrong_tuple(result, "(loss, grad_w1, grad_w2)", what))
    loss = as_result_array(result[0], what + " -> loss")
    if loss.size != 1:
        raise AssertionError(say("one_number", what=what + " -> loss", which=say("sum_all_elements"),
                                 shape=loss.shape))
    g1 = as_result_array(result[1], what + " -> grad_w1")
    g2 = as_result_array(result[2], what + " -> grad_w2")
    assert_shape(g1, w1.shape, what + " -> grad_w1")
    assert_shape(g2, w2.shape, what + " -> grad_w2")
    return number(loss, what + " -> loss"), g1, g2


def check_relu_net_step_values(relu_net_step) -> None:
    """A fixed small problem against the stored loss and gradients."""
    data = expected()
    x, y, w1, w2 = data["net_x"], data["net_y"], data["net_w1"], data["net_w2"]
    what = f"relu_net_step(x {x.shape}, y {y.shape}, w1 {w1.shape}, w2 {w2.shape})"
    loss, g1, g2 = unpack_step(call(relu_net_step, x, y, w1, w2, what=what), x, w1, w2, what)
    assert_close(loss, data["net_loss"], what + " -> loss", atol=1e-9)
    assert_close(g2, data["net_grad_w2"], what + " -> grad_w2", atol=1e-9)
    assert_close(g1, data["net_grad_w1"], what + " -> grad_w1", atol=1e-9)


def check_relu_net_step_gradients(relu_net_step) -> None:
    """Your gradients agree with your own loss along random directions (a gradient check).

    For a random direction ``v`` the change of the loss, ``(L(w + h v) - L(w - h v)) / 2h``,
    must equal ``sum(grad * v)``. (Not the coordinate-wise numerical gradient: that one is
    an exercise of this assignment.)
    """
    rng = np.random.default_rng(11)
    x, y = rng.standard_normal((4, 5)), rng.standard_normal((4, 2))
    w1, w2 = 0.5 * rng.standard_normal((5, 3)), rng.standard_normal((3, 2))
    what = f"relu_net_step(x {x.shape}, y {y.shape}, w1 {w1.shape}, w2 {w2.shape})"
    _, g1, g2 = unpack_step(call(relu_net_step, x, y, w1, w2, what=what), x, w1, w2, what)

    def loss_of(w1_, w2_):
        return unpack_step(call(relu_net_step, x, y, w1_, w2_, what=what), x, w1, w2, what)[0]

    h = 1e-6
    for name, analytic, shift in (("grad_w1", g1, lambda v: (loss_of(w1 + h * v, w2), loss_of(w1 - h * v, w2))),
                                  ("grad_w2", g2, lambda v: (loss_of(w1, w2 + h * v), loss_of(w1, w2 - h * v)))):
        changes = []
        for trial in range(4):
            v = rng.standard_normal(analytic.shape)
            plus, minus = shift(v)
            numerical, predicted = (plus - minus) / (2 * h), float(np.sum(analytic * v))
            changes.append(numerical)
            rel = abs(numerical - predicted) / max(abs(numerical) + abs(predicted), 1e-8)
            if not rel < 1e-6:
                raise AssertionError(say("s_direction", what=what, name=name, trial=trial + 1, predicted=predicted,
                                         numerical=numerical, rel=rel))
        assert_varies(np.array(changes), name[len("grad_"):], what)
