"""Resolving what people type to canonical skills."""

import pytest

from app.skills.taxonomy import default_taxonomy
from app.skills.text import normalise, parse_skills, resolve, search_terms, split_parts, text_index


@pytest.mark.parametrize("typed, skill, method", [
    ("焊工", "welder", "alias"),
    ("电焊工", "welder", "alias"),
    ("会电焊", "welder", "alias"),
    ("做过月嫂", "maternity_nurse", "alias"),
    ("汗工", "welder", "pinyin"),
    ("Hangong", "welder", "pinyin"),
    ("hangong", "welder", "pinyin"),
    ("HAN GONG", "welder", "pinyin"),
    ("yuesao", "maternity_nurse", "pinyin"),
    ("Welder", "welder", "alias"),
    ("3年电焊经验", "welder", "alias"),
    ("电焊工人", "welder", "contains"),
    ("点焊工", "welder", "contains"),
    ("护工", "elder_care", "alias"),
    ("保洁", "cleaner", "alias"),
    ("带货", "livestream_sales", "alias"),
    ("会计", "accountant", "alias"),
    ("母婴", "maternity_nurse", "chars"),
])
def test_typed_text_resolves(typed, skill, method):
    r = resolve(typed)
    assert (r.skill, r.method) == (skill, method), r
    assert 0 < r.confidence <= 1


def test_electric_welder_is_a_welder_never_an_electrician():
    for typed in ("电焊工", "电焊", "电焊师傅", "dianhangong"):
        assert resolve(typed).skill == "welder", typed
    assert resolve("电工").skill == "electrician"
    assert "electrician" not in search_terms("电焊工")


@pytest.mark.parametrize("typed", ["焊", "工", "木", "电", "师傅"])
def test_single_shared_character_never_matches(typed):
    assert not resolve(typed).resolved


def test_one_shared_character_of_two_is_not_enough():
    # 木工 and 焊工 share only 工; 汗 is a homophone of 焊, so pinyin may say welder.
    assert resolve("木焊").skill != "carpenter"
    assert resolve("铁工").skill is None


def test_unresolved_text_is_kept_not_dropped():
    parts = parse_skills("电焊、会吹唢呐")
    assert [p.skill for p in parts] == ["welder", None]
    assert parts[1].text == "会吹唢呐" and not parts[1].resolved


def test_multi_skill_input_is_split():
    assert split_parts("电焊、叉车；会做饭") == ["电焊", "叉车", "会做饭"]
    skills = [p.skill for p in parse_skills("电焊、叉车；会做饭")]
    assert skills == ["welder", "forklift_driver", "cook"]
    assert [p.skill for p in parse_skills("电工和焊工")] == ["electrician", "welder"]


def test_run_together_skills_are_found_by_containment():
    codes = {p.skill for p in parse_skills("电工焊工都会")}
    assert codes == {"electrician", "welder"}


def test_normalise_strips_filler_but_keeps_words_that_start_like_filler():
    assert normalise("熟练电焊") == "电焊"
    assert normalise("有5年焊工工作经验") == "焊工"
    assert resolve("会计").skill == "accountant"  # exact match runs before stripping 会


@pytest.mark.parametrize("query", ["hangong", "电焊", "汗工", "焊工", "烧焊"])
def test_search_terms_find_welder(query):
    assert "welder" in search_terms(query)


def test_search_terms_of_nonsense_is_empty():
    assert search_terms("zzzz") == set()
    assert search_terms("") == set()


def test_heavy_structures_are_cached_per_taxonomy():
    tax = default_taxonomy()
    assert text_index(tax) is text_index(tax)
