"""CLI command groups, one module per area; `dronevet.cli` assembles them."""
