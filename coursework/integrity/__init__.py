"""Academic integrity: a similarity report over the answer cells of a class's notebooks.

``coursework similarity ASSIGNMENT`` compares every pair of submissions, exercise by
exercise, on the students' answer cells only, and writes a report for a person to judge.

- :mod:`.answers` -- the answer cells of each submission, and the release's code;
- :mod:`.normalize` -- one cell as canonical Python (comments, names' spelling, dead
  code, loop-or-comprehension, order of definitions undone), with a map back to its lines;
- :mod:`.fingerprint` -- winnowing fingerprints of it (copydetect: MOSS's method);
- :mod:`.pairs` -- what is nobody's work set aside, each pair compared, one score per pair
  and per exercise, and the pairs that match in assignment after assignment;
- :mod:`.report` -- the HTML page (escaped, no script) and the CSV of all pairs;
- :mod:`.run` -- the command: all of it for one or more assignments, with a progress bar.
"""
