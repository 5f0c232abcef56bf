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
   (``MLP(sizes, rng=None)`` used to show a default that ``MLP`` refused);
4. a function that mirrors a library's (``hog`` and scikit-image's, the layers and
   PyTorch's) has that library's default for every parameter they share, and a shared
   parameter taken by position sits at the library's position. Where the course keeps
   its own choice, :data:`MIRRORS` says which and why; an entry that no longer differs
   fails too, so the list stays true.
"""

from __future__ import annotations

import ast
import importlib
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
GREY_24 = np.random.default_rng(1).random((24, 24))       # one 3 x 3 block of 8 x 8 cells: hog's default
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
    "coursework.features.hog": ((GREY_24,), {}),
    "coursework.features.hog_image": ((GREY,), {}),
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


# -- 4. the defaults of the mirrored libraries -------------------------------------------------

#: ours -> (the library's function or class, {our name: its name}, {our name: why ours differs}).
MIRRORS = {
    "coursework.features.hog": ("skimage.feature.hog", {"images": "image"}, {}),
    "coursework.features.hog_image": ("skimage.feature.hog", {}, {}),
    "coursework.features.color_histogram": ("numpy.histogramdd", {"images": "sample"}, {
        "bins": "the course's own: 8 bins per channel (512 colours) is the exercise's signature "
                "color_histogram(image, bins=8), which the checks compare with; histogramdd's 10 is "
                "no colour-histogram convention"}),
    "coursework.nn.Linear": ("torch.nn.Linear", {}, {}),
    "coursework.nn.LeakyReLU": ("torch.nn.LeakyReLU", {"alpha": "negative_slope"}, {}),
    "coursework.nn.ELU": ("torch.nn.ELU", {}, {}),
    "coursework.nn.functional.relu": ("torch.nn.functional.relu", {"x": "input"}, {}),
    "coursework.nn.functional.leaky_relu": ("torch.nn.functional.leaky_relu", {"x": "input", "alpha": "negative_slope"},
                                            {}),
    "coursework.nn.functional.elu": ("torch.nn.functional.elu", {"x": "input"}, {}),
    "coursework.nn.svm_loss": ("torch.nn.functional.multi_margin_loss", {"scores": "input", "y": "target"}, {}),
    "coursework.regularization.BatchNorm": ("torch.nn.BatchNorm1d", {}, {}),
    "coursework.regularization.Dropout": ("torch.nn.Dropout", {}, {
        "p": "required: rng follows it and is required (randomness is passed in), so p cannot default to "
             "PyTorch's 0.5 in front of it"}),
}


def _resolve(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _library(dotted: str):
    if dotted.startswith("torch."):
        pytest.importorskip("torch", reason="the PyTorch oracle is not installed (make test installs it)")
    return _resolve(dotted)


def _positional(params) -> list[str]:
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


@pytest.mark.parametrize("name", sorted(MIRRORS))
def test_shared_parameters_have_the_mirrored_librarys_defaults(name):
    theirs_name, renamed, own = MIRRORS[name]
    ours, theirs = parameters(_resolve(name)), parameters(_library(theirs_name))
    their = {p.name: p for p in theirs}
    shared = [p for p in ours if renamed.get(p.name, p.name) in their]
    assert set(renamed) <= {p.name for p in shared}, f"{name}: MIRRORS renames a parameter that is not shared"
    assert set(own) <= {p.name for p in shared}, f"{name}: MIRRORS explains a parameter that is not shared"
    for p in shared:
        q = their[renamed.get(p.name, p.name)]
        same = p.default is q.default or (p.default is not p.empty and q.default is not q.empty
                                          and type(p.default) is type(q.default) and p.default == q.default)
        if p.name in own:
            assert not same, f"{name}: {p.name} now has {theirs_name}'s default {q.default!r}: drop it from MIRRORS"
        else:
            assert same, (f"{name}: {p.name} defaults to {p.default!r}, {theirs_name}'s {q.name} to {q.default!r} "
                          "(use the library's default, or say in MIRRORS why not)")
    # a shared parameter passed by position means the same in both
    ours_pos, theirs_pos = _positional(ours), _positional(theirs)
    for i, p_name in enumerate(ours_pos):
        q_name = renamed.get(p_name, p_name)
        if q_name in their:
            assert i < len(theirs_pos) and theirs_pos[i] == q_name, (
                f"{name}: positional parameter {i} is {p_name}, {theirs_name}'s is "
                f"{theirs_pos[i] if i < len(theirs_pos) else 'none'}: make it keyword-only or reorder")


def test_hog_has_every_default_of_scikit_image_it_shares():
    # the case, stated plainly: grey images and 3 x 3 blocks unless told otherwise
    from skimage.feature import hog as skimage_hog

    theirs = inspect.signature(skimage_hog).parameters
    for func in (features.hog, features.hog_image):
        for p in parameters(func):
            if p.name in theirs:
                assert p.default == theirs[p.name].default, (func.__name__, p.name)
    assert inspect.signature(features.hog).parameters["cells_per_block"].default == (3, 3)
    assert inspect.signature(features.hog).parameters["channel_axis"].default is None
