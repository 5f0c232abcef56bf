"""The checks that the assignments' test cells call.

``grader_tests.<topic>`` holds the visible checks, which students have too; they use
stored expected values (``expected/``) and properties, never the reference. When the
judge grades, :func:`grader_tests.harness.stored` gives them inputs drawn for the
student and values computed by the reference in the grading process instead (the
builders of :mod:`grader_tests.builders`). Every value from the student's code is
turned into plain data (:mod:`grader_tests.plain`) before a check decides on it.
``grader_tests.hidden.<topic>`` holds the hidden checks, which run only when an
instructor grades: they compare with the ``coursework`` reference on random inputs
drawn from a seed per student and exercise. The student release must not contain
``grader_tests.hidden``.
"""
