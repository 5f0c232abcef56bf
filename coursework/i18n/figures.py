"""Figure text in the course's language: ``tr(text)``.

The plotting functions pass every title, axis label and legend entry through :func:`tr`,
including the titles a notebook's code cell hands them -- code cells are the same in both
languages, so the translation happens when the figure is drawn. English text (and any text
the catalog does not know, such as class names or a student's own labels) is returned as
it is. Korean text follows the glossary (technical terms in English, as the lecture writes
them).

Importing this module (the plotting package does) registers the Hangul font as matplotlib's
fallback (:mod:`.fonts`): a text object takes its font when it is created -- an Axes' title
when the Axes is -- so the font must be in place before the first figure, not when the
first Korean string is made. English text keeps its font; only glyphs it lacks fall back.

``FIGURE_TEXT`` maps exact English strings; ``FIGURE_PATTERNS`` maps strings with numbers
or names in them (``"iteration (28 per epoch)"``), which keep their values.
"""

from __future__ import annotations

import re

from .fonts import use_hangul_font
from .settings import check_language, language

__all__ = ["FIGURE_TEXT", "FIGURE_PATTERNS", "tr"]

FIGURE_TEXT: dict[str, str] = {
    # names that code passes as titles, legends or bar labels (every topic)
    "cat": "고양이",
    "house": "집",
    "car": "자동차",
    "tree": "나무",
    "face": "얼굴",
    "non-face": "얼굴 아님",
    "astronaut": "우주 비행사",
    "chelsea": "고양이",
    "coffee": "커피",
    "rocket": "로켓",
    "motorcycle": "오토바이",
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "elu": "ELU",
    # 01_features
    "The semantic gap in pixels": "pixel로 본 semantic gap",
    "canonical": "기준 이미지",
    "viewpoint": "시점",
    "clutter": "배경 복잡도",
    "illumination": "조명",
    "all three": "세 가지 모두",
    "mean pixel distance, same class": "평균 pixel 거리, 같은 class",
    "different classes, canonical": "다른 class의 기준 이미지",
    "your histogram, 4 bins per channel": "작성한 histogram, 채널당 bin 4개",
    "your cell histograms over the image": "작성한 cell histogram을 image 위에 그린 것",
    "photo": "사진",
    "pixels": "pixel",
    "colour histogram": "color histogram",
    "linear classifier, 10 training patches per class": "linear classifier, class당 training patch 10개",
    "colour bin (r, g, b)": "색 구간 (r, g, b)",
    "fraction of pixels": "pixel 비율",
    "test accuracy": "test 정확도",
    "strength": "강도",
    "HoG cells over the image": "image 위에 그린 HoG cell",
    # 02_tensors (also the names of format_rank_table's rows)
    "image (the cat)": "이미지 (고양이)",
    "batch of images": "이미지의 batch",
    "batch of 1 video": "video 하나짜리 batch",
    "red plane": "빨강 평면",
    "green plane": "초록 평면",
    "blue plane": "파랑 평면",
    "a column (3, 1) plus a row (4,): both stretched to (3, 4)": "열 (3, 1) 더하기 행 (4,): 둘 다 (3, 4)로 늘어난다",
    "scores (N, M) plus a bias (M,): the bias is added to every row":
        "scores (N, M) 더하기 bias (M,): bias가 모든 행에 더해진다",
    # 03_activations
    "mean output on N(0, 1) inputs": "N(0, 1) 입력에 대한 평균 출력",
    "how far from zero-centred": "출력의 중심이 원점에서 얼마나 먼가",
    "fraction of hidden units": "hidden unit 비율",
    "never active on the training set (z ≤ 0)": "training data에서 한 번도 활성화되지 않음 (z ≤ 0)",
    "dead: zero gradient on every sample": "dead: 모든 sample에서 gradient가 0",
    "dead ReLUs": "dead ReLU",
    "training accuracy": "training 정확도",
    "learning rate": "learning rate",
    "good setting": "좋은 설정",
    "large learning rate": "큰 learning rate",
    "negative bias init": "음수 bias로 초기화",
    "linear only": "linear layer만",
    "ReLU net, 50 epochs of SGD": "ReLU network, SGD로 50 epoch 학습",
    "pieces x and 0: ReLU": "조각 x와 0: ReLU",
    "pieces x and 0.1x: Leaky ReLU": "조각 x와 0.1x: Leaky ReLU",
    "4 pieces: convex, piecewise linear": "조각 4개: 볼록한 piecewise linear",
    "your sigmoid: flat, and with a tiny gradient, for large |x|": "작성한 sigmoid: |x|가 크면 평평하고 gradient가 아주 작다",
    # 04_backprop
    "finite difference": "finite difference",
    "add distributes": "add gate: 똑같이 나눠 준다",
    "mul swaps": "mul gate: 서로 맞바꾼다",
    "max routes": "max gate: 큰 쪽으로만 보낸다",
    "copy adds": "copy gate: 더한다",
    # 05_sgd
    "one-sided (f(x+h) − f(x)) / h": "한쪽 방향 (f(x+h) − f(x)) / h",
    "centred (f(x+h) − f(x−h)) / 2h": "중심 (f(x+h) − f(x−h)) / 2h",
    "forward": "한쪽 방향",
    "centred": "중심",
    "random search\n(1,000 tries)": "random search\n(1,000번 시도)",
    "gradient descent\n(100 steps)": "gradient descent\n(step 100번)",
    "sigmoid, randn weights (the lecture)": "sigmoid, randn weight (강의)",
    "ReLU, He-scaled (yours)": "ReLU, He scaling (작성한 것)",
    "random search": "random search",
    "try": "시도",
    "training loss": "training data의 loss",
    "loss of each try": "시도별 loss",
    "best so far": "지금까지 최저",
    "1,000 random linear classifiers (digits)": "random linear classifier 1,000개 (digits)",
    "step h": "간격 h",
    "rel_error vs analytic": "analytic gradient 대비 rel_error",
    "finite differences": "finite difference",
    "chance": "우연 수준",
    "linear classifier on the digits": "digits에 대한 linear classifier",
    "samples processed": "처리한 sample 수",
    "training loss (all samples)": "training data의 loss (전체 sample)",
    "target": "목표",
    "the same loss, for how much work?": "같은 loss에 드는 일의 양은?",
    "full-batch GD": "전체 batch GD",
    "update": "update 횟수",
    "loss Σ (y_pred − y)²": "loss Σ (y_pred − y)²",
    "the lecture's 2-layer net": "강의의 2-layer network",
    "MLP [64, 100, 10] on the digits, SGD with batches of 64": "digits에 대한 MLP [64, 100, 10], batch 64의 SGD",
    "minibatch loss": "minibatch loss",
    "mean over the epoch": "epoch 평균",
    "loss": "loss",
    "epoch": "epoch",
    "accuracy": "정확도",
    "training": "training 정확도",      # a curve of accuracy on the training data (every use)
    "validation": "validation 정확도",
    # 06_regularization
    "scale c of the weights": "weight의 배율 c",
    "every c ≥ 1 has zero data loss": "c ≥ 1이면 모두 data loss가 0이다",
    "the penalty tells the zero-loss weights apart": "penalty가 loss 0인 weight들을 구별한다",
    "one weight w": "weight 하나 w",
    "the penalties of one weight": "weight 하나의 penalty",
    "the penalty shrinks the weights": "penalty가 weight를 줄인다",
    "data loss": "data loss",
    "...at the price of the data loss": "...data loss를 대가로",
    "total": "합계",
    # 07_overfitting
    "no dropout": "dropout 없음",
    "new points": "새 data",
    "training points": "training data",
    "f1 fits every training point, f2 does not": "f1은 모든 training data에 맞고, f2는 그렇지 않다",
    "degree": "차수",
    "mean squared error": "평균 제곱 오차",
    "more flexible: lower training error, not lower error on new points":
        "더 유연할수록 training data의 오차는 낮아지지만, 새 data의 오차는 낮아지지 않는다",
    "degree 9 with an L2 penalty": "L2 penalty를 준 9차",
    "degree 9: error against λ": "9차: λ에 따른 오차",
    "100 digits, 20% wrong labels, no regularization": "digits 100개, label 20%가 틀림, regularization 없음",
    "accuracy against the L2 strength": "L2 강도에 따른 정확도",
    "over the epochs": "epoch에 따라",
    "dropout": "dropout",
    "early stopping with patience 5": "patience 5의 early stopping",
    "λ (L2 strength)": "λ (L2 강도)",
    "accuracy, last 5 epochs": "정확도, 마지막 5 epoch",
}

#: Text with numbers or names in it. A named group that is itself a figure text (a label
#: such as "no dropout" in "no dropout: training") is translated too.
FIGURE_PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p), ko) for p, ko in [
    (r"frame t = (?P<t>\d+)", "프레임 t = {t}"),
    (r"a video of shape (?P<shape>\(.*\)): T x H x W x C", "shape {shape}의 video: T x H x W x C"),
    (r"reshape, 'plane' (?P<k>\d+)", "reshape, '평면' {k}"),
    (r"(?P<name>.+): training accuracy (?P<acc>\S+)", "{name}: training 정확도 {acc}"),
    (r"iteration \((?P<k>\d+) per epoch\)", "iteration (epoch당 {k})"),
    (r"chance (?P<p>\S+)", "우연 수준 {p}"),
    (r"(?P<label>.+): training", "{label}: training 정확도"),      # accuracy curves (plot_accuracy_curves)
    (r"(?P<label>.+): validation", "{label}: validation 정확도"),
    (r"(?P<label>.+): kept epoch (?P<e>\d+)", "{label}: 남긴 epoch {e}"),
    (r"f(?P<k>\d+): degree (?P<d>\d+)", "f{k}: {d}차"),
    (r"degree (?P<d>\d+), λ = (?P<lam>.+)", "{d}차, λ = {lam}"),
    (r"degree (?P<d>\d+)", "{d}차"),
    (r"σ'\(x\) = \(1 − σ\)σ; largest difference (?P<e>\S+)", "σ'(x) = (1 − σ)σ, 가장 큰 차이 {e}"),
]]

def tr(text, lang: str | None = None):
    """``text`` in ``lang`` (default: the language in force); unknown text unchanged."""
    if not isinstance(text, str) or not text:
        return text
    code = check_language(lang, "lang") if lang else language()
    if code == "en":
        return text
    out = FIGURE_TEXT.get(text)
    if out is None:
        for pattern, ko in FIGURE_PATTERNS:
            m = pattern.fullmatch(text)
            if m:
                out = ko.format(**{k: FIGURE_TEXT.get(v, v) for k, v in m.groupdict().items()})
                break
    if out is None:
        return text
    use_hangul_font()   # a clear error if the font's package is missing
    return out


try:
    use_hangul_font()
except FileNotFoundError:   # said by tr() when a Korean text is needed
    pass
