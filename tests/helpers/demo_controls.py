"""Driving a demo's controls from Python (ipywidgets objects whose ``value`` can be set)."""


def other_value(control):
    """A value of ``control`` different from its current one."""
    if isinstance(control.value, bool):
        return not control.value
    values = [o[1] if isinstance(o, tuple) else o for o in getattr(control, "options", ())]  # (label, value)
    if isinstance(control.value, tuple):  # SelectMultiple
        return tuple(v for v in values if v not in control.value)[:1] or tuple(values[:1])
    if values:
        return next(v for v in values if v != control.value)
    return control.max if control.value != control.max else control.min
