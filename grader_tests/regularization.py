"""Visible checks of assignment ``06_regularization`` (shipped to students).

They stand on their own: fixed inputs with expected values stored in
``expected/06_regularization.npz`` (made from the reference by ``python -m
grader_tests.make_expected``), the lecture's worked example, and properties any right
answer has (inverted dropout's scale, normalised features, gradients that agree with
finite differences). Each function is one check, worth its own points in the notebook.
"""

from __future__ import annotations

import numpy as np

from .harness import as_result_array, assert_close, assert_shape, call, centred_gradient, stored, type_name, wrong_tuple
from .messages import say
from .plain import assert_varies, number

ASSIGNMENT = "06_regularization"

#: The lecture's example (two weight vectors with the same score on x = [1, 1, 1, 1]).
W1 = np.array([1.0, 0.0, 0.0, 0.0])
W2 = np.array([0.25, 0.25, 0.25, 0.25])


def expected() -> dict:
    """The stored inputs and expected outputs of these checks."""
    return stored(ASSIGNMENT)


def value_and_grad(result, W: np.ndarray, what: str) -> tuple[float, np.ndarray]:
    """``(R, dW)`` as (float, array of W's shape), or a failed check saying why not."""
    if not isinstance(result, tuple) or len(result) != 2:
        raise AssertionError(wrong_tuple(result, "(value, gradient)", what))
    value = as_result_array(result[0], what + " -> value")
    if value.size != 1:
        raise AssertionError(say("one_number", what=what + " -> value", which=say("sum_all_weights"),
                                 shape=value.shape))
    grad = as_result_array(result[1], what + " -> gradient")
    assert_shape(grad, W.shape, what + " -> gradient")
    return number(value, what + " -> value"), grad


def _penalty_case(func, W, want_value, want_grad, what, *args, hints=(), zero_at_zero=False) -> None:
    """``hints``: (a wrong value, the catalog key of what it is) for the usual mistakes."""
    value, grad = value_and_grad(call(func, W, *args, what=what), W, what)
    for wrong, hint in hints:
        if abs(want_value - wrong) > 1e-9 and abs(value - wrong) <= 1e-9:
            raise AssertionError(say("r_value", what=what, want=want_value, got=value, hint=say(hint)))
    assert_close(value, want_value, what + " -> value", atol=1e-9)
    if zero_at_zero and np.any(grad[W == 0] != 0):
        raise AssertionError(say("r_zero_at_zero", what=what, n=int(np.sum(grad[W == 0] != 0))))
    assert_close(grad, want_grad, what + " -> gradient", atol=1e-9)


# -- weight penalties -----------------------------------------------------------------------

def check_l2_lecture_example(l2_penalty) -> None:
    """The lecture's w1 = [1, 0, 0, 0] and w2 = [0.25] * 4: R = 1 and 0.25 (the note's 3 and 2.25 are wrong)."""
    for name, W, want in (("w1", W1, 1.0), ("w2", W2, 0.25)):
        note = float(np.sum((1 - W) ** 2))
        _penalty_case(l2_penalty, W, want, 2 * W, f"l2_penalty({name} = {W.tolist()})",
                      hints=((note, "r_hint_l2_note"), (want / 2, "r_hint_l2_half")))


def check_l2_values(l2_penalty) -> None:
    """A fixed matrix against the stored penalty and gradient."""
    data = expected()
    W = data["pen_W"]
    _penalty_case(l2_penalty, W, float(data["l2_value"]), data["l2_grad"], say("r_l2_W", shape=W.shape),
                  hints=((float(data["l2_value"]) / 2, "r_hint_l2_half_W"),
                         (float(np.sqrt(data["l2_value"])), "r_hint_l2_norm")))


def check_l1_values(l1_penalty) -> None:
    """The lecture's example (R = 1 for both) and a fixed matrix with zeros (gradient 0 there)."""
    for name, W in (("w1", W1), ("w2", W2)):
        _penalty_case(l1_penalty, W, 1.0, np.sign(W), f"l1_penalty({name} = {W.tolist()})",
                      hints=((float(np.sum(np.abs(1 - W))), "r_hint_l1_note"),),
                      zero_at_zero=True)
    data = expected()
    W = data["pen_W"]
    _penalty_case(l1_penalty, W, float(data["l1_value"]), data["l1_grad"],
                  say("r_l1_W", shape=W.shape), zero_at_zero=True)


def check_elastic_net_values(elastic_net) -> None:
    """The lecture's example with beta = 1 (2 and 1.25) and a fixed matrix with beta = 0.5, 0 and the default."""
    for name, W, want in (("w1", W1, 2.0), ("w2", W2, 1.25)):
        _penalty_case(elastic_net, W, want, 2 * W + np.sign(W), f"elastic_net({name} = {W.tolist()}, beta=1.0)", 1.0)
    data = expected()
    W = data["pen_W"]
    for beta in (0.5, 0.0):
        _penalty_case(elastic_net, W, float(data[f"en_value_b{beta:g}"]), data[f"en_grad_b{beta:g}"],
                      say("r_en_W", shape=W.shape, beta=beta), beta)
    what = say("r_en_default", shape=W.shape)
    value, grad = value_and_grad(call(elastic_net, W, what=what), W, what)
    assert_close(value, float(data["en_value_b1"]), say("r_en_default_value", what=what), atol=1e-9)
    assert_close(grad, data["en_grad_b1"], what + " -> gradient", atol=1e-9)


# -- dropout ----------------------------------------------------------------------------------

def check_dropout_forward_values(dropout_forward) -> None:
    """A fixed input and mask, p = 0.3, against the stored output."""
    data = expected()
    x, mask = data["do_x"], data["do_mask"]
    what = say("r_dropout_forward", x=x.shape, p=0.3, mask=mask.shape)
    got = as_result_array(call(dropout_forward, x, 0.3, mask, what=what), what)
    assert_shape(got, x.shape, what)
    if np.allclose(got, x * mask, atol=1e-9):
        raise AssertionError(say("r_not_scaled", what=what))
    if np.allclose(got, x * mask / 0.3, atol=1e-9):
        raise AssertionError(say("r_divided_by_p", what=what))
    assert_close(got, data["do_out"], what, atol=1e-9)


def check_dropout_forward_properties(dropout_forward) -> None:
    """Dropped units are 0, kept ones are x / (1 - p); p = 0 with every unit kept is the identity."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 7)) + 0.5
    mask = rng.random((6, 7)) >= 0.6
    what = say("r_dropout_forward", x=x.shape, p=0.6, mask=mask.shape)
    got = as_result_array(call(dropout_forward, x, 0.6, mask, what=what), what)
    assert_shape(got, x.shape, what)
    if np.any(got[~mask] != 0):
        raise AssertionError(say("r_dropped_nonzero", what=what))
    assert_close(got[mask], x[mask] / 0.4, say("r_kept_units", what=what), atol=1e-9)
    keep_all = np.ones_like(mask)
    what = say("r_keep_all", x=x.shape)
    assert_close(call(dropout_forward, x, 0.0, keep_all, what=what), x, say("r_identity", what=what), atol=1e-12)


def check_dropout_backward_values(dropout_backward) -> None:
    """A fixed upstream gradient and mask, p = 0.3, against the stored dx."""
    data = expected()
    dout, mask = data["do_dout"], data["do_mask"]
    what = say("r_dropout_backward", dout=dout.shape, mask=mask.shape, p=0.3)
    got = as_result_array(call(dropout_backward, dout, mask, 0.3, what=what), what)
    assert_shape(got, dout.shape, what)
    if np.allclose(got, dout * mask, atol=1e-9):
        raise AssertionError(say("r_backward_not_scaled", what=what))
    assert_close(got, data["do_dx"], what, atol=1e-9)


# -- batch normalization -----------------------------------------------------------------------

def unpack_forward(result, x: np.ndarray, what: str):
    """``(out, (x_hat, gamma, inv_std))`` with the right shapes, or a failed check."""
    if not isinstance(result, tuple) or len(result) != 2:
        raise AssertionError(wrong_tuple(result, "(out, cache)", what))
    out = as_result_array(result[0], what + " -> out")
    assert_shape(out, x.shape, what + " -> out")
    cache = result[1]
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise AssertionError(say("r_cache_size", what=what, n=len(cache)) if isinstance(cache, tuple)
                             else say("r_cache_type", what=what, got=type_name(cache)))
    x_hat = as_result_array(cache[0], what + " -> cache x_hat")
    gamma = as_result_array(cache[1], what + " -> cache gamma")
    inv_std = as_result_array(cache[2], what + " -> cache inv_std")
    assert_shape(x_hat, x.shape, what + " -> cache x_hat")
    assert_shape(gamma, (x.shape[1],), what + " -> cache gamma")
    assert_shape(inv_std, (x.shape[1],), what + " -> cache inv_std")
    return out, (x_hat, gamma, inv_std)


def check_batchnorm_forward_values(batchnorm_forward) -> None:
    """A fixed batch of 6 samples with 4 features against the stored output and cache."""
    data = expected()
    x, gamma, beta = data["bn_x"], data["bn_gamma"], data["bn_beta"]
    what = say("r_bn_forward", x=x.shape)
    out, (x_hat, g, inv_std) = unpack_forward(call(batchnorm_forward, x, gamma, beta, what=what), x, what)
    unbiased = 1.0 / np.sqrt(x.var(axis=0, ddof=1) + 1e-5)
    if np.allclose(inv_std, unbiased, atol=1e-9):
        raise AssertionError(say("r_unbiased", what=what))
    assert_close(out, data["bn_out"], what + " -> out", atol=1e-9)
    assert_close(x_hat, data["bn_x_hat"], what + " -> cache x_hat", atol=1e-9)
    assert_close(g, gamma, what + " -> cache gamma", atol=0.0)
    assert_close(inv_std, data["bn_inv_std"], what + " -> cache inv_std", atol=1e-9)


def check_batchnorm_forward_properties(batchnorm_forward) -> None:
    """Features of very different scales come out with mean beta and standard deviation gamma."""
    rng = np.random.default_rng(8)
    x = np.array([100.0, -2.0, 0.0]) + np.array([30.0, 0.01, 1.0]) * rng.standard_normal((16, 3))
    for gamma, beta in ((np.ones(3), np.zeros(3)), (np.array([2.0, 0.5, 1.0]), np.array([3.0, -1.0, 0.0]))):
        what = say("r_bn_scales", x=x.shape, gamma=gamma.tolist(), beta=beta.tolist())
        out, _ = unpack_forward(call(batchnorm_forward, x, gamma, beta, eps=1e-12, what=what), x, what)
        assert_close(out.mean(axis=0), beta, say("r_feature_mean", what=what), atol=1e-8)
        assert_close(out.std(axis=0), gamma, say("r_feature_std", what=what), atol=1e-6)


def unpack_backward(result, N: int, D: int, what: str):
    """``(dx, dgamma, dbeta)`` with shapes (N, D), (D,), (D,), or a failed check."""
    if not isinstance(result, tuple) or len(result) != 3:
        raise AssertionError(wrong_tuple(result, "(dx, dgamma, dbeta)", what))
    dx = as_result_array(result[0], what + " -> dx")
    dgamma = as_result_array(result[1], what + " -> dgamma")
    dbeta = as_result_array(result[2], what + " -> dbeta")
    assert_shape(dx, (N, D), what + " -> dx")
    assert_shape(dgamma, (D,), what + " -> dgamma")
    assert_shape(dbeta, (D,), what + " -> dbeta")
    return dx, dgamma, dbeta


def check_batchnorm_backward_values(batchnorm_backward) -> None:
    """A fixed upstream gradient and cache (x_hat, gamma, inv_std) against the stored gradients."""
    data = expected()
    dout = data["bn_dout"]
    cache = (data["bn_x_hat"], data["bn_gamma"], data["bn_inv_std"])
    N, D = dout.shape
    what = say("r_bn_backward", dout=dout.shape, n=N)
    dx, dgamma, dbeta = unpack_backward(call(batchnorm_backward, dout, cache, what=what), N, D, what)
    assert_close(dbeta, data["bn_dbeta"], what + " -> dbeta", atol=1e-9)
    assert_close(dgamma, data["bn_dgamma"], what + " -> dgamma", atol=1e-9)
    if np.allclose(dx, dout * data["bn_gamma"] * data["bn_inv_std"], atol=1e-9):
        raise AssertionError(say("r_bn_fixed_stats", what=what))
    assert_close(dx, data["bn_dx"], what + " -> dx", atol=1e-9)


def check_batchnorm_backward_numerical(batchnorm_forward, batchnorm_backward) -> None:
    """Gradient check on a batch of 5: your backward against centred differences of
    L = Σ out · dout computed with your forward, for x, gamma and beta (a forward pass
    that does not change with one of them fails: 0 against 0 proves nothing)."""
    rng = np.random.default_rng(13)
    x = 2.0 * rng.standard_normal((5, 3)) + 1.0
    gamma, beta = 1.0 + 0.5 * rng.standard_normal(3), rng.standard_normal(3)
    dout = rng.standard_normal((5, 3))
    what = say("r_bn_both", x=x.shape)
    _, cache = unpack_forward(call(batchnorm_forward, x, gamma, beta, what=what), x, what)
    dx, dgamma, dbeta = unpack_backward(call(batchnorm_backward, dout, cache, what=what), 5, 3, what)

    def objective(x_, gamma_, beta_):
        out, _ = unpack_forward(call(batchnorm_forward, x_, gamma_, beta_, what=what), x, what)
        return float(np.sum(out * dout))

    numerical = {"dx": centred_gradient(lambda v: objective(v, gamma, beta), x),
                 "dgamma": centred_gradient(lambda v: objective(x, v, beta), gamma),
                 "dbeta": centred_gradient(lambda v: objective(x, gamma, v), beta)}
    for name, analytic in (("dx", dx), ("dgamma", dgamma), ("dbeta", dbeta)):
        num = numerical[name]
        assert_varies(num, name[1:], what)
        rel = np.abs(analytic - num) / np.maximum(np.abs(analytic) + np.abs(num), 1e-8)
        worst = np.unravel_index(int(np.argmax(rel)), rel.shape)
        if not rel[worst] < 1e-6:
            index = tuple(int(i) for i in worst)
            raise AssertionError(say("r_bn_numerical", what=what, name=name, rel=rel[worst],
                                     index=index[0] if len(index) == 1 else index, analytic=analytic[worst],
                                     numerical=num[worst]))
