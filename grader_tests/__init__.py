"""The checks that the assignments' test cells call.

``grader_tests.<topic>`` holds the visible checks, which students have too; they use
stored expected values (``expected/``) and properties, never the reference.
``grader_tests.hidden.<topic>`` holds the hidden checks, which run only when an
instructor grades: they compare with the ``coursework`` reference on random inputs
drawn from a seed per student and exercise. The student release must not contain
``grader_tests.hidden``.
"""
