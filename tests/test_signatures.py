"""Signatures say what they accept: the public API of nn, features, graph and gradcheck.

The rule (checked here for every public callable of these packages):

1. where a docstring has a ``Parameters`` section (numpydoc ``name : type``, several
   names may share a line), every parameter is in it (one-line docstrings of
   one-argument functions, such as ``nn.functional``'s, need none);
2. a default shown in the signature is accepted: a ``None`` default is documented as
   such (``None`` or ``optional`` in its type line), a ``default X`` written in the
   docstring is the signature's default, and a parameter documented with a default has
   one (none is required that the docs call optional);
3. calling with only the required arguments works: no shown default is then rejected
   (``MLP(sizes, rng=None)`` used to show a default that ``MLP`` refused).
"""

from __future__ import annotations

import ast
import inspect
import re

import numpy as np
import pytest

import coursework.nn.functional as F
from coursework import features, gradcheck, graph, nn

MODULES = (nn, F, features, graph, gradcheck)
PUBLIC = {f"{m.__name__}.{name}": getattr(m, name) for m in MODULES for name in m.__all__
          if callable(getattr(m, name)) and not inspect.ismodule(getattr(m, name))}
SKIP = {"coursework.nn.Layer"}          # the abstract base: no parameters


def documented(obj) -> dict[str, str]:
    """name -> type line of the numpydoc Parameters section of ``obj`` (a class: its docstring)."""
    doc = inspect.getdoc(obj) or ""
    section = re.search(r"^Parameters\n-+\n(.*?)(?:^\S[^\n]*\n-+\n|\Z)", doc, re.S | re.M)
    out = {}
    for line in (section.group(1) if section else "").splitlines():
        m = re.match(r"^(\*?\w+(?:, \*?\w+)*)(?: : (.*))?$", line)
        if m:
            for name in m.group(1).split(", "):
                out[name.lstrip("*")] = m.group(2) or ""
    return out


def parameters(obj):
    return [p for p in inspect.signature(obj).parameters.values() if p.name != "self"]


@pytest.mark.parametrize("name", sorted(set(PUBLIC) - SKIP))
def test_every_parameter_is_documented_and_its_default_accepted(name):
    obj = PUBLIC[name]
    docs = documented(obj)
    for p in parameters(obj):
        if docs:
            assert p.name in docs, f"{name}: parameter {p.name!r} is not in the docstring's Parameters section"
        line = docs.get(p.name, "")
        has_default = p.default is not inspect.Parameter.empty
        if p.default is None and docs:
            assert re.search(r"\bNone\b|optional", line), f"{name}: {p.name}=None but the docs say {line!r}"
        stated = re.search(r"default[: ]+(.+?)\s*$", line)
        if stated or "optional" in line:
            assert has_default or p.kind is p.VAR_POSITIONAL, f"{name}: {p.name} is documented optional, but required"
        if stated and has_default:
            try:
                want = ast.literal_eval(stated.group(1).strip("`"))
            except (ValueError, SyntaxError):
                continue                      # a description ("default float64"), not a literal
            assert want == p.default, f"{name}: {p.name} defaults to {p.default!r}, the docs say {want!r}"


# -- 3. only the required arguments --------------------------------------------------------

X = np.linspace(-2.0, 2.0, 7)
IMAGE = np.random.default_rng(0).random((16, 16, 3))
GREY = IMAGE.mean(axis=-1)
#: name -> (args, kwargs): exactly the required parameters, nothing else.
REQUIRED = {
    "coursework.nn.Linear": ((3, 2, 0), {}),
    "coursework.nn.Maxout": ((3, 2, 0), {}),
    "coursework.nn.MLP": (([3, 4, 2],), {"rng": 0}),
    "coursework.nn.Activation": ((F.relu, lambda dout, x: dout * F.relu_grad(x)), {}),
    "coursework.nn.softmax_cross_entropy": ((np.zeros((2, 3)), np.array([0, 2])), {}),
    "coursework.nn.svm_loss": ((np.zeros((2, 3)), np.array([0, 2])), {}),
    **{f"coursework.nn.functional.{name}": ((X,), {}) for name in F.__all__},
    "coursework.features.color_histogram": ((IMAGE,), {}),
    "coursework.features.hog": ((IMAGE,), {}),
    "coursework.features.hog_image": ((IMAGE,), {}),
    "coursework.features.hog_picture": ((np.ones((2, 2, 9)), (16, 16)), {}),
    "coursework.features.extract_features": ((IMAGE[None], [features.color_histogram]), {}),
    "coursework.features.image_gradients": ((GREY,), {}),
    "coursework.features.gradient_orientation": ((GREY, GREY), {}),
    "coursework.features.orientation_histograms": ((GREY, GREY * 90), {}),
    "coursework.features.normalize_blocks": ((np.ones((3, 3, 9)),), {}),
    "coursework.graph.Value": ((1.0,), {}),
    "coursework.graph.maximum": ((1.0, graph.Value(2.0)), {}),
    "coursework.graph.topological_order": ((graph.Value(1.0),), {}),
    "coursework.graph.zero_grad": ((graph.Value(1.0),), {}),
    "coursework.graph.draw_graph": ((graph.Value(1.0) * 2.0,), {}),
    "coursework.graph.new_node": ((graph.Value(1.0), 2.0, (), "", None), {}),
    "coursework.graph.sigmoid_gate": ((graph.Value(0.5),), {}),
    "coursework.gradcheck.numerical_gradient": ((lambda z: float(np.sum(z ** 2)), np.ones(3)), {}),
    "coursework.gradcheck.rel_error": ((np.ones(2), np.ones(2)), {}),
    "coursework.gradcheck.check_layer_gradients": ((nn.Tanh(), np.ones((2, 3))), {}),
    "coursework.gradcheck.check_loss_gradient": ((nn.softmax_cross_entropy, np.zeros((2, 3)), np.array([0, 1])), {}),
}


@pytest.mark.parametrize("name", sorted(set(PUBLIC) - SKIP))
def test_only_the_required_arguments_are_enough(name):
    obj = PUBLIC[name]
    required = {p.name for p in parameters(obj)
                if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    args, kwargs = REQUIRED.get(name, ((), {}))
    given = set(inspect.signature(obj).bind(*args, **kwargs).arguments)
    assert given == required, f"{name}: REQUIRED must give exactly the required parameters {sorted(required)}"
    obj(*args, **kwargs)                        # every other parameter at its shown default
