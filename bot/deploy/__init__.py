"""The reference production deployment: several instances behind nginx, on PostgreSQL and Redis."""
