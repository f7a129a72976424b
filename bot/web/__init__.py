"""The public web service: chat gateway, read API and pages."""
