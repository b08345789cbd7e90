"""The cut of a passage to what a slow model can read in time (core/docs/excerpt.py)."""

from __future__ import annotations

from deskmate.core.docs.chunking import tokens
from deskmate.core.docs.excerpt import excerpt
from deskmate.core.docs.search import query_terms

LONG_SENTENCE = ("When the machine stops with a following error the servo loop could not keep the axis within "
                 "the configured limit, so raise FERROR in the ini file or lower the maximum velocity of that "
                 "joint, then home the machine again before running the program")


def test_the_best_matching_sentences_are_kept_whole():
    text = ("The spindle turns clockwise. To change the tool, press the tool change button and wait. "
            "The coolant pump starts with M8. Stop it with M9.")
    a, b = excerpt(text, query_terms("How do I stop the coolant pump?"), 20)
    assert text[a:b] == "The coolant pump starts with M8. Stop it with M9."


def test_a_sentence_longer_than_the_room_is_cut_around_its_match_between_words():
    a, b = excerpt(LONG_SENTENCE, query_terms("Where is FERROR set?"), 12)
    piece = LONG_SENTENCE[a:b]
    assert "FERROR" in piece and tokens(piece) <= 12
    assert LONG_SENTENCE[a - 1] == " " and LONG_SENTENCE[b] == " ", "no word cut in two"


def test_chinese_is_cut_around_the_matching_sentence():
    text = "系统启动时会读取配置文件。要设置代理，请编辑 /etc/apt/apt.conf 文件并加入代理地址。日志保存在 /var/log 目录中。"
    a, b = excerpt(text, query_terms("如何设置代理"), 30)
    assert text[a:b] == "要设置代理，请编辑 /etc/apt/apt.conf 文件并加入代理地址。"


def test_a_passage_that_fits_is_left_whole():
    assert excerpt("Short text.", ["text"], 100) == (0, len("Short text."))
