"""Click commands, one module per command group; `storyline.cli` registers them."""
