"""The local web app and REST API (``llmpick serve``): see :func:`llmpick.web.app.create_app`."""
