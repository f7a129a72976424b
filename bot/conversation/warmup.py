"""Load what the conversation needs up front, so the first message is as fast as the rest."""

from bot.members import get_directory
from bot.nlu.language import warm_up as load_language_models
from bot.nlu.lexicon import field_matcher, need_area_matcher, topic_matcher


def warm_up() -> None:
    load_language_models()
    get_directory()
    need_area_matcher()
    topic_matcher()
    field_matcher()
