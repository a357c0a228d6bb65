"""One clock: the app asks what day it is in China, whatever the machine's clock says.

At 17:00 UTC on 10 March it is already 01:00 on 11 March in China: an opening whose last
day was 10 March closed "yesterday" for the offices, while the machine (on UTC) still
thinks it is the 10th. The board, the referral and the dashboard must all go by China.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from app import clock
from app.placements.models import Referral
from tests.conftest import text_of

EVENING_UTC = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)  # 2026-03-11 01:00 in China
CHINA_DAY = date(2026, 3, 11)
MACHINE_DAY = date(2026, 3, 10)


@pytest.fixture
def evening():
    with time_machine.travel(EVENING_UTC, tick=False):
        yield


def test_the_clock_gives_china_date_and_time(app, evening):
    assert date.today() == MACHINE_DAY  # noqa: TID251 - the machine's clock, for contrast
    with app.app_context():
        assert clock.today() == CHINA_DAY
        assert clock.now().hour == 1 and clock.now().date() == CHINA_DAY
        assert clock.utcnow() == datetime(2026, 3, 10, 17, 0)  # stored timestamps stay UTC
        assert clock.local_date(clock.utcnow()) == CHINA_DAY
        app.config["TIMEZONE"] = "UTC"  # the setting decides
        try:
            assert clock.today() == MACHINE_DAY
        finally:
            app.config["TIMEZONE"] = "Asia/Shanghai"


def test_an_opening_that_closed_yesterday_in_china_is_off_the_board_and_refused(
        evening, client, db, factory, login_as):
    closed = factory.job(title="昨天截止的岗位", closing_date=MACHINE_DAY,
                         start_date=date(2026, 3, 20))
    still_open = factory.job(title="今天截止的岗位", closing_date=CHINA_DAY,
                             start_date=date(2026, 3, 20))
    worker = factory.worker(name="晚间推荐")

    board = text_of(client.get("/jobs"))
    assert "今天截止的岗位" in board and "昨天截止的岗位" not in board
    assert "该岗位已不再接受报名" in text_of(client.get(f"/jobs/{closed.id}"))
    assert "该岗位已不再接受报名" not in text_of(client.get(f"/jobs/{still_open.id}"))

    login_as("officer", area_code="520526")
    resp = client.post(f"/workers/{worker.id}/refer", data={"job_id": closed.id},
                       follow_redirects=True)
    assert "不能推荐到此岗位" in text_of(resp)
    referred = set(db.session.scalars(
        sa.select(Referral.job_id).where(Referral.worker_id == worker.id)))
    assert referred == set()  # refused: the opening closed yesterday in China

    client.post(f"/workers/{worker.id}/refer", data={"job_id": still_open.id})
    referred = set(db.session.scalars(
        sa.select(Referral.job_id).where(Referral.worker_id == worker.id)))
    assert referred == {still_open.id}  # the last day, in China, still takes referrals


def test_the_dashboard_says_when_it_counted_in_china_time(evening, client, login_as):
    login_as("officer", area_code="520526")
    assert "统计于 01:00" in text_of(client.get("/"))
