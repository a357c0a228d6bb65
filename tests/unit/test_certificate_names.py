"""Certificates are found by the names people write (issue 14): a partner sheet saying
B2驾驶证, 电工证, 焊工证, 叉车证 or 健康证 satisfies the opening's or worker's requirement."""
import pytest

from app.employers.importer import read_certificates
from app.skills.taxonomy import default_taxonomy, validate_certificates


@pytest.mark.parametrize("written, code", [
    ("B2驾驶证", "driver_b2"),
    ("b2驾照", "driver_b2"),
    ("持B2驾驶证", "driver_b2"),
    ("A2驾驶证", "driver_a2"),
    ("C1驾驶证", "driver_c1"),
    ("电工证", "so_low_voltage"),  # the electrician's special-operation certificate
    ("低压电工操作证", "so_low_voltage"),
    ("高压电工证", "so_high_voltage"),
    ("焊工证", "so_welding"),
    ("电焊证", "so_welding"),
    ("叉车证", "se_forklift_n1"),
    ("有叉车证优先", "se_forklift_n1"),
    ("健康证", "health_certificate"),
    ("健康证明", "health_certificate"),
    ("登高证", "so_height"),
    ("高空作业证", "so_height"),
    ("行车证", "se_crane_q2"),
    ("保安证", "security_guard"),
    ("月嫂证", "skill_maternity"),
    ("货运资格证", "freight_qualification"),
    ("特种作业操作证（熔化焊接与热切割作业）", "so_welding"),
    ("so_welding", "so_welding"),
])
def test_common_certificate_names_are_recognised(written, code):
    cert = default_taxonomy().find_certificate(written)
    assert cert is not None and cert.code == code


@pytest.mark.parametrize("written", ["某某协会会员证", "驾驶证", "证", ""])
def test_unknown_or_vague_names_are_not_guessed(written):
    assert default_taxonomy().find_certificate(written) is None


def test_openings_import_reads_a_list_of_common_names():
    assert read_certificates("B2驾驶证、健康证") == ["driver_b2", "health_certificate"]
    assert read_certificates("电工证/焊工证 叉车证") == ["so_low_voltage", "so_welding",
                                                   "se_forklift_n1"]
    with pytest.raises(ValueError, match="会员证"):
        read_certificates("健康证、会员证")


def test_an_alias_used_by_two_certificates_is_refused():
    data = {"certificate": [
        {"code": "a", "name": "证甲", "name_en": "A", "authority": "x", "validity_years": 0,
         "aliases": ["电工证"]},
        {"code": "b", "name": "证乙", "name_en": "B", "authority": "x", "validity_years": 0,
         "aliases": ["电工证", "x"]},
    ]}
    reasons = [p.reason for p in validate_certificates(data)]
    assert any("already a name or alias of 'a'" in r for r in reasons)
    assert any("shorter than two characters" in r for r in reasons)
