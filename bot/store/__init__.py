"""The request store: SQLAlchemy 2 models, sessions, CRUD and migrations."""
