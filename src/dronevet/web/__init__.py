"""The HTTP front: the JSON API under `/api/v1` (and, later, the web pages), on FastAPI.

`create_app(settings)` builds the application; `dronevet serve` runs it under uvicorn.
Routes parse and check what comes in, ask the core and the fleet register, and send back
the core's own JSON (`to_dict()`), so an answer over HTTP is exactly the CLI's
`--format json` for the same question.
"""
