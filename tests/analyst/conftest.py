"""The staff-console fixtures (clean store, accounts, app client), reused by the analyst tests."""

from tests.staff.conftest import accounts, app_client, store, tracker_url

__all__ = ["accounts", "app_client", "store", "tracker_url"]
