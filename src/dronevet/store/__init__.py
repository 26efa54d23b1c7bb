"""Where dronevet keeps what users add: the database (`db` opens it, `models` and
`migrations` are its schema, with the airspace tables in `airspace_rows`; `fleet_repo` and
`waiver_repo` move fleet values in and out, `import_rows` keeps the imported FtM files,
`audit` keeps the hash-chained log of every change), and `import_files`, the folder
imports were kept in before, moved in once.

Nothing is imported here, so a command that reads no database (most `vet` and `screen`
runs) does not load SQLAlchemy by touching `dronevet.store.import_files`."""
