"""Catalogue of WHO-WIPO-WTO technical-assistance activities and the ranking the bot calls."""

from bot.catalogue.loader import CatalogueError, get_catalogue, load_catalogue
from bot.catalogue.ranking import NeedQuery, Suggestion, search, suggest
from bot.catalogue.schema import Activity, Catalogue

__all__ = [
    "Activity",
    "Catalogue",
    "CatalogueError",
    "NeedQuery",
    "Suggestion",
    "get_catalogue",
    "load_catalogue",
    "search",
    "suggest",
]
