"""Load what the conversation needs up front, so the first message is as fast as the rest."""

from bot.catalogue.loader import get_catalogue
from bot.catalogue.ranking import NeedQuery, suggest
from bot.members import get_directory
from bot.nlu.language import warm_up as load_language_models
from bot.nlu.lexicon import field_matcher, need_area_matcher, topic_matcher


def warm_up() -> None:
    load_language_models()
    get_directory()
    # Loading validates the catalogue (a broken file stops start-up with the reason) and
    # the first query builds the retrieval index.
    get_catalogue()
    suggest(NeedQuery(text="vaccines"))
    need_area_matcher()
    topic_matcher()
    field_matcher()
