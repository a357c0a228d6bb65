"""Who may reach each route (endpoint -> roles, "anon" for signed-out visitors): the
table tests/security/test_route_access.py checks every route against. A new route is
added here."""
from __future__ import annotations

ANON, OFFICER, EMPLOYER, TRAINEE, ADMIN = "anon", "officer", "employer", "trainee", "admin"
PARTNER = "partner"
ALL = {ANON, OFFICER, EMPLOYER, TRAINEE, ADMIN, PARTNER}
USERS = {OFFICER, EMPLOYER, TRAINEE, ADMIN, PARTNER}
STAFF = {OFFICER, ADMIN}

ACCESS: dict[str, set[str]] = {
    # public
    "static": ALL, "bootstrap.static": ALL, "dashboard.healthz": ALL, "auth.login": ALL,
    "board.index": ALL, "board.detail": ALL, "board.call_me": ALL, "employers.signup": ALL,
    "trainee.activate": ALL, "imports.static": ALL,
    "api_docs.docs": ALL, "api_docs.static": ALL, "api_docs.ui_asset": ALL,
    # any logged-in user
    "dashboard.index": USERS, "auth.logout": USERS, "auth.password": USERS,
    "auth.tokens": USERS, "auth.reset_user_password": STAFF, "undo.undo": USERS,
    "employers.suggest_skills": STAFF | {EMPLOYER, TRAINEE},
    # the officers' to-do list
    "todo.index": STAFF, "todo.close": {OFFICER},
    # monitoring (app/monitoring): officers' pages and the public declaration page
    "monitoring.zero_queue": STAFF, "monitoring.take": {OFFICER},
    "monitoring.household_plan": STAFF, "monitoring.add_measure": {OFFICER},
    "monitoring.remove_risk": {OFFICER}, "monitoring.remove_cause": {OFFICER},
    "monitoring.ledger": STAFF, "monitoring.comparisons": STAFF,
    "monitoring.comparison": STAFF, "monitoring.comparison_report": STAFF,
    "monitoring.declarations": STAFF, "monitoring.declaration": STAFF,
    "monitoring.declaration_voice": STAFF, "monitoring.posters": STAFF,
    "monitoring.poster": STAFF,
    "declare.start": ALL, "declare.verify": ALL, "declare.receipt": ALL,
    # administration
    "admin.users": {ADMIN},
    # register
    "registry.workers": STAFF, "registry.worker": STAFF | {TRAINEE},
    "registry.worker_new": STAFF, "registry.worker_edit": STAFF,
    "registry.worker_status": STAFF, "registry.worker_certificate": STAFF,
    "registry.worker_history": STAFF, "registry.worker_reveal": STAFF | {TRAINEE},
    "registry.export_workers": STAFF, "registry.households": STAFF,
    "registry.household": STAFF, "registry.household_new": STAFF,
    "registry.household_delete": STAFF,
    "registry.household_edit": STAFF, "registry.household_plan": STAFF,
    "registry.household_dependant": STAFF, "registry.sites": STAFF, "registry.site": STAFF,
    "registry.site_new": STAFF, "registry.site_edit": STAFF, "registry.duplicates": STAFF,
    "registry.duplicate_resolve": STAFF, "registry.import_roster": STAFF,
    "registry.import_template": STAFF,
    "imports.run": STAFF | {EMPLOYER}, "imports.run_status": STAFF | {EMPLOYER},
    "imports.report": STAFF | {EMPLOYER},
    # employers and openings
    "employers.officer_list": STAFF, "employers.create": STAFF,
    "employers.detail": STAFF | {EMPLOYER}, "employers.edit": STAFF | {EMPLOYER},
    "employers.verify": STAFF, "employers.suspend": STAFF, "employers.reinstate": STAFF,
    "employers.import_jobs": STAFF, "employers.import_mapping": STAFF,
    "employers.import_partner_sheet": STAFF, "employers.to_verify": STAFF,
    "employers.my_jobs": {EMPLOYER}, "employers.new_job": STAFF | {EMPLOYER},
    "employers.job_detail": STAFF | {EMPLOYER}, "employers.edit_job": STAFF | {EMPLOYER},
    "employers.publish_job": STAFF | {EMPLOYER}, "employers.close_job": STAFF | {EMPLOYER},
    "employers.copy_job": STAFF | {EMPLOYER},
    "employers.unclassified": STAFF, "employers.classify": STAFF,
    # matching and referrals
    "matching.worker_matches": STAFF | {TRAINEE}, "matching.refer_from_worker": STAFF | {TRAINEE},
    "matching.record_worker_placement": STAFF, "matching.job_candidates": STAFF | {EMPLOYER},
    "matching.refer_from_job": STAFF, "matching.dispatch": STAFF,
    "matching.dispatch_accept": STAFF, "matching.employer_referrals": STAFF | {EMPLOYER},
    "matching.referral_respond": STAFF | {EMPLOYER}, "matching.referral_hire": STAFF | {EMPLOYER},
    "matching.referral_withdraw": STAFF | {TRAINEE},
    # training and trainee self-service
    "training.courses": STAFF | {TRAINEE}, "training.course": STAFF | {TRAINEE},
    "training.session": STAFF, "training.enrol_view": {OFFICER, TRAINEE},
    "training.withdraw": {OFFICER, TRAINEE}, "training.complete_view": {OFFICER},
    "training.invite": {OFFICER}, "training.issue_code": {OFFICER},
    "training.outcomes": STAFF, "training.outcomes_xlsx": STAFF, "training.reports": STAFF,
    "training.handle_report": {OFFICER},
    "trainee.me": {TRAINEE}, "trainee.report": {TRAINEE},
    # follow-ups, retention, notifications
    "placements.queue": STAFF, "placements.record": STAFF, "placements.arrears": STAFF,
    "placements.resolve": STAFF, "placements.retention_view": STAFF,
    "placements.retention_export": STAFF,
    # every user but a partner office reads their own messages
    "notifications.inbox": STAFF | {EMPLOYER, TRAINEE},
    "notifications.open_one": STAFF | {EMPLOYER, TRAINEE},
    "notifications.read_all": STAFF | {EMPLOYER, TRAINEE},
    # jobs found elsewhere, check-ins, layoff alerts, destinations
    "employment.worker_jobs": STAFF, "employment.end_record": STAFF,
    "employment.checkin_page": ALL, "employment.checkin": STAFF,
    "employment.layoff_alerts": STAFF | {PARTNER}, "employment.layoff_alert": STAFF | {PARTNER},
    "employment.destinations": STAFF, "employment.destinations_xlsx": STAFF,
    "employment.partners": STAFF, "employment.partner": STAFF,
    "employment.partner_new": {ADMIN}, "employment.partner_link": {ADMIN},
    "employment.partner_unlink": {ADMIN}, "employment.partner_account": {ADMIN},
}
