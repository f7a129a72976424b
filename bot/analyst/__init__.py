"""The analyst workbench: model registry, retraining, evaluation, dashboard."""
