"""`python -m llmpick`: the same as the `llmpick` command."""

from llmpick.cli.main import run

run()
