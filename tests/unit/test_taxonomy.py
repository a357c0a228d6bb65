"""The shipped skill taxonomy validates, and each kind of broken catalogue is reported."""

from pathlib import Path

import pytest

from app.skills.taxonomy import (
    CERTIFICATES_FILE,
    SKILLS_FILE,
    TaxonomyError,
    default_taxonomy,
    fold,
    load_taxonomy,
    validate_files,
)

CERTS = """
[[certificate]]
code = "so_welding"
name = "特种作业操作证（熔化焊接与热切割作业）"
name_en = "Special operation certificate: welding"
authority = "应急管理部门"
validity_years = 6
"""

GOOD_SKILLS = """
[[skill]]
code = "welder"
name = "焊工"
name_en = "Welder"
category = "construction"
occupation_code = "6-18-02-04"
certificates = [{ code = "so_welding", required = true }]
aliases = ["电焊工", "电焊"]
related = [{ code = "electrician", weight = 0.2 }]

[[skill]]
code = "electrician"
name = "电工"
name_en = "Electrician"
category = "construction"
aliases = ["维修电工"]
"""


def check(tmp_path: Path, skills: str, certs: str = CERTS) -> list[tuple[str, str, str]]:
    (tmp_path / "skills.toml").write_text(skills, encoding="utf-8")
    (tmp_path / "certificates.toml").write_text(certs, encoding="utf-8")
    problems = validate_files(tmp_path / "skills.toml", tmp_path / "certificates.toml")
    return [(p.entry, p.field, p.reason) for p in problems]


def test_shipped_catalogue_validates_clean():
    assert validate_files(SKILLS_FILE, CERTIFICATES_FILE) == []
    tax = default_taxonomy()
    assert len(tax) >= 150
    categories = {s.category for s in tax}
    assert {"manufacturing", "construction", "agriculture", "ecommerce_digital"} <= categories


@pytest.mark.parametrize("alias, code", [
    ("烧焊", "welder"), ("电焊", "welder"), ("护工", "elder_care"), ("月嫂", "maternity_nurse"),
    ("保洁", "cleaner"), ("带货", "livestream_sales"), ("操作工", "general_worker"),
    ("流水线", "general_worker"), ("采茶", "tea_picking"), ("勾机", "excavator_operator"),
])
def test_colloquial_aliases_point_to_canonical_skills(alias, code):
    assert default_taxonomy().lookup(alias).code == code


def test_legally_required_certificates():
    tax = default_taxonomy()
    assert "so_welding" in tax.required_certificates("welder")
    assert "so_low_voltage" in tax.required_certificates("electrician")
    assert "se_forklift_n1" in tax.required_certificates("forklift_driver")
    assert tax.skill("welder").occupation_code == "6-18-02-04"
    assert tax.certificate("se_forklift_n1").validity_years == 4


def test_transfer_weights_are_symmetric():
    tax = default_taxonomy()
    assert tax.transfer("childcare", "maternity_nurse") == 0.7
    assert tax.transfer("maternity_nurse", "childcare") == 0.7
    assert tax.transfer("welder", "welder") == 1.0
    assert tax.transfer("welder", "cook") == 0.0


def test_fold_normalises_width_case_and_punctuation():
    assert fold(" Ｈａｎ　Gong！") == "hangong"
    assert fold("电焊、叉车；") == "电焊叉车"


def test_good_file_is_clean(tmp_path):
    assert check(tmp_path, GOOD_SKILLS) == []


@pytest.mark.parametrize("broken, entry, field, words", [
    (GOOD_SKILLS.replace('"so_welding", required', '"so_weld", required'),
     "welder", "certificates[0]", "unknown certificate"),
    (GOOD_SKILLS.replace('code = "electrician", weight', 'code = "plumber", weight'),
     "welder", "related[0]", "unknown skill"),
    (GOOD_SKILLS.replace('weight = 0.2', 'weight = 1.5'), "welder", "related[0]", "0 < w < 1"),
    (GOOD_SKILLS.replace('weight = 0.2', 'weight = 0'), "welder", "related[0]", "0 < w < 1"),
    (GOOD_SKILLS.replace('code = "electrician"\nname', 'code = "welder"\nname'),
     "welder", "code", "duplicate skill code"),
    (GOOD_SKILLS.replace('["维修电工"]', '["电焊"]'), "electrician", "aliases", "already"),
    (GOOD_SKILLS.replace('name_en = "Electrician"\n', ''), "electrician", "name_en", "missing"),
    (GOOD_SKILLS.replace('category = "construction"\naliases', 'category = "space"\naliases'),
     "electrician", "category", "unknown category"),
    (GOOD_SKILLS.replace('"6-18-02-04"', '"618024"'), "welder", "occupation_code", "6-18-02-04"),
    (GOOD_SKILLS.replace('code = "electrician", weight', 'code = "welder", weight'),
     "welder", "related[0]", "itself"),
    (GOOD_SKILLS.replace('["维修电工"]', '["电"]'), "electrician", "aliases", "shorter"),
    (GOOD_SKILLS.replace('code = "welder"', 'code = "Welder!"'), "Welder!", "code", "ASCII"),
])
def test_each_kind_of_broken_skill_file_is_reported(tmp_path, broken, entry, field, words):
    problems = check(tmp_path, broken)
    assert any(e == entry and f == field and words in r for e, f, r in problems), problems


def test_pair_declared_twice_is_reported(tmp_path):
    twice = GOOD_SKILLS + '\nrelated = [{ code = "welder", weight = 0.3 }]\n'
    problems = check(tmp_path, twice)
    assert any("declared twice" in r for _, _, r in problems)


def test_broken_certificate_file_is_reported(tmp_path):
    bad = CERTS.replace("validity_years = 6", "validity_years = -1") + CERTS
    problems = check(tmp_path, GOOD_SKILLS, bad)
    assert ("so_welding", "validity_years", "must be an integer >= 0 (0 = no fixed term)") \
        in problems
    assert ("so_welding", "code", "duplicate certificate code") in problems


def test_invalid_toml_and_missing_file_are_reported(tmp_path):
    assert any("not valid TOML" in r for _, _, r in check(tmp_path, "[[skill]\ncode = ="))
    problems = validate_files(tmp_path / "nope.toml", tmp_path / "certificates.toml")
    assert any("file not found" in p.reason for p in problems)


def test_load_raises_with_every_problem(tmp_path):
    check(tmp_path, GOOD_SKILLS.replace("weight = 0.2", "weight = 2"))
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(tmp_path / "skills.toml", tmp_path / "certificates.toml")
    assert err.value.problems[0].field == "related[0]"


def test_problem_carries_file_entry_field_reason(tmp_path):
    check(tmp_path, GOOD_SKILLS.replace('"so_welding", required', '"nope", required'))
    problem = validate_files(tmp_path / "skills.toml", tmp_path / "certificates.toml")[0]
    assert (problem.file, problem.entry, problem.field) == \
        ("skills.toml", "welder", "certificates[0]")
    assert "skills.toml" in str(problem)
