"""The analyst workbench: redaction, the NLU inbox and the export into the training data."""
