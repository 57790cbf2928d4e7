"""The HTTP edge: a Litestar JSON API over the use cases (see `app.build_app`)."""
