"""JP conversion (docs/jp-conversion.md): which version of the conversion table applies to
an activity, what JP it gives (with the caps per day and per month), and the yearly caps
the one JP rule (competencies.selectors.jp) applies when it sums a year.

Computation, for the version in force on the record's end date:
- per day: days (start to end, both included) × the value;
- per session / per semester: the sessions or semesters entered × the value;
- per scheduled hour: the clock hours entered × 60 / 45 (1 JP = 45 minutes) × the value;
- per activity: the value, once;
with the international value when the activity was international. The result is rounded
half up to one decimal, then held to `cap_per_day` × days and to `cap_per_month` × months
spanned less what the employee's other records of the same activity already count in
those months. `cap_per_year` is applied to the yearly sum, per activity, by the JP rule."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from competencies.formats import jp_display
from competencies.models import JpConversionRule, TrainingRecord

if TYPE_CHECKING:
    from competencies.models import Employee

Unit = JpConversionRule.Unit
TENTH = Decimal("0.1")
MAX_SPAN_DAYS = 7 * 366  # longer than a study assignment's seven years is a typo
MAX_SESSIONS_A_DAY = 4
MAX_JP = Decimal(999)  # TrainingRecord.jp's own limit


def _round(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _months(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# THE TABLE --------------------------------------------------------------------------------


def jp_rule_in_force(
    *, development_type: int, activity: str, on: datetime.date
) -> JpConversionRule | None:
    """The version of (development type, activity) in force on `on`: the latest
    `effective_from` on or before it; None when the table has no such row then."""
    return (
        JpConversionRule.objects.filter(
            development_type=development_type, activity=activity, effective_from__lte=on
        )
        .order_by("-effective_from")
        .first()
    )


def jp_rule_choices() -> list[tuple[str, str]]:
    """The record form's "kind" list: every (development type, activity) in the table,
    as ("<type>:<activity>", "<activity> — <SIASN type>"), in SIASN order."""
    pairs = (
        JpConversionRule.objects.order_by("development_type", "activity")
        .values_list("development_type", "activity")
        .distinct()
    )
    labels = dict(JpConversionRule.Activity.choices)
    from competencies.siasn import DevelopmentType

    types = dict(DevelopmentType.choices)
    return [
        (f"{dev}:{activity}", f"{types.get(dev, dev)} — {labels.get(activity, activity)}")
        for dev, activity in pairs
    ]


def jp_yearly_cap_subquery(*, year: int | None = None) -> Subquery:
    """The yearly cap of the outer row's `activity`, as a correlated subquery, so the JP
    sum reads the caps in its own query: the lowest `cap_per_year` of that activity's
    versions in force on 31 December of the year (each (development type, activity) by
    its latest `effective_from` up to then); None when there is none. A new version's
    yearly cap so applies from the year it starts in. Without `year`, the year is that of
    the outer row's `finished_on` (one record)."""

    def in_force_by(outer: Any) -> Q:
        if year is not None:
            return Q(effective_from__lte=datetime.date(year, 12, 31))
        return Q(effective_from__year__lte=ExtractYear(outer("finished_on")))

    latest = (
        JpConversionRule.objects.filter(
            in_force_by(lambda name: OuterRef(OuterRef(name))),
            development_type=OuterRef("development_type"),
            activity=OuterRef("activity"),
        )
        .order_by("-effective_from")
        .values("effective_from")[:1]
    )
    caps = (
        JpConversionRule.objects.filter(
            in_force_by(OuterRef), activity=OuterRef("activity"), cap_per_year__isnull=False
        )
        .annotate(latest=Subquery(latest))
        .filter(effective_from=F("latest"))
        .order_by("cap_per_year")
        .values("cap_per_year")[:1]
    )
    return Subquery(caps, output_field=DecimalField(max_digits=5, decimal_places=1))


def jp_apply_yearly_caps(
    *, by_activity: dict[str, Decimal], caps: dict[str, Decimal]
) -> tuple[Decimal, Decimal]:
    """(counted JP, JP left out by the yearly caps) of one employee's year, from its JP
    per activity ("" for records without one, never capped)."""
    counted = over = Decimal(0)
    for activity, jp in by_activity.items():
        cap = caps.get(activity) if activity else None
        if cap is not None and jp > cap:
            counted += cap
            over += jp - cap
        else:
            counted += jp
    return counted, over


# ONE COMPUTATION -------------------------------------------------------------------------


@dataclass(frozen=True)
class JpComputation:
    rule: JpConversionRule
    units: Decimal | None  # what was entered (sessions, semesters, clock hours)
    uncapped: Decimal
    jp: Decimal
    explanation: str

    @property
    def capped(self) -> bool:
        return self.jp < self.uncapped


def jp_compute(
    *,
    rule: JpConversionRule,
    started_on: datetime.date,
    finished_on: datetime.date,
    units: Decimal | None,
    international: bool,
    used_in_months: Decimal = Decimal(0),
) -> JpComputation:
    """The JP `rule` gives (module docstring). Raises ValidationError, keyed by form
    field, for input that cannot be right (reversed dates, counts the dates cannot
    hold)."""
    if finished_on < started_on:
        raise ValidationError({"finished_on": _("The end date cannot be before the start.")})
    days = (finished_on - started_on).days + 1
    if days > MAX_SPAN_DAYS:
        raise ValidationError({"finished_on": _("The dates span more than seven years.")})
    months = _months(started_on, finished_on)
    value = rule.jp_international if international else rule.jp_national
    count: Decimal
    if rule.unit == Unit.DAY:
        count = Decimal(days)
        how = _("%(count)s day(s) × %(value)s JP") % {"count": days, "value": jp_display(value)}
    elif rule.unit == Unit.ACTIVITY:
        count = Decimal(1)
        how = _("%(value)s JP for the activity") % {"value": jp_display(value)}
    else:
        if units is None or units <= 0:
            raise ValidationError({"units": _unit_required(rule.unit)})
        if rule.unit == Unit.SESSION:
            if units > days * MAX_SESSIONS_A_DAY:
                raise ValidationError(
                    {
                        "units": _(
                            "%(units)s sessions in %(days)s day(s) is more than the dates "
                            "can hold (at most %(most)s a day)."
                        )
                        % {"units": jp_display(units), "days": days, "most": MAX_SESSIONS_A_DAY}
                    }
                )
            count = units
            how = _("%(count)s session(s) × %(value)s JP") % {
                "count": jp_display(units),
                "value": jp_display(value),
            }
        elif rule.unit == Unit.SEMESTER:
            most = len(months) // 4 + 1
            if units > most:
                raise ValidationError(
                    {
                        "units": _(
                            "%(units)s semesters do not fit between the dates (at most %(most)s)."
                        )
                        % {"units": jp_display(units), "most": most}
                    }
                )
            count = units
            how = _("%(count)s semester(s) × %(value)s JP") % {
                "count": jp_display(units),
                "value": jp_display(value),
            }
        else:  # scheduled hours
            if units > 24 * days:
                raise ValidationError(
                    {
                        "units": _("%(units)s hours in %(days)s day(s) is more than the days hold.")
                        % {"units": jp_display(units), "days": days}
                    }
                )
            count = units * 60 / 45
            how = _("%(hours)s hour(s) = %(jp)s lessons of 45 minutes × %(value)s JP") % {
                "hours": jp_display(units),
                "jp": jp_display(_round(count)),
                "value": jp_display(value),
            }
    uncapped = _round(count * value)
    jp = uncapped
    notes = [how + f" = {jp_display(uncapped)} JP"]
    if rule.cap_per_day is not None and jp > rule.cap_per_day * days:
        jp = rule.cap_per_day * days
        notes.append(_("at most %(cap)s JP a day") % {"cap": jp_display(rule.cap_per_day)})
    if rule.cap_per_month is not None:
        allowance = max(Decimal(0), rule.cap_per_month * len(months) - used_in_months)
        if jp > allowance:
            jp = allowance
            notes.append(
                _("at most %(cap)s JP a month (%(used)s JP already counted that month)")
                % {"cap": jp_display(rule.cap_per_month), "used": jp_display(used_in_months)}
            )
    if jp > MAX_JP:
        raise ValidationError({"units": _("More than 999 JP for one record cannot be right.")})
    if jp < uncapped:
        notes.append(_("counted: %(jp)s JP") % {"jp": jp_display(jp)})
    return JpComputation(
        rule=rule,
        units=units if rule.unit in (Unit.SESSION, Unit.SEMESTER, Unit.HOUR) else None,
        uncapped=uncapped,
        jp=jp,
        explanation="; ".join(notes),
    )


def _unit_required(unit: str) -> str:
    messages: dict[str, str] = {
        Unit.SESSION: _("Enter the number of sessions."),
        Unit.SEMESTER: _("Enter the number of semesters."),
        Unit.HOUR: _("Enter the scheduled hours."),
    }
    return messages[unit]


def jp_used_in_months(
    *,
    employee: Employee,
    activity: str,
    started_on: datetime.date,
    finished_on: datetime.date,
    exclude_record_id: int | None = None,
) -> Decimal:
    """JP the employee's other records of the same activity (waiting or approved) count in
    the calendar months the dates touch, for the monthly cap."""
    first = started_on.replace(day=1)
    year, month = _months(started_on, finished_on)[-1]
    after = datetime.date(year + 1, 1, 1) if month == 12 else datetime.date(year, month + 1, 1)
    records = TrainingRecord.objects.filter(
        employee=employee,
        activity=activity,
        status__in=[TrainingRecord.Status.SUBMITTED, TrainingRecord.Status.APPROVED],
        finished_on__gte=first,
        finished_on__lt=after,
    )
    if exclude_record_id is not None:
        records = records.exclude(pk=exclude_record_id)
    return records.aggregate(total=Sum("jp"))["total"] or Decimal(0)


def jp_compute_for_employee(
    *,
    employee: Employee,
    development_type: int,
    activity: str,
    started_on: datetime.date,
    finished_on: datetime.date,
    units: Decimal | None,
    international: bool,
    exclude_record_id: int | None = None,
) -> JpComputation:
    """What the record form shows and the submit service stores: the version in force on
    the end date, the employee's use of the monthly cap, `jp_compute`."""
    if finished_on < started_on:
        raise ValidationError({"finished_on": _("The end date cannot be before the start.")})
    rule = jp_rule_in_force(development_type=development_type, activity=activity, on=finished_on)
    if rule is None:
        raise ValidationError(
            {"kind": _("The JP conversion table has no rule for this kind on these dates.")}
        )
    used = Decimal(0)
    if rule.cap_per_month is not None:
        used = jp_used_in_months(
            employee=employee,
            activity=activity,
            started_on=started_on,
            finished_on=finished_on,
            exclude_record_id=exclude_record_id,
        )
    return jp_compute(
        rule=rule,
        started_on=started_on,
        finished_on=finished_on,
        units=units,
        international=international,
        used_in_months=used,
    )


# RE-COMPUTATION PREVIEW ----------------------------------------------------------------------


@dataclass(frozen=True)
class JpChange:
    record_id: int
    old: Decimal
    new: Decimal
    rule_id: int


def jp_recompute_candidates(
    *, records: Iterable[int] | QuerySet | None = None
) -> list[TrainingRecord]:
    """Converted records that re-computation may change: waiting or approved, with an
    activity, and not set by HR (an override stays until HR changes it)."""
    qs = TrainingRecord.objects.filter(
        status__in=[TrainingRecord.Status.SUBMITTED, TrainingRecord.Status.APPROVED],
        jp_override_reason="",
    ).exclude(activity="")
    if records is not None:
        qs = qs.filter(pk__in=records)
    return list(qs.order_by("employee_id", "finished_on", "pk"))


def jp_recompute_changes(
    *, records: list[TrainingRecord], progress: object = None
) -> list[JpChange]:
    """The records whose JP the table in force on their end dates gives differently from
    what they hold. Bulk: the table and the monthly use are read once (two queries), so
    10,000 employees' records take seconds. `progress(percent)` is called as it goes."""
    versions: dict[tuple[int, str], list[JpConversionRule]] = defaultdict(list)
    for rule in JpConversionRule.objects.order_by("-effective_from"):
        versions[(rule.development_type, rule.activity)].append(rule)
    usage: dict[tuple[int, str, int, int], Decimal] = defaultdict(Decimal)
    rows = (
        TrainingRecord.objects.filter(
            status__in=[TrainingRecord.Status.SUBMITTED, TrainingRecord.Status.APPROVED],
            employee_id__in={r.employee_id for r in records},
        )
        .exclude(activity="")
        .values_list("employee_id", "activity", "finished_on", "jp")
    )
    for employee_id, activity, finished_on, jp in rows:
        usage[(employee_id, activity, finished_on.year, finished_on.month)] += jp
    changes: list[JpChange] = []
    total = len(records) or 1
    for index, record in enumerate(records):
        if progress is not None and index % 500 == 0:
            progress(int(index * 100 / total))  # type: ignore[operator]
        version = next(
            (
                v
                for v in versions.get((record.development_type, record.activity), [])
                if v.effective_from <= record.finished_on
            ),
            None,
        )
        if version is None:
            continue
        rule = version
        used = Decimal(0)
        if rule.cap_per_month is not None:
            used = (
                sum(
                    (
                        usage[(record.employee_id, record.activity, y, m)]
                        for y, m in _months(record.started_on, record.finished_on)
                    ),
                    Decimal(0),
                )
                - record.jp
            )
        try:
            computed = jp_compute(
                rule=rule,
                started_on=record.started_on,
                finished_on=record.finished_on,
                units=record.jp_units,
                international=record.international,
                used_in_months=max(used, Decimal(0)),
            )
        except ValidationError:
            continue  # what was entered no longer fits the table's unit: left to HR
        if computed.jp != record.jp:
            changes.append(
                JpChange(record_id=record.pk, old=record.jp, new=computed.jp, rule_id=rule.pk)
            )
    return changes
