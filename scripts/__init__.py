"""The repository's development tools (never shipped in the wheel): the code generator
(``python -m scripts.codegen``), the spec and API differs and the vendoring tool.

A regular package, so each tool runs from the repository root as ``python -m scripts.<tool>`` and
the tests import ``scripts.…`` through pytest's ``pythonpath``, without anyone editing ``sys.path``.
"""
