"""A picture of a :class:`~coursework.graph.Value` graph, with matplotlib only (no graphviz).

Each Value is a rounded box holding its label, its value and (optionally) its gradient;
each operation is a small circle between its inputs and its result, as in the lecture's
circuit diagrams. Nodes are laid out by depth, left to right: the inputs (depth 0) in
the first column, a node one column right of its deepest parent, and a constant
(an unnamed leaf) just left of where it is first used. Within a column the
nodes are sorted by the mean height of their parents, which keeps most edges short.

The nodes may be Values or any nodes with the same attributes (``data``, ``grad``,
``label``, ``op``, ``parents``), such as the notebook's ``MyValue``; for those, pass a
topological sort (``sort=``, e.g. your ``topological_order``). A Value graph needs none:
its nodes are drawn in the order they were created, which puts parents first.
"""

from __future__ import annotations

from typing import Any, Callable

from .value import Value

__all__ = ["draw_graph", "node_text"]

# Layout, in data units (one unit is _INCH inches when draw_graph makes the figure).
_ROW = 1.6          # distance between two nodes in a column (at least a box and 0.4)
_LINE = 0.3         # height of a line of text in a box (a box of 3 lines is 1.2 high)
_BOX_H = 1.2        # height of a Value box of 3 lines
_OP_H = 0.8         # height of an operation pill
_GAP = 1.6          # room between two columns of boxes, for the operation
_BAND_GAP = 0.6     # room between two bands of a wrapped picture
_INCH = 0.5
_FONT = 8
_CHAR = 0.135       # width of one monospace character at _FONT points, in data units


def _text_width(text: str) -> float:
    return _CHAR * max(len(line) for line in text.split("\n"))


NODE_ATTRIBUTES = ("data", "grad", "label", "op", "parents")


def node_text(node: Any, show_grad: bool = True) -> str:
    """The text in a node's box: label (if any), ``data`` and ``grad`` with 4 decimals.

    >>> node_text(Value(-12.0, "f"))
    'f\\ndata -12.0000\\ngrad 0.0000'
    """
    lines = [node.label] if node.label else []
    lines.append(f"data {node.data:.4f}")
    if show_grad:
        lines.append(f"grad {node.grad:.4f}")
    return "\n".join(lines)


def creation_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on (``root`` included), in the order they were created.

    A node is created after its parents, so this order has parents first: enough to lay
    out a picture, with no search of the graph's order (the exercise of assignment 04).
    """
    found, stack = {root}, [root]
    while stack:
        for parent in stack.pop().parents:
            if parent not in found:
                found.add(parent)
                stack.append(parent)
    return sorted(found, key=lambda node: node._stamp)  # noqa: SLF001 - same package


def _layout(order: list, col: float, row: float = _ROW) -> dict[Any, tuple[float, float]]:
    """(x, y) centre of every node's box: x by depth, y spread around 0 in each column.

    The depth of a node is one more than that of its deepest parent; named leaves (the
    inputs) have depth 0. Unnamed leaves (constants such as the 1 in ``1 + e``) sit
    just left of their first use instead, so their edge stays short. Within a column,
    nodes are sorted by the mean height of their parents (inputs keep their order) and
    a constant goes right below the other inputs of the node that uses it.
    """
    depth: dict[Value, int] = {}
    for node in order:  # parents come first, so their depth is known
        depth[node] = 1 + max((depth[p] for p in node.parents), default=-1)
    user: dict[Value, Value] = {}  # constant -> the shallowest node that uses it
    for node in order:
        for p in node.parents:
            if not p.parents and not p.label and p not in user:
                user[p] = node  # order is topological, so the first user is the shallowest
    for const, node in user.items():
        depth[const] = depth[node] - 1
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[node], []).append(node)

    pos: dict[Value, tuple[float, float]] = {}
    for d in sorted(columns):
        key: dict[Value, float] = {}
        for i, node in enumerate(columns[d]):
            if node in user:
                continue
            if node.parents:  # higher parents first: the key is minus their mean height
                key[node] = -sum(pos[p][1] for p in node.parents) / len(node.parents)
            else:
                key[node] = i
        for node in columns[d]:
            if node in user:
                siblings = [key[p] if p in key else -pos[p][1] for p in user[node].parents
                            if p in key or p in pos]
                key[node] = max(siblings) if siblings else 0.0
        # sorted() is stable and constants sort after the nodes they share a key with
        nodes = sorted(columns[d], key=lambda n: (key[n], n in user))
        for i, node in enumerate(nodes):
            pos[node] = (d * col, ((len(nodes) - 1) / 2 - i) * row)
    return pos


def _wrap(order: list, pos: dict, col: float, wrap: int, box_h: float) -> tuple[dict, dict]:
    """``pos`` with columns ``wrap`` and on moved into bands below the first, each band under
    the last; and the edges from one band into the next, with the height of their bend.

    A later band starts half a column right, so its first operation stays inside the picture.
    """
    band = {node: int(round(pos[node][0] / col)) // wrap for node in order}
    moved: dict = {}
    crossing: dict = {}
    bottom = None   # the lowest box edge of the bands placed so far
    for b in range(max(band.values()) + 1):
        members = [node for node in order if band[node] == b]
        if not members:
            continue
        top = max(pos[n][1] for n in members) + box_h / 2
        shift = 0.0 if bottom is None else bottom - _BAND_GAP - top
        for node in members:
            x, y = pos[node]
            moved[node] = (x - b * wrap * col + (col / 2 if b else 0.0), y + shift)
        if bottom is not None:
            for node in members:
                for parent in node.parents:
                    if band[parent] < b:
                        crossing[(parent, node)] = bottom - _BAND_GAP / 2
        bottom = min(moved[n][1] for n in members) - box_h / 2
    return moved, crossing


def draw_graph(root: Any, ax=None, show_grad: bool = True, max_nodes: int = 300,
               sort: Callable[[Any], list] | None = None, *, text: Callable[[Any, bool], str] | None = None,
               fontsize: float = _FONT, wrap: int | None = None):
    """Draw the graph that computes ``root``.

    Parameters
    ----------
    root : Value, or a node with the attributes ``data``, ``grad``, ``label``, ``op``, ``parents``
        The output node; every node it depends on is drawn.
    ax : matplotlib.axes.Axes, optional
        Where to draw. By default a new figure is made, sized to the graph.
    show_grad : bool, default True
        Also print each node's ``grad`` (call ``root.backward()`` first).
    max_nodes : int, default 300
        Refuse larger graphs (a picture of thousands of boxes is unreadable and slow).
    sort : callable, optional
        ``sort(root)`` -> every node below ``root``, parents before children (your
        ``topological_order``). Needed for nodes that are not Values; for a Value graph
        the default is :func:`creation_order`.
    text : callable, optional
        ``text(node, show_grad)`` -> the text in the node's box (default :func:`node_text`);
        boxes fit its longest line and its number of lines.
    fontsize : float, default 8
        Points. Right for a picture where a layout unit is 0.5 inch (the figure drawn here);
        into a given ``ax`` of another scale, pass 8 x (inches per unit) / 0.5.
    wrap : int, optional
        At most this many columns side by side: the next ones continue below, in bands,
        each band's first operation joined to the last by a bent arrow (a long graph on a
        wide, low page).

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
        Its ``ax.texts`` hold one text per Value (see :func:`node_text`) and one per
        operation (its ``op``, such as ``"+"``, ``"*"``, ``"**-1"``, ``"exp"``), node by
        node in ``sort``'s order; the text of the node ``order[i]`` has the gid ``"node i"``,
        its operation's ``"op i"``.
    """
    if sort is None:
        if not isinstance(root, Value):
            raise TypeError(f"draw_graph: expected a Value, got {root!r} ({type(root).__name__}); "
                            "for other nodes pass sort=, e.g. your topological_order")
        order = creation_order(root)
    else:
        missing = [a for a in NODE_ATTRIBUTES if not hasattr(root, a)]
        if missing:
            raise TypeError(f"draw_graph: expected a node with the attributes {', '.join(NODE_ATTRIBUTES)}; "
                            f"{type(root).__name__} has no {', '.join(missing)}")
        order = list(sort(root))
        if not order or order[-1] is not root:
            raise ValueError(f"draw_graph: expected sort(root) to list the nodes with root last, "
                             f"got {len(order)} node(s) ending with {order[-1] if order else None!r}")
    if len(order) > max_nodes:
        raise ValueError(f"draw_graph: the graph has {len(order)} nodes, more than max_nodes={max_nodes}; "
                         "draw a smaller graph or raise max_nodes")

    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if wrap is not None and (not isinstance(wrap, int) or wrap < 1):
        raise ValueError(f"draw_graph: expected wrap to be a number of columns >= 1, got {wrap!r}")
    texts = {node: (text or node_text)(node, show_grad) for node in order}
    box_w = max(1.6, max(_text_width(t) for t in texts.values()) + 0.4)
    # a given text sizes the boxes by its lines (node_text's, 2 or 3 lines, keep the 3-line box)
    box_h = _LINE * max(t.count("\n") + 1 for t in texts.values()) + 0.3 if text else _BOX_H
    col = box_w + _GAP
    pos = _layout(order, col, box_h + 0.4 if text else _ROW)
    crossing: dict = {}
    if wrap is not None:
        pos, crossing = _wrap(order, pos, col, wrap, box_h)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    margin = 0.3
    left = min(min(xs) - box_w / 2, min((pos[n][0] - col / 2 - max(_OP_H, _text_width(n.op) + 0.3) / 2
                                         for n in order if n.parents), default=min(xs)))
    x_lim = (left - margin, max(xs) + box_w / 2 + margin)
    y_lim = (min(ys) - box_h / 2 - margin, max(ys) + box_h / 2 + margin)
    if ax is None:
        fig = plt.figure(figsize=((x_lim[1] - x_lim[0]) * _INCH, (y_lim[1] - y_lim[0]) * _INCH))
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))  # no margins: a data unit is _INCH inches
    else:
        fig = ax.figure

    scale = fontsize / _FONT   # line widths and arrow heads grow with the text

    def arrow(start, end, path=None):
        ax.add_patch(FancyArrowPatch(start, end, path=path, arrowstyle="-|>", mutation_scale=8 * scale,
                                     shrinkA=0, shrinkB=0, color="0.35", lw=0.8 * scale, zorder=1))

    for i, node in enumerate(order):
        x, y = pos[node]
        colour = "#dbe9f6" if not node.parents else "#f4f4f4"
        ax.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h,
                                    boxstyle="round,pad=0,rounding_size=0.15",
                                    facecolor=colour, edgecolor="0.2", lw=0.8 * scale, zorder=2))
        ax.text(x, y, texts[node], ha="center", va="center",
                fontsize=fontsize, family="monospace", zorder=3, gid=f"node {i}")
        if not node.parents:
            continue
        ox = x - col / 2  # the operation sits halfway to the previous column
        half = max(_OP_H, _text_width(node.op) + 0.3) / 2  # a pill around the op's name
        ax.add_patch(FancyBboxPatch((ox - half, y - _OP_H / 2), 2 * half, _OP_H,
                                    boxstyle=f"round,pad=0,rounding_size={_OP_H / 2}",
                                    facecolor="#fff2cc", edgecolor="0.2", lw=0.8 * scale, zorder=2))
        ax.text(ox, y, node.op, ha="center", va="center", fontsize=fontsize, family="monospace", zorder=3,
                gid=f"op {i}")
        arrow((ox + half, y), (x - box_w / 2, y))
        for parent in node.parents:
            px, py = pos[parent]
            if (parent, node) in crossing:  # out of the band to the right, down, into the next band from the left
                from matplotlib.path import Path

                (sx, sy), (ex, ey), mid = (px + box_w / 2, py), (ox - half, y), crossing[(parent, node)]
                corners = [(sx, sy), (sx + 0.25, sy), (sx + 0.25, mid), (ex - 0.25, mid), (ex - 0.25, ey), (ex, ey)]
                arrow(None, None, path=Path(corners, [Path.MOVETO] + [Path.LINETO] * 5))
            else:
                arrow((px + box_w / 2, py), (ox - half, y))

    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax
