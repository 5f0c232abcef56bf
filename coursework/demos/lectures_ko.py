"""The lecture notebooks' markdown in Korean: what ``lectures/<topic>.ipynb`` holds in each
markdown cell's ``metadata.coursework.i18n.ko`` (:mod:`coursework.i18n.notebooks`' format).

Each text records ``translates``, the fingerprint of the English it was written from (the
cell's source, generated from the demo's ``title`` and docstring): when the English
changes, :func:`coursework.i18n.notebooks.drift` names the cell until the Korean here is
revisited and its fingerprint updated (the drift message gives the new one).

Written as the course's Korean is (the style guide in ``docs/``): plain 한다체, 우리, the
lecture's terms (``coursework/i18n/glossary.csv``), no dashes, a particle after an English
word as the word is read.
"""

from __future__ import annotations

__all__ = ["TOPIC_TITLES_KO", "INTRO_KO", "DEMOS_KO"]

#: topic -> (its title in Korean, fingerprint of the English title cell it translates)
TOPIC_TITLES_KO: dict[str, tuple[str, str]] = {
    "01_features": ("Image features: semantic gap과 HoG", "5517d462fa4dd742"),
    "02_tensors": ("Tensor: 이미지 batch, 축 순서, broadcasting", "cdc1c8046a93990b"),
    "03_activations": ("Activation function: saturation과 dead ReLU", "1ae5291252af1606"),
    "04_backprop": ("Backpropagation: computational graph 위에서", "91038740a95ba2c8"),
    "05_sgd": ("Gradient descent와 SGD", "3ddb61b6bfb24ddd"),
    "06_regularization": ("Regularization: penalty, dropout, batch norm", "b79df7f1f5869d7e"),
    "07_overfitting": ("Overfitting: 모델의 표현력, data의 양, λ, early stopping", "9025144ff7f23860"),
}

#: the paragraph under every topic's title; ``{topic}`` is the topic
INTRO_KO = ("강의 시연 페이지이다. 조절 막대나 선택 상자를 움직이면 그림이 바로 다시 그려진다. "
            "강의실에서는 이 페이지를 코드 없이 띄운다(`coursework present {topic} --lang ko`).")

#: demo class name -> (its heading and paragraph in Korean, fingerprint of the English cell)
DEMOS_KO: dict[str, tuple[str, str]] = {
    "SemanticGapDemo": (
        "## semantic gap: 같은 물체, 다른 pixel\n\n"
        "시점, 배경 복잡도, 조명을 하나씩 올려 보자. 물체는 그대로인데 pixel은 기준 이미지에서 점점 멀어진다.",
        "acd107e3c7241ad2"),
    "HogDemo": (
        "## 사진 한 장의 HoG\n\n"
        "방향 수와 cell 크기를 바꾸어 보자. 오른쪽에는 cell마다 gradient의 방향을 그린 그림이 함께 나온다.",
        "c04d2126bf01b2f1"),
    "BatchLayoutDemo": (
        "## 이미지 batch의 축 순서: transpose와 reshape\n\n"
        "batch의 이미지들을 한 줄로 늘어놓고, 연산을 거친 이미지 하나를 채널별 평면 세 장으로 보여 준다.",
        "7984f28acd3f92a5"),
    "BroadcastingDemo": (
        "## broadcasting: shape가 다른 a와 b 더하기\n\n"
        "두 shape의 `a + b`를 계산한다. broadcasting 규칙을 단계별로 적고, 늘어난 복사본은 흐리게 그린다.",
        "d051d19f2973c31e"),
    "ActivationCurvesDemo": (
        "## activation function과 그 미분: 어디에서 saturation이 일어날까?\n\n"
        "고른 activation function마다 f(실선)와 f'(점선)를 그린다. f'가 최댓값의 5%보다 작은 구간은 회색으로 "
        "칠한다.",
        "c2b13a0f0e1aa19f"),
    "DeadReluDemo": (
        "## dead ReLU: learning rate와 초기 bias를 바꾸며 나선 data로 실시간 학습\n\n"
        "hidden layer가 하나인 neural network를 나선 모양의 data로 눈앞에서 학습시킨다. 결정 영역, dead unit의 "
        "비율, 정확도가 어떻게 변하는지 함께 지켜보자.",
        "42effff7bfdab15f"),
    "GraphStepsDemo": (
        "## backpropagation: 한 번에 node 하나씩\n\n"
        "강의의 computational graph를 한 단계에 node 하나씩 따라간다. 값은 앞으로(forward), gradient는 "
        "뒤로(backward) 계산한다.",
        "7f7cbde03560afaa"),
    "GdVsSgdDemo": (
        "## gradient descent와 stochastic gradient descent\n\n"
        "digits를 분류하는 linear softmax classifier를 같은 출발점에서 두 번 학습시킨다. 한 번은 epoch마다 "
        "전체 data로 한 번 update하고(GD), 다른 한 번은 크기 B의 minibatch로 epoch마다 ⌈N / B⌉번 update한다"
        "(SGD). learning rate와 momentum은 같다. 본 sample의 수는 같아도 SGD가 step을 훨씬 많이 밟으므로, "
        "epoch 한두 번이면 SGD가 한참 앞선다.",
        "43f028dabd33ed1c"),
    "RegularizationDemo": (
        "## regularization: penalty, dropout, batch norm\n\n"
        "network가 학습하는 동안 두 layer의 weight를 모은 histogram과 결정 영역이 어떻게 변하는지 알아보자.",
        "0d86e8710515d3ae"),
    "PolynomialDemo": (
        "## overfitting: 다항식의 차수, 점의 개수, λ\n\n"
        "직선에서 뽑은 점 N개에 noise를 섞고, 고른 차수의 다항식을 맞춘다(L2 강도 λ). 맞춘 곡선과 함께, "
        "차수마다 training data와 새 data에서 잰 오차를 보여 준다.",
        "d666573b69e24ecc"),
    "EarlyStoppingDemo": (
        "## 시간에 따른 overfitting: early stopping\n\n"
        "label 일부를 틀리게 바꾼 digits 100개로 MLP를 학습시킨다. training 정확도는 100%까지 "
        "오르지만(틀린 label까지 외운다), validation 정확도는 정점을 찍은 뒤 떨어진다. 별표는 early "
        "stopping이 남기는 epoch이다.",
        "97cc549116d6bbc9"),
}
