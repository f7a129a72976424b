"""Understanding the delegate's words beyond Rasa's intents: lexicons, fields, language."""
