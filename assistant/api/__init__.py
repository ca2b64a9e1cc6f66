"""The HTTP API: thin FastAPI routers over the assistant service (see `app.create_app`)."""
