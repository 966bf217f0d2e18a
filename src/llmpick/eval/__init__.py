"""Try before you choose: run a recommendation's shortlist on the team's own prompts.

Modules, one job each: ``suite`` (the prompt suite file), ``endpoints`` (where calls go and how),
``assertions`` (checks on an answer), ``similarity`` (local embedding model, optional extra),
``runner`` (the asynchronous run), ``store`` (the results database), ``report`` (matrix and summaries)
and ``rerank`` (measured figures back into the advice).
"""
