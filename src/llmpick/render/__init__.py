"""Renderers: the same Recommendation as a terminal view, Markdown, JSON or a self-contained HTML report."""
