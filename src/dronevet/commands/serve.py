"""`dronevet serve`: the JSON API (and, as they come, the web pages) under uvicorn.

The store is the one the settings name (`DRONEVET_DATABASE_URL`, else an SQLite file in
`DRONEVET_HOME`); its schema is brought up to date before the first request. Sign in with
an account made by `dronevet user add`. uvicorn parses HTTP with httptools and runs on
uvloop (both dependencies, chosen by uvicorn itself when installed).
"""

from __future__ import annotations

from typing import Annotated

import typer

from dronevet.commands.common import guarded, say

app = typer.Typer()


@app.command()
@guarded
def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on", min=1, max=65535)]
    = 8000,
) -> None:
    """Serve the JSON API at http://HOST:PORT/api/v1 (OpenAPI: /api/v1/openapi.json)."""
    import uvicorn

    from dronevet.settings import Settings
    from dronevet.web.app import create_app

    settings = Settings.from_env()
    application = create_app(settings)
    say(f"dronevet serving http://{host}:{port}/api/v1 on {application.state.register.url}")
    uvicorn.run(application, host=host, port=port, log_level="warning",
                server_header=False, proxy_headers=False)
