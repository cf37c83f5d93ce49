from competencies.models.assessments import Assessment
from competencies.models.development_plan import (
    DevelopmentPlan,
    DevelopmentPlanItem,
    DevelopmentPlanSpend,
)
from competencies.models.employees import PANGKAT, Employee, Golongan, HRScope, PppkGolongan
from competencies.models.framework import LEVELS, Competency, ProficiencyLevel
from competencies.models.idp import (
    CoachingSession,
    Idp,
    IdpActivity,
    IdpGoal,
    IdpReview,
    IdpReviewItem,
)
from competencies.models.imports import PendingImport
from competencies.models.jp_conversion import JpConversionRule, JpRecompute
from competencies.models.organisation import OrgUnit, Position, PositionRequirement
from competencies.models.records import TrainingRecord
from competencies.models.settings import AgencySettings
from competencies.models.summaries import CurrentLevel, EmployeeJpYear, GapCount

__all__ = [
    "LEVELS",
    "PANGKAT",
    "AgencySettings",
    "Assessment",
    "CoachingSession",
    "Competency",
    "CurrentLevel",
    "DevelopmentPlan",
    "DevelopmentPlanItem",
    "DevelopmentPlanSpend",
    "Employee",
    "EmployeeJpYear",
    "GapCount",
    "Golongan",
    "HRScope",
    "Idp",
    "IdpActivity",
    "IdpGoal",
    "IdpReview",
    "IdpReviewItem",
    "JpConversionRule",
    "JpRecompute",
    "OrgUnit",
    "PendingImport",
    "Position",
    "PositionRequirement",
    "PppkGolongan",
    "ProficiencyLevel",
    "TrainingRecord",
]
