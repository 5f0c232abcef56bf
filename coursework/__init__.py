"""coursework -- the package behind the "Neural Networks, part 1" notebooks.

Subpackages, one idea each: ``backend`` (array namespace, host/device moves),
``devices`` (the switch: CPU, GPU or a test stand-in), ``tolerances`` (float32 GPU vs
CPU), ``deferred_checks`` (value checks without a host copy per step), ``data``
(offline datasets), ``features`` (colour histogram, HoG), ``nn`` (layers, losses),
``graph`` (scalar autograd), ``gradcheck``, ``optim``, ``regularization``, ``train``,
``experiments`` (the lecture's experiments), ``plotting`` and ``grading`` (nbgrader
plug-ins). Import what you need, e.g. ``from coursework import nn, data``.
"""

__version__ = "0.1.0"
