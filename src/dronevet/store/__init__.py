"""Where dronevet keeps what users add: imported FtM files (and, later, the fleet database)."""
