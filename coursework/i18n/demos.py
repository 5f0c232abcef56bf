"""The words of the lecture demos (:mod:`coursework.demos`) in each language: ``say(key, **fields)``.

Widget labels (sliders, drop-downs and their options, buttons), the line under the
controls and the figures' titles and captions. Each entry is a format string per
language, filled with the same fields (numbers, shapes, names) in both, as in
:mod:`.messages`; an unknown key or a missing field is a ``KeyError`` naming it. Text
that notebook figures share with the demos (class and photo names, the semantic gap's
knobs, "epoch", "training accuracy") comes from :mod:`.figures` (``tr``), so both say the same.

The language is the one in force when a demo is built or redraws
(:func:`coursework.i18n.language`): ``coursework demo/present --lang ko`` sets it for the
kernel. Korean follows the course's style (plain 한다체, the lecture's terms from
``glossary.csv``, a particle after an English word as the word is read).
"""

from __future__ import annotations

from .messages import fill

__all__ = ["DEMO_TEXT", "say"]

DEMO_TEXT: dict[str, dict[str, str]] = {
    # -- every training demo (coursework.demos._base) -----------------------------------
    "train": {"en": "Train", "ko": "학습"},
    "stop": {"en": "Stop", "ko": "멈춤"},
    "state_training": {"en": "training", "ko": "학습 중"},
    "state_done": {"en": "done", "ko": "끝"},
    "state_stopped": {"en": "stopped", "ko": "멈춤"},
    "progress": {"en": "epoch {epoch} / {epochs} ({state})", "ko": "epoch {epoch} / {epochs} ({state})"},
    # -- 01: the semantic gap, HoG ------------------------------------------------------
    "gap_class": {"en": "class", "ko": "class"},
    "gap_reference": {"en": "reference", "ko": "기준"},
    "gap_suptitle": {
        "en": "pixel distance d to the reference (red: farther than two different classes are, {between})",
        "ko": "기준 이미지까지의 pixel 거리 d (빨강: 서로 다른 두 class 사이의 평균 거리 {between}보다 먼 것)",
    },
    "hog_orientations": {"en": "orientations", "ko": "방향 수"},
    "hog_cell": {"en": "cell (px)", "ko": "cell 크기 (px)"},
    "hog_photo_title": {"en": "{name}, {height}x{width}", "ko": "{name}, {height}x{width}"},
    "hog_overlay_title": {"en": "{orientations} orientations, {cell}x{cell} cells",
                          "ko": "방향 {orientations}개, {cell}x{cell} cell"},
    "hog_cells_title": {"en": "the cells' orientations", "ko": "cell마다 그린 방향"},
    # -- 02: an image batch's layout, broadcasting ----------------------------------------
    "layout_batch": {"en": "batch N", "ko": "batch 크기 N"},
    "layout_operation": {"en": "operation", "ko": "연산"},
    "layout_image": {"en": "image", "ko": "이미지"},
    "layout_stored": {"en": "as stored (N, H, W, C)", "ko": "저장된 그대로 (N, H, W, C)"},
    "layout_batch_title": {"en": "X: {shape} = (N, H, W, C), uint8", "ko": "X: {shape} = (N, H, W, C), uint8"},
    "layout_stored_title": {"en": "X[{index}] as stored: {shape}", "ko": "저장된 그대로의 X[{index}]: {shape}"},
    "layout_after_title": {"en": "X[{index}] after {operation}: {shape}", "ko": "{operation} 뒤의 X[{index}]: {shape}"},
    "layout_plane": {"en": "C = {channel}: {shape}", "ko": "C = {channel}: {shape}"},
    "bc_refused": {
        "en": "{a} and {b} do not broadcast:\naxis {axis} of the padded shapes {pa} and {pb} has lengths {m} and {n}, "
              "neither is 1",
        "ko": "{a}, {b}: broadcast되지 않는다\n왼쪽을 1로 채운 shape {pa}, {pb}의 축 {axis}에서 길이가 {m}, {n}이고 "
              "어느 쪽도 1이 아니다",
    },
    "bc_steps": {
        "en": "shapes {a} and {b}  ->  pad with 1s on the left: {pa} and {pb}  ->  stretch the 1s: {result}",
        "ko": "shape {a}, {b}  →  왼쪽에 1 채우기: {pa}, {pb}  →  길이 1인 축 늘리기: {result}",
    },
    # -- 03: activations, dead ReLUs -------------------------------------------------------
    "act_functions": {"en": "activations", "ko": "activation function"},
    "act_range": {"en": "x range ±", "ko": "x 범위 ±"},
    "act_flat": {"en": "f' < 5% of its peak", "ko": "f' < 최댓값의 5%"},
    "act_title": {"en": "{name}: saturated on {share}", "ko": "{name}: saturation 구간 {share}"},
    "dead_activation": {"en": "activation", "ko": "activation function"},
    "dead_bias": {"en": "initial bias", "ko": "초기 bias"},
    "dead_regions_title": {"en": "epoch {epoch}: accuracy {acc}", "ko": "epoch {epoch}: 정확도 {acc}"},
    "dead_units": {"en": "dead hidden units", "ko": "dead hidden unit 비율"},
    "dead_curves_title": {"en": "{activation}, learning rate {lr}, bias {bias}: {dead} dead",
                          "ko": "{activation}, learning rate {lr}, bias {bias}: dead unit 비율 {dead}"},
    # -- 04: a graph, one node per step ----------------------------------------------------
    "graph_example": {"en": "graph", "ko": "예제"},
    "graph_one_gate": {"en": "sigmoid neuron, one gate", "ko": "sigmoid 뉴런, gate 하나"},
    "graph_primitives": {"en": "sigmoid neuron, primitives", "ko": "sigmoid 뉴런, 기본 연산 gate로"},
    "graph_step": {"en": "step", "ko": "단계"},
    "graph_suptitle": {"en": "step {step} of {steps}: {what}", "ko": "{steps}단계 중 {step}단계: {what}"},
    "graph_inputs": {"en": "the inputs", "ko": "입력"},
    "graph_forward": {"en": "forward: {op} gives {name} = {value}", "ko": "forward: {op} 연산으로 {name} = {value}"},
    "graph_op_node": {"en": "the {op} node", "ko": "{op} node"},
    "graph_constant": {"en": "a constant", "ko": "상수"},
    "graph_backward": {"en": "backward: grad of {name} = {grad} ({how})",
                       "ko": "backward: {name}의 gradient = {grad} ({how})"},
    "graph_how_sum": {"en": "the sum over its outputs of upstream x local",
                      "ko": "쓰인 곳마다 upstream gradient × local gradient를 더한 값"},
    # -- 05: GD vs SGD ---------------------------------------------------------------------
    "sgd_batch_size": {"en": "batch size", "ko": "batch size"},
    "learning_rate": {"en": "learning rate", "ko": "learning rate"},
    "momentum": {"en": "momentum", "ko": "momentum"},
    "sgd_epochs": {"en": "epochs (passes over the N samples)", "ko": "epoch (N개 sample 전체를 한 번씩 보는 횟수)"},
    "sgd_gd_steps": {"en": "1 iteration per epoch", "ko": "epoch당 iteration 1번"},
    "sgd_sgd_steps": {"en": "⌈{n} / {batch}⌉ = {k} iterations per epoch",
                      "ko": "epoch당 iteration ⌈{n} / {batch}⌉ = {k}번"},
    "sgd_title": {"en": "{name}: {steps}\n{updates} updates so far", "ko": "{name}: {steps}\n지금까지 update {updates}번"},
    "sgd_loss": {"en": "training loss (per update)", "ko": "training data의 loss (update마다)"},
    "sgd_suptitle": {"en": "learning rate {lr}, momentum {momentum}, epoch {epoch}",
                     "ko": "learning rate {lr}, momentum {momentum}, epoch {epoch}"},
    # -- 06: penalties, dropout, batch norm -------------------------------------------------
    "reg_penalty": {"en": "penalty", "ko": "penalty"},
    "reg_none": {"en": "none", "ko": "없음"},
    "reg_dropout": {"en": "dropout p", "ko": "dropout p"},
    "reg_batchnorm": {"en": "batch norm", "ko": "batch norm"},
    "reg_weight": {"en": "weight", "ko": "weight 값"},
    "reg_hist_title": {"en": "{count} weights: |w| < 0.01 for {share}, Σw² = {squares}",
                       "ko": "weight {count}개: |w| < 0.01인 비율 {share}, Σw² = {squares}"},
    "reg_unused": {"en": "no penalty (λ {lam} unused)", "ko": "penalty 없음 (λ {lam} 무시)"},
    "reg_regions_title": {"en": "{setting}, dropout {p}{batchnorm}: accuracy {acc}",
                          "ko": "{setting}, dropout {p}{batchnorm}: 정확도 {acc}"},
    # -- 07: polynomial degree, early stopping -----------------------------------------------
    "poly_points": {"en": "points", "ko": "점 개수"},
    "poly_degree": {"en": "degree {degree}", "ko": "{degree}차"},
    "poly_capped": {"en": " (at most N - 1 with λ = 0)", "ko": " (λ = 0이면 최대 N - 1차)"},
    "poly_fit_title": {"en": "degree {degree}{capped}, {n} points, λ = {lam}",
                       "ko": "{degree}차{capped}, 점 {n}개, λ = {lam}"},
    "poly_errors_title": {"en": "train {train}, new points {new}", "ko": "training data {train}, 새 data {new}"},
    "es_noise": {"en": "label noise", "ko": "틀린 label 비율"},
    "es_hidden": {"en": "hidden units", "ko": "hidden unit 수"},
    "es_patience": {"en": "patience", "ko": "patience"},
    "es_curve": {"en": "{hidden} hidden", "ko": "hidden unit {hidden}개"},
    "es_title": {"en": "label noise {noise}, patience {patience}{stopped}",
                 "ko": "틀린 label {noise}, patience {patience}{stopped}"},
    "es_stopped": {"en": "; early stopping would have stopped at epoch {epoch}",
                   "ko": ", early stopping을 썼다면 epoch {epoch}에서 멈췄을 것이다"},
}


def say(key: str, lang: str | None = None, **fields: object) -> str:
    """The demo text ``key`` in ``lang`` (default: the language in force), filled with ``fields``."""
    return fill(DEMO_TEXT, "coursework.i18n.demos", key, lang, fields)
