"""The analyst workbench: redaction, the NLU inbox and export, model registry, retraining,
evaluation and the dashboard."""
