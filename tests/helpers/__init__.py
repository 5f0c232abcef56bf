"""What the tests share: sample courses and classes, corpora of hostile and honest answers,
Korean-text checks, and bundle runs. Importable from every test folder as ``helpers``
(pyproject's ``[tool.pytest.ini_options] pythonpath`` puts ``tests/`` on ``sys.path``);
nothing here is collected as a test."""
