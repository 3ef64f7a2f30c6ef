"""Marshmallow schemas of the API: they validate requests and describe responses in the
OpenAPI document (flask-smorest builds it from them)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ..faults.models import CONSEQUENCES, GENDERS, LEVELS, NARRATIVE_MAX, STATUSES
from ..faults.queries import SORTS

INT32 = validate.Range(min=0, max=2**31 - 1)


class Problem(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    errors = ma.fields.Dict(metadata={"description": "Fält och fel (schemafel)"})
    findings = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "Personuppgifter som hittades: fält, slag och position "
            "(start, end) i texten – aldrig texten själv"
        },
    )
    current_version = ma.fields.Integer()
    existing_ref = ma.fields.String()


class Authority(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    huvudman = ma.fields.String(required=True)


class FaultSummary(ma.Schema):
    ref = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=validate.OneOf(STATUSES))
    level = ma.fields.String(allow_none=True, required=True)
    authority = ma.fields.String(required=True)
    huvudman = ma.fields.String(required=True)
    themes = ma.fields.List(ma.fields.String(), required=True)
    occurrence_count = ma.fields.Integer(required=True)
    last_observed_on = ma.fields.Date(allow_none=True, required=True)
    recurring = ma.fields.Boolean(required=True)
    created_at = ma.fields.DateTime(required=True)
    version = ma.fields.Integer(required=True)


class FaultPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FaultSummary), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)


class FaultQuery(ma.Schema):
    """The filters of /faults/."""

    q = ma.fields.String(validate=validate.Length(max=200))
    authority = ma.fields.Integer(validate=INT32)
    huvudman = ma.fields.String(validate=validate.Length(max=100))
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    level = ma.fields.String(validate=validate.OneOf(LEVELS))
    theme = ma.fields.Integer(validate=INT32)
    from_ = ma.fields.Date(data_key="from")
    to = ma.fields.Date()
    recurring = ma.fields.Boolean()
    sort = ma.fields.String(validate=validate.OneOf(SORTS))
    page = ma.fields.Integer(validate=validate.Range(min=1, max=100000))
    per_page = ma.fields.Integer(validate=validate.Range(min=1, max=100))


class MonthCount(ma.Schema):
    year = ma.fields.Integer(required=True)
    month = ma.fields.Integer(required=True)
    count = ma.fields.Integer(required=True)


class OccurrenceOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    observed_on = ma.fields.Date(required=True)
    narrative = ma.fields.String(required=True)
    gender = ma.fields.String(allow_none=True, required=True)
    age_band = ma.fields.String(allow_none=True, required=True)
    consequences = ma.fields.List(ma.fields.String(), required=True)


class FaultDetail(ma.Schema):
    ref = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    level = ma.fields.String(allow_none=True, required=True)
    version = ma.fields.Integer(required=True)
    primary_authority = ma.fields.Nested(Authority, required=True)
    other_authorities = ma.fields.List(ma.fields.Nested(Authority), required=True)
    themes = ma.fields.List(ma.fields.String(), required=True)
    occurrence_count = ma.fields.Integer(required=True)
    recent_count = ma.fields.Integer(
        required=True, metadata={"description": "Förekomster inom återkommande-fönstret"}
    )
    recurring = ma.fields.Boolean(required=True)
    last_observed_on = ma.fields.Date(allow_none=True, required=True)
    monthly = ma.fields.List(ma.fields.Nested(MonthCount), required=True)
    occurrences = ma.fields.List(
        ma.fields.Nested(OccurrenceOut),
        required=True,
        metadata={"description": "De senaste 50 förekomsterna"},
    )
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class Confirmable(ma.Schema):
    confirm_anonymous = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Jag har kontrollerat att texten är avidentifierad: krävs när "
            "texten kan innehålla ett namn eller en adress (varning), aldrig för "
            "personnummer, e-post eller telefonnummer (de nekas alltid)"
        },
    )


class FaultCreate(Confirmable):
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    primary_authority_id = ma.fields.Integer(required=True, validate=INT32)
    description = ma.fields.String(load_default="", validate=validate.Length(max=20000))
    other_authority_ids = ma.fields.List(
        ma.fields.Integer(validate=INT32), load_default=list, validate=validate.Length(max=50)
    )
    level = ma.fields.String(load_default=None, validate=validate.OneOf(LEVELS), allow_none=True)
    theme_ids = ma.fields.List(
        ma.fields.Integer(validate=INT32), load_default=list, validate=validate.Length(max=50)
    )
    report_summary = ma.fields.String(load_default="", validate=validate.Length(max=20000))


class OccurrenceCreate(Confirmable):
    observed_on = ma.fields.Date(required=True)
    narrative = ma.fields.String(load_default="", validate=validate.Length(max=NARRATIVE_MAX))
    gender = ma.fields.String(load_default=None, validate=validate.OneOf(GENDERS), allow_none=True)
    age_band = ma.fields.String(
        load_default=None, validate=validate.Length(max=20), allow_none=True
    )
    consequences = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(CONSEQUENCES)), load_default=list
    )


class OccurrenceCreated(ma.Schema):
    id = ma.fields.Integer(required=True)
    fault_ref = ma.fields.String(required=True)
    observed_on = ma.fields.Date(required=True)
    occurrence_count = ma.fields.Integer(required=True)


class StatusChange(Confirmable):
    to = ma.fields.String(required=True, validate=validate.OneOf(STATUSES))
    version = ma.fields.Integer(
        required=True,
        validate=INT32,
        metadata={"description": "Systemfelets version som lästes; 409 om den är inaktuell"},
    )
    comment = ma.fields.String(load_default="", validate=validate.Length(max=2000))


class AgendaItemOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    section = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    fault_ref = ma.fields.String(allow_none=True, required=True)
    outcome = ma.fields.String(allow_none=True, required=True)
    decision = ma.fields.String(
        allow_none=True, required=True, metadata={"description": "När mötet är genomfört"}
    )


class MeetingOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    forum_id = ma.fields.Integer(required=True)
    forum = ma.fields.String(required=True)
    starts_at = ma.fields.DateTime(required=True)
    place = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    agenda = ma.fields.List(ma.fields.Nested(AgendaItemOut), required=True)
    minutes_markdown = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "De fastställda minnesanteckningarna (Markdown)"},
    )


class MeetingQuery(ma.Schema):
    forum = ma.fields.Integer(validate=INT32)
    status = ma.fields.String(validate=validate.Length(max=20))


class ReportSection(ma.Schema):
    year = ma.fields.Integer(required=True)
    organisation = ma.fields.String(required=True)
    markdown = ma.fields.String(required=True)
    quarters = ma.fields.List(ma.fields.Integer(), required=True)
