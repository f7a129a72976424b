"""Sign-in for the staff console and the analyst workbench: accounts, sessions, roles, CSRF."""
