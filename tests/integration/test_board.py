"""The public job board: what is listed, filters, search, pages, an opening's page."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import clock
from app.employers import jobs as job_service
from tests.conftest import text_of
from tests.integration.test_employers import make_employer, make_job


@pytest.fixture
def board(db, factory):
    """A handful of openings across regions, kinds and states."""
    prd, _ = make_employer(factory, name="东莞长安五金制品厂")
    gz, _ = make_employer(factory, name="遵义湄潭茶业公司", area_code="520328")
    pending, _ = make_employer(factory, "pending", name="待审核的用人单位")
    jobs = {
        "welder": make_job(prd, title="电焊工（二保焊）", occupation_code="welder",
                           required_skills=[{"code": "welder", "text": "焊工", "level": 2}],
                           wage_min=7000, wage_max=9000, area_code="441900"),
        "assembly": make_job(prd, title="手机装配普工", occupation_code="electronics_assembly",
                             wage_min=5000, wage_max=6500, area_code="440306", housing=False,
                             meals=False),
        "tea": make_job(gz, title="茶叶加工工", occupation_code="tea_processing",
                        wage_min=2800, wage_max=3600, area_code="520328", housing=False),
        "welfare": make_job(gz, title="护林员", kind="public_welfare",
                            eligibility_county_code="520328", area_code="520328",
                            wage_min=1200, wage_max=1500, occupation_code=None),
        "shanghai": make_job(prd, title="仓库叉车工", occupation_code="forklift_driver",
                             area_code="310117", wage_min=6500, wage_max=8000),
        "draft": make_job(prd, title="草稿岗位不公开", publish=False),
        "closed": make_job(prd, title="已关闭岗位"),
    }
    job_service.close_job(jobs["closed"], factory.user("officer"))
    make_job(pending, title="未审核单位的草稿", publish=False)
    return jobs


def listed_titles(resp) -> list[str]:
    """The titles on the board's cards (not in the filter drop-downs)."""
    return re.findall(r'<h2 class="h6[^"]*">([^<]+)</h2>', resp.get_data(as_text=True))


def titles(client, query: str = "") -> set[str]:
    return set(listed_titles(client.get(f"/jobs{query}")))


LISTED = {"电焊工（二保焊）", "手机装配普工", "茶叶加工工", "护林员", "仓库叉车工"}


def test_board_is_public_and_lists_only_open_openings(client, board):
    resp = client.get("/jobs")
    assert resp.status_code == 200
    assert titles(client) == LISTED


@pytest.mark.parametrize("query,expected", [
    ("?region=prd", {"电焊工（二保焊）", "手机装配普工"}),
    ("?region=yrd", {"仓库叉车工"}),
    ("?region=guizhou", {"茶叶加工工", "护林员"}),
    ("?city=310000", {"仓库叉车工"}),
    ("?city=440300", {"手机装配普工"}),
    ("?wage=7000", {"电焊工（二保焊）", "仓库叉车工"}),
    ("?kind=public_welfare", {"护林员"}),
    ("?occupation=tea_processing", {"茶叶加工工"}),
    ("?housing=1", {"电焊工（二保焊）", "护林员", "仓库叉车工"}),
    ("?region=prd&wage=6000", {"电焊工（二保焊）", "手机装配普工"}),
    ("?region=nonsense&wage=abc", LISTED),
])
def test_filters(client, board, query, expected):
    assert titles(client, query) == expected


@pytest.mark.parametrize("q", ["焊工", "hangong", "电焊", "汗工", "HanGong", "电焊工"])
def test_search_finds_the_welder_however_it_is_typed(client, board, q):
    assert titles(client, f"?q={q}") == {"电焊工（二保焊）"}


@pytest.mark.parametrize("q,expected", [
    ("长安五金", {"电焊工（二保焊）", "手机装配普工", "仓库叉车工"}),  # employer name
    ("叉车", {"仓库叉车工"}),
    ("茶叶", {"茶叶加工工"}),
    ("护林", {"护林员"}),
    ("电子厂", {"手机装配普工"}),  # an alias of the occupation
    ("100%", set()),
    ("草稿", set()),
])
def test_search_by_title_employer_and_alias(client, board, q, expected):
    assert titles(client, f"?q={q}") == expected


def test_pages_and_counts(client, db, factory):
    employer, _ = make_employer(factory, name="大批量招聘公司")
    for i in range(45):
        make_job(employer, title=f"批量岗位{i:02d}号")
    first = text_of(client.get("/jobs?q=批量岗位"))
    assert "45 个在招岗位" in first and "批量岗位44号" in first and "批量岗位00号" not in first
    third = text_of(client.get("/jobs?q=批量岗位&page=3"))
    assert "批量岗位00号" in third
    assert client.get("/jobs?page=999").status_code == 200


def test_opening_page_shows_wage_conditions_and_how_to_apply(client, board):
    job = board["welder"]
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert "东莞长安五金制品厂" in page and "7,000–9,000 元/月" in page
    assert "包住" in page and "如何报名" in page and f"{job.id:06d}" in page
    assert "13800138001" not in page  # the employer's phone is not published


def test_unpublished_openings_have_no_public_page(client, board):
    assert client.get(f"/jobs/{board['draft'].id}").status_code == 404
    assert client.get("/jobs/999999").status_code == 404
    closed = text_of(client.get(f"/jobs/{board['closed'].id}"))
    assert "不再接受报名" in closed


def test_board_on_a_phone_sized_page_has_the_viewport_meta(client, board):
    body = client.get("/jobs").get_data(as_text=True)
    assert 'name="viewport"' in body and "col-12" in body


def test_closing_date_is_respected_on_the_board(client, db, factory):
    employer, _ = make_employer(factory)
    job = make_job(employer, title="明天截止的岗位", closing_date=clock.today() + timedelta(days=1))
    assert "明天截止的岗位" in text_of(client.get("/jobs"))
    job.closing_date = clock.today() - timedelta(days=1)
    db.session.flush()
    assert "明天截止的岗位" not in text_of(client.get("/jobs"))
