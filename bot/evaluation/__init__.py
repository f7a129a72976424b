"""Choosing the Rasa pipeline by measurement: held-out split, candidates, metrics, report."""
