"""The code generator behind ``make generate`` and ``make check-generated``
(``python -m scripts.codegen generate|check``).

openapi/onstage.yaml ──load (spec)──▶ split per API + named patches (patches)
    ──▶ openapi-python-client's parser, pinned (parse)
    ──▶ template context (typemap, context, secret_marks)
    ──▶ our templates in generator-templates/, the models split into lazily loaded groups (split),
        ruff format + banner (render)
    ──▶ <out>/<api>/{models/<group>.py, api/<tag>.py, resources/<top>.py, their indexes},
        _secrets.py, _lock.json (pipeline)

We use the pinned generator's parser (GeneratorData: models, enums, endpoints with typed properties)
and render with our own templates, because its stock templates would emit a sync-and-async client of
their own, per-call dict copies in ``from_dict``, closed enums and ``Unset`` in every optional field.
What an API is (its bound ids, its envelope) comes from ``onstage._apis``, where the client, the
runtime and the sandbox read it too.

Imports nothing itself: ``scripts._spec_differ`` imports ``scripts.codegen.spec`` without pulling in
the parser or jinja.
"""
