"""Live lecture demos: ipywidgets controls over a matplotlib figure that redraws.

One module per topic, each demo a class; a lecture notebook (``lectures/``) shows one
demo per cell: ``demos.features.SemanticGapDemo()``. :data:`TOPICS` lists them in
lecture order; ``coursework demo TOPIC`` opens the topic's notebook in JupyterLab and
``coursework present TOPIC`` serves it with Voilà.

The demos use the package's reference implementations (its activations, layers,
training loop, HoG). They are lecture material, not student material: the student
bundles never ship this package (``coursework/demos`` is in
:data:`coursework.grading.secret.EXCLUDED_FROM_BUNDLE`), so no bundle gains an answer
through a demo; ``tests/demos/test_demos_bundle.py`` checks it.

:mod:`._base` says how a demo draws (a PNG into an ``ipywidgets.Image``) and how the
training demos train without blocking the kernel.
"""

from __future__ import annotations

import importlib

from ._base import Demo, TrainingDemo

__all__ = ["Demo", "TrainingDemo", "TOPICS", "demo_classes"]

#: topic (the assignment's name) -> (module of coursework.demos, demo class names in lecture order)
TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "01_features": ("features", ("SemanticGapDemo", "HogDemo")),
    "02_tensors": ("tensors", ("BatchLayoutDemo", "BroadcastingDemo")),
    "03_activations": ("activations", ("ActivationCurvesDemo", "DeadReluDemo")),
    "04_backprop": ("backprop", ("GraphStepsDemo",)),
    "05_sgd": ("sgd", ("GdVsSgdDemo",)),
    "06_regularization": ("regularization", ("RegularizationDemo",)),
    "07_overfitting": ("overfitting", ("PolynomialDemo", "EarlyStoppingDemo")),
}


def demo_classes(topic: str) -> list[type]:
    """The demo classes of ``topic`` (a key of :data:`TOPICS`), in lecture order."""
    if topic not in TOPICS:
        raise ValueError(f"demo_classes: expected a topic among {', '.join(TOPICS)}, got {topic!r}")
    module, names = TOPICS[topic]
    mod = importlib.import_module(f"{__name__}.{module}")
    return [getattr(mod, name) for name in names]
