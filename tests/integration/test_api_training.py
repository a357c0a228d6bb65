"""/api/v1 courses, sessions, enrolments and a worker's course recommendations."""
from __future__ import annotations

from datetime import date, timedelta

from app import clock
from app.training.service import enrol
from tests.factories.training import make_course
from tests.support.api import error_of, ok


def test_catalogue_lists_and_filters(api, factory, db):
    make_course(db, "T-WELD-01")
    order, _ = make_course(db, "T-ELEC-O", name="电工订单班", mode="order",
                           skills=["electrician"], certificate="so_low_voltage")
    trainee = api.as_(factory.user("trainee", worker_id=factory.worker().id))
    body = ok(trainee.get("/courses"))
    assert [c["code"] for c in body["items"]][:2] == ["T-ELEC-O", "T-WELD-01"]  # order first
    assert ok(trainee.get("/courses", mode="order"))["meta"]["total"] == 1
    assert [c["code"] for c in ok(trainee.get("/courses", q="电工"))["items"]] == ["T-ELEC-O"]
    detail = ok(trainee.get(f"/courses/{order.id}"))
    assert detail["sessions"][0]["places_left"] == 10 and detail["sessions"][0]["open"]
    sessions = ok(trainee.get("/sessions", course_id=order.id, upcoming="true"))
    assert sessions["meta"]["total"] == 1
    one = ok(trainee.get(f"/sessions/{sessions['items'][0]['id']}"))
    assert one["course_id"] == order.id and one["places"] == 10
    assert error_of(trainee.get("/courses", mode="night"), 422)


def test_enrol_waitlist_withdraw_and_promotion(api, factory, db):
    _course, session = make_course(db, places=1)
    officer = api.as_(factory.user("officer", area_code="520526"))
    first, second = factory.worker(), factory.worker()
    e1 = ok(officer.post("/enrolments", {"session_id": session.id, "worker_id": first.id}),
            201)
    e2 = ok(officer.post("/enrolments", {"session_id": session.id, "worker_id": second.id}),
            201)
    assert (e1["status"], e2["status"], e2["waitlist_position"]) == ("enrolled", "waitlisted",
                                                                      1)
    assert error_of(officer.post("/enrolments", {"session_id": session.id,
                                                 "worker_id": first.id}),
                    409)["code"] == "already_enrolled"
    assert "worker_id" in error_of(officer.post("/enrolments", {"session_id": session.id}),
                                   422)["fields"]
    ok(officer.post(f"/enrolments/{e1['id']}/withdraw", {"reason": "家中有事"}))
    assert ok(officer.get(f"/enrolments/{e2['id']}"))["status"] == "enrolled"  # moved up
    assert error_of(officer.post(f"/enrolments/{e1['id']}/withdraw", {}), 409)["code"] == \
        "enrolment_closed"
    outside = factory.worker(area_code="520115")
    assert error_of(officer.post("/enrolments", {"session_id": session.id,
                                                 "worker_id": outside.id}), 404)


def test_trainee_enrols_only_themself_and_sees_only_their_enrolments(api, factory, db):
    _course, session = make_course(db)
    me, other = factory.worker(), factory.worker()
    trainee = api.as_(factory.user("trainee", worker_id=me.id))
    enrolment = ok(trainee.post("/enrolments", {"session_id": session.id}), 201)
    assert enrolment["worker_id"] == me.id and enrolment["source"] == "self"
    assert error_of(trainee.post("/enrolments", {"session_id": session.id,
                                                 "worker_id": other.id}), 403)
    officer = api.as_(factory.user("officer", area_code="520526"))
    theirs = ok(officer.post("/enrolments", {"session_id": session.id,
                                             "worker_id": other.id}), 201)
    assert [e["id"] for e in ok(trainee.get("/enrolments"))["items"]] == [enrolment["id"]]
    assert error_of(trainee.get(f"/enrolments/{theirs['id']}"), 404)
    assert error_of(trainee.post(f"/enrolments/{enrolment['id']}/complete",
                                 {"passed": True}), 403)


def test_ineligible_enrolment_is_422_with_the_reason(api, factory, db):
    _course, session = make_course(db, age_min=18, age_max=30)
    old = factory.worker(birth_date=date(1970, 5, 1))
    officer = api.as_(factory.user("officer", area_code="520526"))
    err = error_of(officer.post("/enrolments", {"session_id": session.id,
                                                "worker_id": old.id}), 422)
    assert err["code"] == "not_eligible" and err["message"]


def test_completion_adds_certificate_and_skills(api, factory, db):
    _course, session = make_course(db, start=clock.today() - timedelta(days=1))
    worker = factory.worker()

    enrolment = enrol(worker, session, by=None, day=session.start_date - timedelta(days=1))
    officer = api.as_(factory.user("officer", area_code="520526"))
    url = f"/enrolments/{enrolment.id}/complete"
    err = error_of(officer.post(url, {"passed": True}), 422)
    assert "certificate_number" in err["fields"]
    body = ok(officer.post(url, {"passed": True, "assessment": "合格",
                                 "certificate_number": "T-0001"}))
    assert body["enrolment"]["status"] == "completed" and body["skills_added"] == ["welder"]
    worker_body = ok(officer.get(f"/workers/{worker.id}"))
    assert [c["kind"] for c in worker_body["certificates"]] == ["so_welding"]
    assert error_of(officer.post(url, {"passed": True, "certificate_number": "T-2"}), 409)


def test_course_recommendations_say_what_they_unlock(api, factory, db):
    employer = factory.employer()
    jobs = [factory.job(employer, title=f"焊工{i}", required_certificates=["so_welding"],
                        required_skills=[{"code": "welder", "level": 1}]) for i in range(2)]
    course, _ = make_course(db, "T-WELD-G")
    worker = factory.worker(skills_text="普工")
    officer = api.as_(factory.user("officer", area_code="520526"))
    body = ok(officer.get(f"/workers/{worker.id}/courses", limit=3))
    first = body["suggestions"][0]
    assert first["course"]["id"] == course.id and first["explanation"]
    assert {j["id"] for j in first["unlocked_jobs"]} == {j.id for j in jobs}
    trainee = api.as_(factory.user("trainee", worker_id=worker.id))
    assert ok(trainee.get(f"/workers/{worker.id}/courses"))["worker_id"] == worker.id
    stranger = factory.worker(area_code="520115")
    assert error_of(officer.get(f"/workers/{stranger.id}/courses"), 404)
