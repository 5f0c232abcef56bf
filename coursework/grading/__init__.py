"""Grading tools that plug into nbgrader (instructors)."""
