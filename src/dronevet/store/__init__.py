"""Where dronevet keeps what users add: imported FtM files (`import_files`) and the fleet
database (`db` opens it, `models` and `migrations` are its schema, `fleet_repo` moves fleet
values in and out, `audit` keeps the hash-chained log of every change)."""
