"""Rasa custom actions. Thin: they read the tracker and call bot.conversation."""
