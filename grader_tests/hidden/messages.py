"""What the hidden checks say, in each language: ``say(key, **fields)`` (instructor only).

Like :mod:`grader_tests.messages` (same rules: the same fields in every language), for the
descriptions and messages only hidden checks use. They describe the random inputs (their
number, shape, kind), never their values. This module is never shipped to students.
"""

from __future__ import annotations

from coursework.i18n.messages import speaker

__all__ = ["CATALOG", "say"]

CATALOG: dict[str, dict[str, str]] = {
    # -- 01_features ---------------------------------------------------------------------------
    "f_hist": {
        "en": "color_histogram(random image #{k} of shape {shape}, bins={bins})",
        "ko": "color_histogram(shape가 {shape}인 무작위 image #{k}, bins={bins})",
    },
    "f_gradients": {
        "en": "image_gradients(random grey image #{k} of shape {shape})",
        "ko": "image_gradients(shape가 {shape}인 무작위 grey image #{k})",
    },
    "f_cells": {
        "en": "cell_histograms(random maps #{k} of shape {shape}, orientations={orientations}, pixels_per_cell={ppc})",
        "ko": "cell_histograms(shape가 {shape}인 무작위 map #{k}, orientations={orientations}, pixels_per_cell={ppc})",
    },
    "f_concat": {
        "en": "extract_features(random batch of shape {shape}, {n} extractors of widths {widths})",
        "ko": "extract_features(shape가 {shape}인 무작위 batch, 너비가 {widths}인 extractor {n}개)",
    },
    # -- 02_tensors ----------------------------------------------------------------------------
    "t_batch": {"en": "{fn}(random batch #{k} of shape {shape})", "ko": "{fn}(shape가 {shape}인 무작위 batch #{k})"},
    "t_normalize": {
        "en": "normalize_channels(random batch #{k} of shape {shape}, mean and std of shape {mean})",
        "ko": "normalize_channels(shape가 {shape}인 무작위 batch #{k}, shape가 {mean}인 mean과 std)",
    },
    "t_forward": {
        "en": "three_layer_forward(random x #{k} of shape {shape}, a random net {net})",
        "ko": "three_layer_forward(shape가 {shape}인 무작위 x #{k}, 무작위 net {net})",
    },
    # -- 03_activations ------------------------------------------------------------------------
    "a_forward": {
        "en": "{name}_forward(random input #{k} of shape {shape})",
        "ko": "{name}_forward(shape가 {shape}인 무작위 입력 #{k})",
    },
    "a_forward_alpha": {
        "en": "{name}_forward(random input #{k} of shape {shape}, a random alpha)",
        "ko": "{name}_forward(shape가 {shape}인 무작위 입력 #{k}, 무작위 alpha)",
    },
    "a_backward": {
        "en": "{name}_backward(random dout and input #{k} of shape {shape})",
        "ko": "{name}_backward(shape가 {shape}인 무작위 dout과 입력 #{k})",
    },
    "a_backward_alpha": {
        "en": "{name}_backward(random dout and input #{k} of shape {shape}, a random alpha)",
        "ko": "{name}_backward(shape가 {shape}인 무작위 dout과 입력 #{k}, 무작위 alpha)",
    },
    "a_maxout_forward": {
        "en": "maxout_forward(random x of shape {x}, W of shape {W}, b of shape {b}, #{k})",
        "ko": "maxout_forward(shape가 {x}인 무작위 x, shape가 {W}인 W, shape가 {b}인 b, #{k})",
    },
    "a_maxout_backward": {
        "en": "maxout_backward(random dout, x of shape {x}, W of shape {W}, b of shape {b}, #{k})",
        "ko": "maxout_backward(무작위 dout, shape가 {x}인 x, shape가 {W}인 W, shape가 {b}인 b, #{k})",
    },
    # -- 04_backprop ---------------------------------------------------------------------------
    "b_pair": {"en": "random pair #{k}: MyValue {op} MyValue", "ko": "무작위 쌍 #{k}: MyValue {op} MyValue"},
    "b_pair_number": {
        "en": "random pair #{k}: MyValue {op} a plain number",
        "ko": "무작위 쌍 #{k}: MyValue {op} 보통 수",
    },
    "b_sort": {
        "en": "topological_order(random graph #{k} with {n} nodes)",
        "ko": "topological_order(node {n}개의 무작위 graph #{k})",
    },
    "b_expression": {
        "en": "random expression #{k} ({ops} operations on {n} inputs)",
        "ko": "무작위 식 #{k} (입력 {n}개에 연산 {ops}개)",
    },
    "b_linear": {
        "en": "MyLinear on random batch #{k} (x of shape {x}, W {W}, b {b})",
        "ko": "무작위 batch #{k}에서 MyLinear (shape가 {x}인 x, W {W}, b {b})",
    },
    "b_params_changed": {
        "en": "{what}: params[{key!r}] changed during forward / backward; only the optimizer may change the "
              "parameters",
        "ko": "{what}: forward나 backward 중에 params[{key!r}]의 값이 바뀌었다. parameter는 optimizer만 바꿀 수 "
              "있다",
    },
    "b_sigmoid": {
        "en": "MySigmoid on random batch #{k} (x of shape {x})",
        "ko": "무작위 batch #{k}에서 MySigmoid (shape가 {x}인 x)",
    },
    # -- 05_sgd --------------------------------------------------------------------------------
    "s_ng": {
        "en": "numerical_gradient(random smooth function #{k}, x of shape {shape}, h={h:g})",
        "ko": "numerical_gradient(무작위 매끄러운 함수 #{k}, shape가 {shape}인 x, h={h:g})",
    },
    "s_iterations": {
        "en": "iterations_per_epoch(random case #{k}: n={n}, batch_size={batch_size})",
        "ko": "iterations_per_epoch(무작위 경우 #{k}: n={n}, batch_size={batch_size})",
    },
    "s_minibatch": {
        "en": "minibatch_indices(random case #{k}: n={n}, batch_size={batch_size}, a seeded Generator)",
        "ko": "minibatch_indices(무작위 경우 #{k}: n={n}, batch_size={batch_size}, seed를 준 Generator)",
    },
    "s_batch_count": {
        "en": "{what}: expected {want} batches, got {got}",
        "ko": "{what}: batch가 {want}개여야 하는데 {got}개이다",
    },
    "s_same_seed": {
        "en": "{what}: expected the same batches for the same seed, got different ones",
        "ko": "{what}: seed가 같으면 batch도 같아야 하는데 다른 batch가 나왔다",
    },
    "s_step": {
        "en": "sgd_step(random params #{k} with {n} arrays, grads, a random lr)",
        "ko": "sgd_step(array {n}개의 무작위 params #{k}, grads, 무작위 lr)",
    },
    "s_net": {
        "en": "relu_net_step(random problem #{k}: x {x}, y {y}, w1 {w1}, w2 {w2})",
        "ko": "relu_net_step(무작위 문제 #{k}: x {x}, y {y}, w1 {w1}, w2 {w2})",
    },
    # -- 06_regularization ---------------------------------------------------------------------
    "r_penalty": {
        "en": "{fn}(random weights #{k} of shape {shape})",
        "ko": "{fn}(shape가 {shape}인 무작위 weight #{k})",
    },
    "r_penalty_beta": {
        "en": "{fn}(random weights #{k} of shape {shape}, beta={beta:g})",
        "ko": "{fn}(shape가 {shape}인 무작위 weight #{k}, beta={beta:g})",
    },
    "r_dropout_forward": {
        "en": "dropout_forward(random x #{k} of shape {shape}, p={p:g}, a random mask)",
        "ko": "dropout_forward(shape가 {shape}인 무작위 x #{k}, p={p:g}, 무작위 mask)",
    },
    "r_dropout_backward": {
        "en": "dropout_backward(random dout #{k} of shape {shape}, a random mask, p={p:g})",
        "ko": "dropout_backward(shape가 {shape}인 무작위 dout #{k}, 무작위 mask, p={p:g})",
    },
    "r_bn_forward": {
        "en": "batchnorm_forward(random batch #{k} of shape {shape}, random gamma and beta, eps={eps:g})",
        "ko": "batchnorm_forward(shape가 {shape}인 무작위 batch #{k}, 무작위 gamma와 beta, eps={eps:g})",
    },
    "r_bn_backward": {
        "en": "batchnorm_backward(random dout #{k} of shape {shape}, the cache of a random batch)",
        "ko": "batchnorm_backward(shape가 {shape}인 무작위 dout #{k}, 무작위 batch의 cache)",
    },
    # -- 07_overfitting ------------------------------------------------------------------------
    "o_poly": {
        "en": "polynomial_features(random points #{k}, shape {shape}, degree={degree})",
        "ko": "polynomial_features(무작위 점 #{k}, shape {shape}, degree={degree})",
    },
    "o_fit": {
        "en": "fit_polynomial(random points #{k}, N={n}, degree={degree}, lam={lam:g})",
        "ko": "fit_polynomial(무작위 점 #{k}, N={n}, degree={degree}, lam={lam:g})",
    },
    "o_gap": {
        "en": "train_val_gap(random history #{k} of {epochs} epochs, last={last})",
        "ko": "train_val_gap({epochs} epoch의 무작위 history #{k}, last={last})",
    },
    "o_stop": {
        "en": "early_stopping_epoch(random validation curve #{k} of {epochs} epochs, patience={patience})",
        "ko": "early_stopping_epoch({epochs} epoch의 무작위 validation curve #{k}, patience={patience})",
    },
}

#: ``say(entry, **fields)``: entry ``entry`` of :data:`CATALOG` in the language in force, filled with ``fields``.
say = speaker(CATALOG, __name__)
