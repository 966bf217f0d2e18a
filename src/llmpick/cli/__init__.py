"""The `llmpick` command line: one thin module per command group, each with a ``register(app)``."""
