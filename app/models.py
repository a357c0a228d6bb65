"""Imports every feature's models so the metadata is complete (Alembic, create_all)."""
from app.auth.models import ApiToken, Area, AuditLog, LoginAttempt, User  # noqa: F401
from app.employers.models import Employer, Job, PartnerMapping  # noqa: F401
from app.employment.models import (  # noqa: F401
    CheckIn,
    EmploymentRecord,
    LabourPartner,
    LayoffAffected,
    LayoffAlert,
    PartnerEmployer,
)
from app.imports.models import ImportJob  # noqa: F401
from app.matching.models import MatchResult, MatchRun, WorkerSkill  # noqa: F401
from app.monitoring.models import (  # noqa: F401
    Declaration,
    DeclarationCode,
    DeclarationPoint,
    HouseholdMeasure,
    HouseholdRisk,
    ListComparison,
    ListEntry,
    ZeroEmploymentSpell,
)
from app.notifications.models import Notification  # noqa: F401
from app.placements.followup_models import FollowUp, WageArrearsCase  # noqa: F401
from app.placements.models import Placement, Referral  # noqa: F401
from app.registry.models import (  # noqa: F401
    Dependant,
    DuplicateFlag,
    Household,
    HouseholdPlanEntry,
    RelocationSite,
    Worker,
    WorkerCertificate,
    WorkerEvent,
    WorkerStatusChange,
    WorkHistory,
)
from app.scheduler.models import SchedulerLease  # noqa: F401
from app.todo.models import Todo  # noqa: F401
from app.training.models import ChangeReport, Course, CourseSession, Enrolment, TraineeCode  # noqa: F401
