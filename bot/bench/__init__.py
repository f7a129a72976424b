"""Load benchmark: simulated delegates against the bare assistant, embedded and production."""
