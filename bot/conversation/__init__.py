"""Conversation logic called by the thin Rasa actions in actions/; free of rasa-sdk types."""
