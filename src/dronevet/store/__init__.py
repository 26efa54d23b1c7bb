"""Where dronevet keeps what users add: imported FtM files (`import_files`) and the fleet
database (`db` opens it, `models` and `migrations` are its schema, `fleet_repo` moves fleet
values in and out, `audit` keeps the hash-chained log of every change); `airspace_rows` adds
the airspace tables to the same schema (imported here so the schema is whole wherever the
models are)."""

from dronevet.store import airspace_rows as airspace_rows
