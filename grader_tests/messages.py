"""What the visible checks say when they fail, in each language: ``say(key, **fields)``.

The harness's generic messages ("not implemented yet", "expected shape ...") are in
:mod:`coursework.i18n.messages`; this catalog holds the words of the checks themselves
and the descriptions of what they called (``what``: "relu_forward(x of shape (3, 4))").
Hidden checks have a catalog of their own (``grader_tests/hidden/messages.py``), which
students never receive.

Every entry is a format string per language with the same fields, filled the same way
(the same format specs and conversions): a name, a number, a shape or an index reads the
same in either language (``tests/checks/test_check_messages.py`` checks this). Korean follows
``docs/korean-style.md``: no particle right after a field whose sound is unknown (a
shape, a repr, a number), only ``의``, ``에``, ``에서`` or the copula (``{got}이다``,
``{shape}인``); an argument is described as ``shape가 (3, 4)인 x``.
"""

from __future__ import annotations

from coursework.i18n.messages import speaker

__all__ = ["CATALOG", "say"]

CATALOG: dict[str, dict[str, str]] = {
    # -- shared by several checks -------------------------------------------------------------
    "expected_got": {"en": "{what}: expected {want}, got {got}", "ko": "{what}: {want}이어야 하는데 {got}이다"},
    "tuple_type": {
        "en": "{what}: expected a tuple {names}, got {got}",
        "ko": "{what}: {names} 꼴의 tuple이 와야 하는데 {got} 객체가 왔다",
    },
    "tuple_size": {
        "en": "{what}: expected a tuple {names}, got a tuple of {n}",
        "ko": "{what}: {names} 꼴의 tuple이 와야 하는데 원소 {n}개의 tuple이 왔다",
    },
    "one_number": {
        "en": "{what}: expected one number ({which}), got an array of shape {shape}",
        "ko": "{what}: 수 하나({which})가 와야 하는데 shape가 {shape}인 array가 왔다",
    },
    "sum_all_elements": {"en": "the sum over all elements", "ko": "모든 원소의 합"},
    "sum_all_weights": {"en": "the sum over all weights", "ko": "모든 weight의 합"},
    "forgot_return": {"en": " (did you forget `return`?)", "ko": " (`return`을 빠뜨리지 않았는가?)"},
    "called_again": {"en": "{what} a second time", "ko": "{what}, 두 번째 호출"},
    # -- 01_features ---------------------------------------------------------------------------
    "f_hist": {
        "en": "color_histogram({name} of shape {shape}, bins={bins})",
        "ko": "color_histogram(shape가 {shape}인 {name}, bins={bins})",
    },
    "f_hist_sum_of": {"en": "{what}: the sum of the histogram", "ko": "{what}: histogram의 합"},
    "f_hist_sum": {
        "en": "{what}: expected the histogram to sum to 1 (divide the counts by the number of pixels), "
              "got a sum of {total:.6g}",
        "ko": "{what}: histogram의 합이 1이어야 하는데 {total:.6g}이다 (개수를 pixel 수로 나누어야 한다)",
    },
    "f_hist_big": {
        "en": "color_histogram(the same image enlarged 2x, shape {shape}, bins=4)",
        "ko": "color_histogram(같은 image를 2배로 키운 것, shape {shape}, bins=4)",
    },
    "f_vs_original": {"en": "{what} vs the original", "ko": "{what}, 원래 image의 결과와 비교"},
    "f_hist_flat": {
        "en": "color_histogram(an image of one colour, shape {shape}, bins=4)",
        "ko": "color_histogram(한 가지 색으로 된 image, shape {shape}, bins=4)",
    },
    "f_hist_one_bin": {
        "en": "{what}: expected every pixel in one bin (one value 1, the others 0), got {n} nonzero value(s)",
        "ko": "{what}: 모든 pixel이 bin 하나에 들어가야 하는데(값 하나는 1, 나머지는 0) 0이 아닌 값이 {n}개이다",
    },
    "f_gradients": {"en": "image_gradients(image of shape {shape})", "ko": "image_gradients(shape가 {shape}인 image)"},
    "f_cells": {
        "en": "cell_histograms(magnitude and orientation of shape {shape}, orientations={orientations}, "
              "pixels_per_cell={ppc})",
        "ko": "cell_histograms(shape가 {shape}인 magnitude와 orientation, orientations={orientations}, "
              "pixels_per_cell={ppc})",
    },
    "f_hog": {
        "en": "my_hog(grey photo of shape {shape}, orientations=9, pixels_per_cell=8, cells_per_block=2)",
        "ko": "my_hog(shape가 {shape}인 grey 사진, orientations=9, pixels_per_cell=8, cells_per_block=2)",
    },
    "f_vs_skimage": {"en": "{what} vs skimage.feature.hog", "ko": "{what}, skimage.feature.hog의 결과와 비교"},
    "f_concat_two": {
        "en": "extract_features(images of shape {shape}, [mean colour (3 features), brightness range (2)])",
        "ko": "extract_features(shape가 {shape}인 images, [평균 색 (feature 3개), 밝기 범위 (2개)])",
    },
    "f_concat_one": {
        "en": "extract_features(images of shape {shape}, [brightness range (2)])",
        "ko": "extract_features(shape가 {shape}인 images, [밝기 범위 (2개)])",
    },
    # -- 02_tensors ----------------------------------------------------------------------------
    "t_batch": {"en": "{fn}(batch of shape {shape})", "ko": "{fn}(shape가 {shape}인 batch)"},
    "t_transpose": {
        "en": "{what}: the shape is right but the values are not where they belong: reshape keeps the order of "
              "the numbers in memory and only cuts them differently; to move an axis, use np.transpose "
              "(or np.moveaxis)",
        "ko": "{what}: shape는 맞지만 값이 제자리에 있지 않다. reshape는 memory 속 수의 순서를 그대로 두고 다르게 "
              "자를 뿐이다. axis를 옮기려면 np.transpose(또는 np.moveaxis)를 써야 한다",
    },
    "t_one_row": {
        "en": "{what}: expected shape {want} (one row per image, even for a batch of one), got shape {got}",
        "ko": "{what}: shape {want}이어야 하는데(image마다 행 하나, image가 하나뿐인 batch도 마찬가지) "
              "shape {got}이다",
    },
    "t_normalize": {
        "en": "normalize_channels(batch of shape {shape}, mean of shape {mean}, std of shape {std})",
        "ko": "normalize_channels(shape가 {shape}인 batch, shape가 {mean}인 mean, shape가 {std}인 std)",
    },
    "t_wrong_axis": {
        "en": "{what}: mean and std were applied along the last axis (the width), not along the channel axis 1. "
              "A (C,) array lines up with the LAST axis of an (N, C, H, W) batch; reshape it to (C, 1, 1) "
              "(or (1, C, 1, 1)) so that it lines up with the channels",
        "ko": "{what}: mean과 std가 채널 axis 1이 아니라 마지막 axis(너비)를 따라 적용되었다. shape가 (C,)인 "
              "array는 (N, C, H, W) batch의 마지막 axis에 맞춰진다. 채널에 맞추려면 (C, 1, 1)(또는 "
              "(1, C, 1, 1))로 reshape해야 한다",
    },
    "t_forward": {
        "en": "three_layer_forward(x of shape {shape}, params of a net {net})",
        "ko": "three_layer_forward(shape가 {shape}인 x, {net} net의 params)",
    },
    "t_shapes_dict": {
        "en": "{what}: expected shapes to be a dict, got {got}",
        "ko": "{what}: shapes는 dict여야 하는데 {got} 객체이다",
    },
    "t_shapes_missing": {
        "en": "{what}: the shapes dict has no entry for {missing}; expected the keys {keys}",
        "ko": "{what}: shapes dict에 {missing} 항목이 없다. key는 {keys}이어야 한다",
    },
    "t_shape_tuple": {
        "en": "{what}: shapes[{key!r}] should be a tuple like (N, H), got {got!r}",
        "ko": "{what}: shapes[{key!r}]의 값은 (N, H) 같은 tuple이어야 하는데 {got!r}이다",
    },
    "t_shape_value": {
        "en": "{what}: expected shapes[{key!r}] == {want}, got {got}",
        "ko": "{what}: shapes[{key!r}]의 값은 {want}이어야 하는데 {got}이다",
    },
    # -- 03_activations ------------------------------------------------------------------------
    "a_forward": {"en": "{name}_forward(x of shape {shape}{args})", "ko": "{name}_forward(shape가 {shape}인 x{args})"},
    "a_backward": {
        "en": "{name}_backward(dout of shape {dshape}, x of shape {shape}{args})",
        "ko": "{name}_backward(shape가 {dshape}인 dout, shape가 {shape}인 x{args})",
    },
    "a_local": {
        "en": "{what}: you returned the local derivative f'(x); the backward pass must return the downstream "
              "gradient dout * f'(x) (chain rule: upstream times local)",
        "ko": "{what}: local gradient f'(x)를 반환했다. backward pass는 downstream gradient dout * f'(x)를 "
              "반환해야 한다 (chain rule: upstream 곱하기 local)",
    },
    "a_zeros": {
        "en": "{what}: wrong at the exact zeros of x: at x = 0 use the slope of the x < 0 side (0 for ReLU, alpha "
              "for Leaky ReLU and ELU), i.e. test x > 0, not x >= 0",
        "ko": "{what}: x가 정확히 0인 곳에서 틀렸다. x = 0에서는 x < 0 쪽의 기울기를 쓴다 (ReLU는 0, Leaky ReLU와 "
              "ELU는 alpha). 곧 x >= 0이 아니라 x > 0을 확인해야 한다",
    },
    "a_maxout_forward": {
        "en": "maxout_forward(x of shape {x}, W of shape {W}, b of shape {b})",
        "ko": "maxout_forward(shape가 {x}인 x, shape가 {W}인 W, shape가 {b}인 b)",
    },
    "a_maxout_backward": {
        "en": "maxout_backward(dout of shape {dout}, x of shape {x}, W of shape {W}, b of shape {b})",
        "ko": "maxout_backward(shape가 {dout}인 dout, shape가 {x}인 x, shape가 {W}인 W, shape가 {b}인 b)",
    },
    "a_maxout_tie": {
        "en": "{what}: on a tie (two pieces with the same value; pieces 0 and 1 of output column 0 are equal here) "
              "only the FIRST winning piece gets the gradient, the one np.argmax picks; your function gave it to "
              "every winning piece",
        "ko": "{what}: 값이 같은 piece가 둘 이상이면(여기서는 출력 열 0의 piece 0과 1이 같다) 이긴 piece 가운데 "
              "첫 번째, 곧 np.argmax가 고르는 piece만 gradient를 받는다. 작성한 함수는 이긴 piece 모두에 gradient를 "
              "주었다",
    },
    # -- 04_backprop ---------------------------------------------------------------------------
    "b_no_graph": {
        "en": "the check could not build its graph of nodes in your kernel (did your code change Python's builtins "
              "or the course's modules?)",
        "ko": "check가 kernel 안에 node graph를 만들지 못했다 (작성한 코드가 Python의 builtins나 과목의 module을 "
              "바꾸지 않았는가?)",
    },
    "b_recursion": {
        "en": "{what}: your function raised RecursionError (maximum recursion depth exceeded): a recursive "
              "depth-first search needs one stack frame per node on the path; keep your own stack (a list) instead "
              "of recursing",
        "ko": "{what}: 작성한 함수에서 RecursionError가 났다 (최대 재귀 깊이를 넘었다). 재귀로 하는 깊이 우선 탐색은 "
              "경로 위의 node마다 stack frame이 하나씩 필요하다. 재귀 대신 stack(list)을 직접 관리해야 한다",
    },
    "b_order_none": {
        "en": "{what}: expected a list of nodes, got None (did you forget `return`?)",
        "ko": "{what}: node의 list가 와야 하는데 None이 왔다 (`return`을 빠뜨리지 않았는가?)",
    },
    "b_order_type": {
        "en": "{what}: expected a list of nodes, got {got}",
        "ko": "{what}: node의 list가 와야 하는데 {got} 객체가 왔다",
    },
    "b_order_twice": {
        "en": "{what}: node {node!r} appears {n} times; every node must appear once (remember which nodes you have "
              "visited)",
        "ko": "{what}: node {node!r}의 등장 횟수가 {n}번이다. 모든 node는 한 번씩만 나와야 한다 (방문한 node를 "
              "기억해 두어야 한다)",
    },
    "b_order_count": {
        "en": "{what}: expected the {want} nodes the root depends on (the root included), got {got}: {missing} "
              "missing, {extra} not in the root's graph",
        "ko": "{what}: root가 의존하는 node {want}개(root 포함)가 와야 하는데 {got}개가 왔다. {missing}개가 "
              "빠졌고, {extra}개는 root의 graph에 없는 node이다",
    },
    "b_order_parent": {
        "en": "{what}: {parent!r} (at position {i}) is an input of {node!r} (at position {j}) but comes after it; "
              "every node must come after all of its parents",
        "ko": "{what}: {node!r}의 입력인 {parent!r}의 위치({i})가 {node!r}의 위치({j})보다 뒤이다. 모든 node는 "
              "자신의 parent보다 모두 뒤에 와야 한다",
    },
    "b_order_root": {
        "en": "{what}: expected the root last, got {last!r} last",
        "ko": "{what}: 마지막은 root여야 하는데 {last!r}이다",
    },
    "b_grads_numbers": {
        "en": "{what}: expected every grad to be a number, got {kinds}",
        "ko": "{what}: 모든 grad가 수여야 하는데 {kinds} 객체가 있다",
    },
    "b_grads_finite": {
        "en": "{what}: expected every grad to be a finite number, got {n} NaN or infinite",
        "ko": "{what}: 모든 grad가 유한한 수여야 하는데 NaN이거나 무한대인 값이 {n}개이다",
    },
    "b_new_node": {
        "en": "{what}: expected a new {cls}, got {got}",
        "ko": "{what}: 새 {cls} 객체가 와야 하는데 {got} 객체가 왔다",
    },
    "b_node_data": {
        "en": "{what}: expected data {data:g}, got {got!r}",
        "ko": "{what}: data가 {data:g}이어야 하는데 {got!r}이다",
    },
    "b_parents_tuple": {
        "en": "{what}: expected parents to be a tuple of the {n} operands (self, other), got {got!r}",
        "ko": "{what}: parents는 피연산자 {n}개(self, other)의 tuple이어야 하는데 {got!r}이다",
    },
    "b_parent_itself": {
        "en": "{what}: expected parents[{i}] to be the operand itself ({which}), got {got!r}",
        "ko": "{what}: parents[{i}]에는 피연산자 자체({which})가 있어야 하는데 {got!r}이다",
    },
    "b_parent_constant": {
        "en": "{what}: expected parents[{i}] to be a {cls} holding the plain number {want:g}, got {got!r}",
        "ko": "{what}: parents[{i}]에는 보통 수 {want:g}을 담은 {cls} 객체가 있어야 하는데 {got!r}이다",
    },
    "b_rule_function": {
        "en": "{what}: expected out.rule to be a function of the upstream gradient, got {got!r}",
        "ko": "{what}: out.rule은 upstream gradient를 받는 함수여야 하는데 {got!r}이다",
    },
    "b_rule_changed_grad": {
        "en": "{what}: out.rule changed a parent's grad; it must only return the downstream gradients "
              "(backward_pass adds them up)",
        "ko": "{what}: out.rule이 parent의 grad를 바꾸었다. out.rule은 downstream gradient를 반환하기만 해야 한다 "
              "(더하는 일은 backward_pass가 한다)",
    },
    "b_rule_tuple": {
        "en": "{what}: expected out.rule({up:g}) to return a tuple of {n} downstream gradients (one per parent), "
              "got {got!r}",
        "ko": "{what}: out.rule({up:g})은 downstream gradient {n}개(parent마다 하나)의 tuple을 반환해야 하는데 "
              "{got!r}이다",
    },
    "b_rule_value": {
        "en": "{what}: out.rule({up:g})[{i}], the downstream gradient of parent {i}, should be {want:g} "
              "(upstream × local), got {got!r}",
        "ko": "{what}: parent {i}의 downstream gradient, 곧 out.rule({up:g})[{i}]의 값은 upstream × local = "
              "{want:g}이어야 하는데 {got!r}이다",
    },
    "b_case_plain": {"en": "MyValue(3) + 4 (a plain number)", "ko": "MyValue(3) + 4 (보통 수)"},
    "b_case_left": {"en": "4 * MyValue(3) (a plain number on the left)", "ko": "4 * MyValue(3) (왼쪽이 보통 수)"},
    "b_case_same": {
        "en": "MyValue(3) * MyValue(3), the same node twice",
        "ko": "MyValue(3) * MyValue(3), 같은 node를 두 번",
    },
    "b_ops_grad": {
        "en": "building nodes with + and * changed an input's grad; gradients are computed only by backward_pass",
        "ko": "+와 *로 node를 만들면서 입력의 grad가 바뀌었다. gradient는 backward_pass만 계산한다",
    },
    "b_leaf": {"en": "topological_order(a single leaf x)", "ko": "topological_order(leaf node x 하나)"},
    "b_sort_graph": {
        "en": "topological_order(graph '{name}', root {root})",
        "ko": "topological_order(root가 {root}인 graph '{name}')",
    },
    "b_graph_0": {"en": "lecture (x + y) * z", "ko": "강의의 (x + y) * z"},
    "b_graph_1": {"en": "a node used by two others", "ko": "다른 node 두 개가 함께 쓰는 node"},
    "b_graph_2": {"en": "one input used twice by the same node", "ko": "한 node가 같은 입력을 두 번 쓴다"},
    "b_graph_3": {"en": "a wide graph with an unused side branch", "ko": "쓰이지 않는 곁가지가 있는 넓은 graph"},
    "b_chain_sort": {
        "en": "topological_order(a chain x -> n1 -> ... -> n{length})",
        "ko": "topological_order(x -> n1 -> ... -> n{length}의 chain)",
    },
    "b_chain_first": {"en": "{what}: expected x first, got {first!r}", "ko": "{what}: 처음은 x여야 하는데 {first!r}이다"},
    "b_chain_backward": {
        "en": "backward_pass(n{length}) on the same chain (local gradients of 1 or -1)",
        "ko": "같은 chain에서 backward_pass(n{length}) (local gradient는 1 또는 -1)",
    },
    "b_chain_root": {
        "en": "{what}: expected the root's grad to be 1 (∂root/∂root), got {got:g}",
        "ko": "{what}: root의 grad는 1(∂root/∂root)이어야 하는데 {got:g}이다",
    },
    "b_chain_x": {
        "en": "{what}: expected x.grad = {want:g} (the product of the local gradients), got {got:g}",
        "ko": "{what}: x.grad는 {want:g}(local gradient의 곱)이어야 하는데 {got:g}이다",
    },
    "b_chain_node": {
        "en": "{what}: {n} node(s) have a wrong grad; n{i}.grad should be {want:g} (the product of the local "
              "gradients from n{i} to the root), got {got:g}",
        "ko": "{what}: node {n}개의 grad가 틀렸다. n{i}.grad는 {want:g}(n{i}에서 root까지 local gradient의 곱)"
              "이어야 하는데 {got:g}이다",
    },
    "b_backward": {
        "en": "backward_pass(root {root} of graph '{name}', every grad 7.0 before)",
        "ko": "backward_pass(graph '{name}'의 root {root}, 처음에 모든 grad가 7.0)",
    },
    "b_second_call": {"en": "{what} called a second time", "ko": "{what}, 두 번째 호출"},
    "b_backward_wrong": {
        "en": "{what}: {off} of {total} gradient(s) are wrong; {label}.grad should be {want:g} (7 + {calls} × "
              "{each:g}), got {got:g}{hint}",
        "ko": "{what}: gradient {total}개 가운데 {off}개가 틀렸다. {label}.grad는 {want:g}(7 + {calls} × {each:g})"
              "이어야 하는데 {got:g}이다{hint}",
    },
    "b_side_branch": {
        "en": "{what}: a node the root does not depend on ({name}) had its grad changed; only the nodes of the "
              "root's graph take part",
        "ko": "{what}: root가 의존하지 않는 node({name})의 grad가 바뀌었다. root의 graph에 있는 node만 계산에 "
              "참여한다",
    },
    "b_hint_reset": {
        "en": " (the 7.0 is gone: backward_pass must add to grad, not reset it; gradients accumulate over passes, "
              "and resetting them is zero_grad's job)",
        "ko": " (7.0이 사라졌다. backward_pass는 grad를 새로 쓰지 않고 더해야 한다. gradient는 pass를 거듭하며 "
              "쌓이고, 0으로 되돌리는 것은 zero_grad가 할 일이다)",
    },
    "b_hint_passed_grad": {
        "en": " (right when every grad starts at 0: pass on only this pass's gradients, not node.grad, which also "
              "holds what earlier passes left there; keep them apart, e.g. in a dict)",
        "ko": " (모든 grad가 0에서 시작하면 맞다. node.grad에는 앞선 pass가 남긴 값도 들어 있으므로 node.grad가 "
              "아니라 이번 pass의 gradient만 전해야 한다. 예를 들어 dict에 따로 모아 둔다)",
    },
    "b_hint_root": {
        "en": " (this pass starts with ∂root/∂root = 1 at the root, added to root.grad like every other gradient)",
        "ko": " (이번 pass는 root에서 ∂root/∂root = 1로 시작하고, 이 값도 다른 gradient처럼 root.grad에 더한다)",
    },
    "b_expr_0": {"en": "f = (x + y) * z, the lecture's first example", "ko": "f = (x + y) * z, 강의의 첫 번째 예제"},
    "b_expr_1": {
        "en": "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))), the lecture's sigmoid neuron",
        "ko": "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))), 강의의 sigmoid 뉴런",
    },
    "b_expr_2": {"en": "f = x * x + x", "ko": "f = x * x + x"},
    "b_expr_3": {"en": "f = (a + b) * (a - b) * c", "ko": "f = (a + b) * (a - b) * c"},
    "b_expr_4": {"en": "f = (x * y + 2) / (y * y + 1) - x ** 2", "ko": "f = (x * y + 2) / (y * y + 1) - x ** 2"},
    "b_expr_5": {"en": "f = exp(0.5 * u) * (u + v) + 3 * v", "ko": "f = exp(0.5 * u) * (u + v) + 3 * v"},
    "b_expr_at": {"en": "{desc} at {inputs}", "ko": "{desc} ({inputs}일 때)"},
    "b_expr_inputs": {"en": "{what}: creating the inputs", "ko": "{what}: 입력 만들기"},
    "b_expr_compute": {"en": "{what}: computing f with MyValue", "ko": "{what}: MyValue로 f 계산하기"},
    "b_expr_type": {
        "en": "{what}: expected f to be a MyValue, got {got}",
        "ko": "{what}: f는 MyValue 객체여야 하는데 {got} 객체이다",
    },
    "b_expr_value": {"en": "{what}: the value f.data", "ko": "{what}: f.data의 값"},
    "b_expr_grads": {"en": "{what}: the gradients of the inputs", "ko": "{what}: 입력의 gradient"},
    "b_expr_grad": {"en": "{what}: the gradient {name}.grad", "ko": "{what}: {name}.grad의 값"},
    "b_grads_dict": {
        "en": "{what}: expected layer.grads to be a dict, got {got}",
        "ko": "{what}: layer.grads는 dict여야 하는데 {got} 객체이다",
    },
    "b_grads_key": {
        "en": "{what}: backward must fill grads[{key!r}] (like params[{key!r}]); grads has keys {keys}",
        "ko": "{what}: backward가 params[{key!r}]처럼 grads[{key!r}]도 채워야 한다. 지금 grads의 key는 {keys}이다",
    },
    "b_params_dicts": {
        "en": "{what}: expected layer.params and layer.grads to be dicts",
        "ko": "{what}: layer.params와 layer.grads는 dict여야 한다",
    },
    "b_grad_missing": {"en": "grads[{name!r}] is missing", "ko": "grads[{name!r}] 항목이 없다"},
    "b_grad_shape": {
        "en": "gradient of {label}: shape {got}, expected {want}",
        "ko": "{label}의 gradient: shape가 {want}이어야 하는데 {got}이다",
    },
    "b_grad_error": {
        "en": "gradient of {label}: rel_error {err:.3e} > rtol {rtol:.1e}; worst element {label}[{where}]: "
              "analytic {analytic:.10g}, numerical {numerical:.10g}",
        "ko": "{label}의 gradient: rel_error {err:.3e} > rtol {rtol:.1e}. 가장 크게 다른 원소는 {label}[{where}]이고, "
              "analytic {analytic:.10g}, numerical {numerical:.10g}이다",
    },
    "b_gradient_check": {"en": "{what}: gradient check failed:", "ko": "{what}: gradient check를 통과하지 못했다."},
    "b_linear": {
        "en": "MyLinear(W of shape {W}, b of shape {b}), x of shape {x}",
        "ko": "MyLinear(shape가 {W}인 W, shape가 {b}인 b), shape가 {x}인 x",
    },
    "b_create_layer": {"en": "{what}: creating the layer", "ko": "{what}: layer 만들기"},
    "b_sigmoid": {"en": "MySigmoid, x of shape {x}", "ko": "MySigmoid, shape가 {x}인 x"},
    # -- 05_sgd --------------------------------------------------------------------------------
    "s_ng": {
        "en": "numerical_gradient({f}, x of shape {shape}, h={h:g})",
        "ko": "numerical_gradient({f}, shape가 {shape}인 x, h={h:g})",
    },
    "s_ng_default": {
        "en": "numerical_gradient({f}, x of shape {shape}) with the default h",
        "ko": "numerical_gradient({f}, shape가 {shape}인 x), h는 기본값",
    },
    "s_one_sided": {
        "en": " (this is the one-sided difference (f(x+h) - f(x)) / h; use the centred one)",
        "ko": " (한쪽 방향 차분 (f(x+h) - f(x)) / h의 결과이다. 중심 차분을 써야 한다)",
    },
    "s_quadratic_shape": {
        "en": "numerical_gradient called f with an array of shape {got}; f expects arrays of x's shape {want}",
        "ko": "numerical_gradient가 shape가 {got}인 array로 f를 호출했다. f는 x와 같은 shape {want}의 array를 받는다",
    },
    "s_quadratic": {
        "en": "numerical_gradient(a quadratic, x of shape {shape}, h=1e-4)",
        "ko": "numerical_gradient(이차 함수, shape가 {shape}인 x, h=1e-4)",
    },
    "s_vs_exact": {"en": "{what} vs the exact gradient", "ko": "{what}, 정확한 gradient와 비교"},
    "s_int": {
        "en": "{what}: expected an int, got {type} {got!r} (math.ceil returns an int; np.ceil returns a float)",
        "ko": "{what}: int가 와야 하는데 {type} 객체 {got!r}이다 (math.ceil은 int를, np.ceil은 float를 반환한다)",
    },
    "s_last_batch": {
        "en": "{what}: expected {want}, got {got} (the last, smaller batch counts too)",
        "ko": "{what}: {want}이어야 하는데 {got}이다 (마지막의 더 작은 batch도 센다)",
    },
    "s_batches_none": {
        "en": "{what}: expected a list of index arrays, got None (did you forget `return`?)",
        "ko": "{what}: index array의 list가 와야 하는데 None이 왔다 (`return`을 빠뜨리지 않았는가?)",
    },
    "s_batches_array": {
        "en": "{what}: expected a list of index arrays, one per batch (the last one may be shorter), got one array "
              "of shape {shape}",
        "ko": "{what}: batch마다 index array 하나씩 담은 list가 와야 하는데(마지막 array는 더 짧을 수 있다) "
              "shape가 {shape}인 array 하나가 왔다",
    },
    "s_batches_type": {
        "en": "{what}: expected a list of index arrays, got {got}",
        "ko": "{what}: index array의 list가 와야 하는데 {got} 객체가 왔다",
    },
    "s_batch_kind": {
        "en": "{what}: expected batch {i} to be a 1-D array of integer indices, got shape {shape} dtype {dtype}",
        "ko": "{what}: batch {i}의 shape는 {shape}, dtype은 {dtype}이다. 정수 index로 된 1-D array여야 한다",
    },
    "s_batch_sizes": {
        "en": "{what}: expected {n} batches of sizes {want}, got {m} batches of sizes {got}",
        "ko": "{what}: 크기가 {want}인 batch {n}개가 와야 하는데 크기가 {got}인 batch {m}개가 왔다",
    },
    "s_outside": {
        "en": "{what}: expected indices in 0..{last}, got {n} outside, e.g. {first}",
        "ko": "{what}: index는 0..{last} 안에 있어야 하는데 {n}개가 밖에 있다 (예: {first})",
    },
    "s_once": {
        "en": "{what}: expected every sample exactly once per epoch; {missing} sample(s) missing, {repeated} used "
              "more than once (e.g. index {index}) -- shuffle once, then slice",
        "ko": "{what}: epoch마다 모든 sample이 정확히 한 번씩 나와야 하는데 {missing}개가 빠졌고 {repeated}개가 두 번 "
              "이상 쓰였다 (예: index {index}). 한 번 섞은 뒤 잘라야 한다",
    },
    "s_in_order": {
        "en": "{what}: expected the samples in a shuffled order, got them in order 0, 1, 2, ...",
        "ko": "{what}: sample이 섞인 순서로 와야 하는데 0, 1, 2, ... 순서 그대로 왔다",
    },
    "s_same_seed": {
        "en": "{what}: expected the same batches from two Generators with the same seed, got different ones (draw "
              "the permutation from rng, not from np.random)",
        "ko": "{what}: seed가 같은 Generator 두 개에서 같은 batch가 나와야 하는데 다른 batch가 나왔다 (permutation은 "
              "np.random이 아니라 rng에서 뽑아야 한다)",
    },
    "s_new_order": {
        "en": "{what}: called twice with the same Generator, expected a new order for the second epoch, got the "
              "same (draw from rng, do not make a new Generator from a fixed seed)",
        "ko": "{what}: 같은 Generator로 두 번 호출하면 두 번째 epoch은 새 순서여야 하는데 같은 순서가 나왔다 (rng에서 "
              "뽑아야 하고, 고정된 seed로 새 Generator를 만들면 안 된다)",
    },
    "s_params_keys": {
        "en": "{what}: your function added or removed entries of the params dict; return a new dict instead",
        "ko": "{what}: 작성한 함수가 params dict에 항목을 더하거나 지웠다. 대신 새 dict를 반환해야 한다",
    },
    "s_params_changed": {
        "en": "{what}: your function changed params (an array in place, e.g. with -=, or an entry of the dict); "
              "put the new arrays params[name] - lr * grads[name] in a new dict",
        "ko": "{what}: 작성한 함수가 params를 바꾸었다(array를 그 자리에서, 예를 들어 -=로, 또는 dict의 항목을). "
              "새 array params[name] - lr * grads[name]을 새 dict에 담아야 한다",
    },
    "s_step_dict": {
        "en": "{what}: expected a dict name -> new array, got {got}",
        "ko": "{what}: 이름 -> 새 array의 dict가 와야 하는데 {got} 객체가 왔다",
    },
    "s_step_keys": {"en": "{what}: expected the keys {want}, got {got}", "ko": "{what}: key가 {want}이어야 하는데 {got}이다"},
    "s_step": {
        "en": "sgd_step(params with W1 {W1} and b1 {b1}, grads, lr={lr:g})",
        "ko": "sgd_step(shape가 W1 {W1}, b1 {b1}인 params, grads, lr={lr:g})",
    },
    "s_direction": {
        "en": "{what} -> {name}: disagrees with the change of your own loss along a random direction v (trial "
              "{trial}): sum({name} * v) = {predicted:.6g}, (L(w + h v) - L(w - h v)) / 2h = {numerical:.6g}, "
              "rel_error {rel:.2e}",
        "ko": "{what} -> {name}: 작성한 loss가 무작위 방향 v로 변하는 정도와 맞지 않는다 (시도 {trial}). "
              "sum({name} * v) = {predicted:.6g}, (L(w + h v) - L(w - h v)) / 2h = {numerical:.6g}, "
              "rel_error {rel:.2e}",
    },
    # -- 06_regularization ---------------------------------------------------------------------
    "r_value": {
        "en": "{what} -> value: expected {want:.6g}, got {got:.6g} ({hint})",
        "ko": "{what} -> value: {want:.6g}이어야 하는데 {got:.6g}이다 ({hint})",
    },
    "r_hint_l2_note": {
        "en": "that is Σ (1 − w)², the note's erratum; L2 is Σ w²",
        "ko": "이것은 강의 노트의 정오표에 있는 Σ (1 − w)²이다. L2는 Σ w²이다",
    },
    "r_hint_l2_half": {
        "en": "that is ½ Σ w²; here L2 is Σ w², without ½",
        "ko": "이것은 ½ Σ w²이다. 여기서 L2는 ½이 없는 Σ w²이다",
    },
    "r_hint_l2_half_W": {
        "en": "that is ½ Σ W²; here L2 is Σ W², without ½",
        "ko": "이것은 ½ Σ W²이다. 여기서 L2는 ½이 없는 Σ W²이다",
    },
    "r_hint_l2_norm": {
        "en": "that is the norm √(Σ W²); L2 is Σ W²",
        "ko": "이것은 norm √(Σ W²)이다. L2는 Σ W²이다",
    },
    "r_hint_l1_note": {
        "en": "that is Σ |1 − w|, the note's erratum; L1 is Σ |w|",
        "ko": "이것은 강의 노트의 정오표에 있는 Σ |1 − w|이다. L1은 Σ |w|이다",
    },
    "r_zero_at_zero": {
        "en": "{what} -> gradient: expected 0 where W is 0 (use sign(W), which is 0 at 0), got {n} nonzero "
              "value(s) there",
        "ko": "{what} -> gradient: W가 0인 곳에서는 0이어야 하는데 0이 아닌 값이 {n}개 있다 (W가 0이면 sign(W)도 "
              "0이다)",
    },
    "r_l2_W": {"en": "l2_penalty(W of shape {shape})", "ko": "l2_penalty(shape가 {shape}인 W)"},
    "r_l1_W": {"en": "l1_penalty(W of shape {shape} with some zeros)", "ko": "l1_penalty(0이 섞인, shape가 {shape}인 W)"},
    "r_en_W": {
        "en": "elastic_net(W of shape {shape}, beta={beta:g})",
        "ko": "elastic_net(shape가 {shape}인 W, beta={beta:g})",
    },
    "r_en_default": {
        "en": "elastic_net(W of shape {shape}) with the default beta",
        "ko": "elastic_net(shape가 {shape}인 W), beta는 기본값",
    },
    "r_en_default_value": {
        "en": "{what} -> value (the default is beta=1.0)",
        "ko": "{what} -> value (기본값은 beta=1.0)",
    },
    "r_dropout_forward": {
        "en": "dropout_forward(x of shape {x}, p={p}, mask of shape {mask})",
        "ko": "dropout_forward(shape가 {x}인 x, p={p}, shape가 {mask}인 mask)",
    },
    "r_not_scaled": {
        "en": "{what}: got x * mask; inverted dropout also divides the kept units by 1 - p",
        "ko": "{what}: x * mask가 나왔다. inverted dropout은 남긴 unit을 1 - p로 나누기도 한다",
    },
    "r_divided_by_p": {
        "en": "{what}: got x * mask / p; p is the probability to DROP, so divide by 1 - p",
        "ko": "{what}: x * mask / p가 나왔다. p는 버릴(drop) 확률이므로 1 - p로 나누어야 한다",
    },
    "r_dropped_nonzero": {
        "en": "{what}: expected 0 where the mask is False (dropped), got nonzero values (the mask marks the units "
              "to KEEP)",
        "ko": "{what}: mask가 False인 곳(버린 unit)은 0이어야 하는데 0이 아닌 값이 있다 (mask는 남길 unit을 "
              "표시한다)",
    },
    "r_kept_units": {"en": "{what}, the kept units (x / (1 - p))", "ko": "{what}, 남긴 unit (x / (1 - p))"},
    "r_keep_all": {
        "en": "dropout_forward(x of shape {x}, p=0.0, mask all True)",
        "ko": "dropout_forward(shape가 {x}인 x, p=0.0, 모두 True인 mask)",
    },
    "r_identity": {"en": "{what} (the identity)", "ko": "{what} (항등 함수)"},
    "r_dropout_backward": {
        "en": "dropout_backward(dout of shape {dout}, mask of shape {mask}, p={p})",
        "ko": "dropout_backward(shape가 {dout}인 dout, shape가 {mask}인 mask, p={p})",
    },
    "r_backward_not_scaled": {
        "en": "{what}: got dout * mask; the forward pass divided by 1 - p, so the gradient is divided by 1 - p too",
        "ko": "{what}: dout * mask가 나왔다. forward pass에서 1 - p로 나누었으므로 gradient도 1 - p로 나누어야 한다",
    },
    "r_cache_type": {
        "en": "{what}: expected cache to be the tuple (x_hat, gamma, inv_std), got {got}",
        "ko": "{what}: cache는 tuple (x_hat, gamma, inv_std)이어야 하는데 {got} 객체이다",
    },
    "r_cache_size": {
        "en": "{what}: expected cache to be the tuple (x_hat, gamma, inv_std), got a tuple of {n}",
        "ko": "{what}: cache는 tuple (x_hat, gamma, inv_std)이어야 하는데 원소 {n}개의 tuple이다",
    },
    "r_bn_forward": {
        "en": "batchnorm_forward(x of shape {x}, gamma, beta)",
        "ko": "batchnorm_forward(shape가 {x}인 x, gamma, beta)",
    },
    "r_unbiased": {
        "en": "{what} -> cache inv_std: you used the unbiased variance (divide by N - 1); batch norm divides by N",
        "ko": "{what} -> cache inv_std: 불편 분산(N - 1로 나눈 분산)을 썼다. batch norm은 N으로 나눈다",
    },
    "r_bn_scales": {
        "en": "batchnorm_forward(x of shape {x}, gamma={gamma}, beta={beta}, eps=1e-12)",
        "ko": "batchnorm_forward(shape가 {x}인 x, gamma={gamma}, beta={beta}, eps=1e-12)",
    },
    "r_feature_mean": {"en": "{what}: mean of every feature", "ko": "{what}: 모든 feature의 평균"},
    "r_feature_std": {
        "en": "{what}: standard deviation of every feature (divide by N)",
        "ko": "{what}: 모든 feature의 표준편차 (N으로 나눈다)",
    },
    "r_bn_backward": {
        "en": "batchnorm_backward(dout of shape {dout}, cache of a batch of {n} samples)",
        "ko": "batchnorm_backward(shape가 {dout}인 dout, sample {n}개인 batch의 cache)",
    },
    "r_bn_fixed_stats": {
        "en": "{what} -> dx: got dout * gamma * inv_std, the gradient with the mean and variance held fixed; in "
              "training mode they depend on x too",
        "ko": "{what} -> dx: dout * gamma * inv_std가 나왔다. 이것은 평균과 분산을 고정했을 때의 gradient이다. "
              "training mode에서는 평균과 분산도 x에 따라 달라진다",
    },
    "r_bn_both": {
        "en": "batchnorm_forward / batchnorm_backward(batch of shape {x})",
        "ko": "batchnorm_forward / batchnorm_backward(shape가 {x}인 batch)",
    },
    "r_bn_numerical": {
        "en": "{what} -> {name}: disagrees with the numerical gradient; rel_error {rel:.2e} at index {index}: "
              "yours {analytic:.6g}, numerical {numerical:.6g}",
        "ko": "{what} -> {name}: numerical gradient와 맞지 않는다. index {index}에서 rel_error {rel:.2e}, "
              "작성한 값 {analytic:.6g}, numerical {numerical:.6g}",
    },
    # -- 07_overfitting ------------------------------------------------------------------------
    "o_poly": {
        "en": "polynomial_features(x of shape {shape}, degree={degree})",
        "ko": "polynomial_features(shape가 {shape}인 x, degree={degree})",
    },
    "o_flatten": {
        "en": "{what}: expected a 1-D array of shape ({n},), got shape {shape} (flatten it, e.g. with .ravel())",
        "ko": "{what}: shape가 ({n},)인 1-D array가 와야 하는데 shape {shape}이다 (.ravel() 등으로 펴야 한다)",
    },
    "o_fit": {
        "en": "fit_polynomial(x, y of shape {shape}, degree={degree}, lam={lam:g})",
        "ko": "fit_polynomial(shape가 {shape}인 x, y, degree={degree}, lam={lam:g})",
    },
    "o_reversed": {
        "en": "{what}: your coefficients are in reverse order; return the constant w_0 first, then w_1 (for x), ... "
              "(np.polyfit returns the highest power first)",
        "ko": "{what}: 계수의 순서가 거꾸로이다. 상수항 w_0을 먼저, 그다음 w_1(x의 계수), ... 순서로 반환해야 "
              "한다 (np.polyfit은 최고차항부터 반환한다)",
    },
    "o_through_points": {
        "en": "{what}: the polynomial's values at the training points (it should go through every one of them)",
        "ko": "{what}: training data 점에서 다항식의 값 (다항식은 그 점을 모두 지나야 한다)",
    },
    "o_shrink": {
        "en": "fit_polynomial(x, y, degree=5, lam) for lam = 0, 0.01, 1, 100: expected the sum of squared "
              "coefficients to shrink as lam grows, got {norms}",
        "ko": "lam = 0, 0.01, 1, 100일 때 fit_polynomial(x, y, degree=5, lam): lam이 커질수록 계수의 제곱합이 "
              "줄어야 하는데 {norms}이다",
    },
    "o_number": {"en": "{what}: expected a number, got {got!r}", "ko": "{what}: 수가 와야 하는데 {got!r}이다"},
    "o_one_number": {
        "en": "{what}: expected one number, got an array of shape {shape}",
        "ko": "{what}: 수 하나가 와야 하는데 shape가 {shape}인 array가 왔다",
    },
    "o_epoch_type": {
        "en": "{what}: expected an integer epoch index, got {got!r} ({type})",
        "ko": "{what}: 정수인 epoch index가 와야 하는데 {got!r}({type})이다",
    },
    "o_epoch": {
        "en": "{what}: expected epoch {want}, got {got}{hint}",
        "ko": "{what}: epoch {want}이어야 하는데 {got}이다{hint}",
    },
    "o_hint_from_zero": {
        "en": " (epochs are counted from 0: return the index into the list)",
        "ko": " (epoch은 0부터 센다. list의 index를 반환해야 한다)",
    },
    "o_hint_patience": {
        "en": " (with patience={patience}, training stops before reaching epoch {got})",
        "ko": " (patience={patience}이면 epoch {got}에 이르기 전에 학습이 멈춘다)",
    },
}

#: ``say(entry, **fields)``: entry ``entry`` of :data:`CATALOG` in the language in force, filled with ``fields``.
say = speaker(CATALOG, __name__)
