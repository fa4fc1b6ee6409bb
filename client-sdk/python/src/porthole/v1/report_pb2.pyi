import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReportInterval(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_INTERVAL_UNSPECIFIED: _ClassVar[ReportInterval]
    REPORT_INTERVAL_HOUR: _ClassVar[ReportInterval]
    REPORT_INTERVAL_DAY: _ClassVar[ReportInterval]
    REPORT_INTERVAL_WEEK: _ClassVar[ReportInterval]
REPORT_INTERVAL_UNSPECIFIED: ReportInterval
REPORT_INTERVAL_HOUR: ReportInterval
REPORT_INTERVAL_DAY: ReportInterval
REPORT_INTERVAL_WEEK: ReportInterval

class ReportFilter(_message.Message):
    __slots__ = ("widget_id", "team_id", "agent_user_id")
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_USER_ID_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    team_id: str
    agent_user_id: str
    def __init__(self, widget_id: _Optional[str] = ..., team_id: _Optional[str] = ..., agent_user_id: _Optional[str] = ...) -> None: ...

class GetReportRequest(_message.Message):
    __slots__ = ("from_date", "to_date", "filter", "business_hours", "interval")
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_HOURS_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    from_date: str
    to_date: str
    filter: ReportFilter
    business_hours: bool
    interval: ReportInterval
    def __init__(self, from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., filter: _Optional[_Union[ReportFilter, _Mapping]] = ..., business_hours: _Optional[bool] = ..., interval: _Optional[_Union[ReportInterval, str]] = ...) -> None: ...

class DurationSummary(_message.Message):
    __slots__ = ("count", "median", "p90", "mean")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_FIELD_NUMBER: _ClassVar[int]
    P90_FIELD_NUMBER: _ClassVar[int]
    MEAN_FIELD_NUMBER: _ClassVar[int]
    count: int
    median: _duration_pb2.Duration
    p90: _duration_pb2.Duration
    mean: _duration_pb2.Duration
    def __init__(self, count: _Optional[int] = ..., median: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., p90: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., mean: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class Satisfaction(_message.Message):
    __slots__ = ("rated", "average", "distribution", "response_rate")
    RATED_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_FIELD_NUMBER: _ClassVar[int]
    DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_RATE_FIELD_NUMBER: _ClassVar[int]
    rated: int
    average: float
    distribution: _containers.RepeatedScalarFieldContainer[int]
    response_rate: float
    def __init__(self, rated: _Optional[int] = ..., average: _Optional[float] = ..., distribution: _Optional[_Iterable[int]] = ..., response_rate: _Optional[float] = ...) -> None: ...

class BotFigures(_message.Message):
    __slots__ = ("answered", "resolved", "handed_off")
    ANSWERED_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    HANDED_OFF_FIELD_NUMBER: _ClassVar[int]
    answered: int
    resolved: int
    handed_off: int
    def __init__(self, answered: _Optional[int] = ..., resolved: _Optional[int] = ..., handed_off: _Optional[int] = ...) -> None: ...

class ReportFigures(_message.Message):
    __slots__ = ("started", "open", "resolved", "missed", "first_response", "resolution", "satisfaction", "bot")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    MISSED_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    SATISFACTION_FIELD_NUMBER: _ClassVar[int]
    BOT_FIELD_NUMBER: _ClassVar[int]
    started: int
    open: int
    resolved: int
    missed: int
    first_response: DurationSummary
    resolution: DurationSummary
    satisfaction: Satisfaction
    bot: BotFigures
    def __init__(self, started: _Optional[int] = ..., open: _Optional[int] = ..., resolved: _Optional[int] = ..., missed: _Optional[int] = ..., first_response: _Optional[_Union[DurationSummary, _Mapping]] = ..., resolution: _Optional[_Union[DurationSummary, _Mapping]] = ..., satisfaction: _Optional[_Union[Satisfaction, _Mapping]] = ..., bot: _Optional[_Union[BotFigures, _Mapping]] = ...) -> None: ...

class VolumePoint(_message.Message):
    __slots__ = ("start_time", "started", "resolved", "missed")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    STARTED_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    MISSED_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    started: int
    resolved: int
    missed: int
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started: _Optional[int] = ..., resolved: _Optional[int] = ..., missed: _Optional[int] = ...) -> None: ...

class HourCell(_message.Message):
    __slots__ = ("weekday", "hour", "started")
    WEEKDAY_FIELD_NUMBER: _ClassVar[int]
    HOUR_FIELD_NUMBER: _ClassVar[int]
    STARTED_FIELD_NUMBER: _ClassVar[int]
    weekday: int
    hour: int
    started: int
    def __init__(self, weekday: _Optional[int] = ..., hour: _Optional[int] = ..., started: _Optional[int] = ...) -> None: ...

class AgentReport(_message.Message):
    __slots__ = ("user_id", "display_name", "handled", "first_response", "resolution", "satisfaction", "online", "busy", "away")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    HANDLED_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    SATISFACTION_FIELD_NUMBER: _ClassVar[int]
    ONLINE_FIELD_NUMBER: _ClassVar[int]
    BUSY_FIELD_NUMBER: _ClassVar[int]
    AWAY_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    display_name: str
    handled: int
    first_response: DurationSummary
    resolution: DurationSummary
    satisfaction: Satisfaction
    online: _duration_pb2.Duration
    busy: _duration_pb2.Duration
    away: _duration_pb2.Duration
    def __init__(self, user_id: _Optional[str] = ..., display_name: _Optional[str] = ..., handled: _Optional[int] = ..., first_response: _Optional[_Union[DurationSummary, _Mapping]] = ..., resolution: _Optional[_Union[DurationSummary, _Mapping]] = ..., satisfaction: _Optional[_Union[Satisfaction, _Mapping]] = ..., online: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., busy: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., away: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class ScopeReport(_message.Message):
    __slots__ = ("id", "name", "figures")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    figures: ReportFigures
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., figures: _Optional[_Union[ReportFigures, _Mapping]] = ...) -> None: ...

class RatingComment(_message.Message):
    __slots__ = ("conversation_id", "rating", "comment", "rate_time", "agent_user_id")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    RATE_TIME_FIELD_NUMBER: _ClassVar[int]
    AGENT_USER_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    rating: int
    comment: str
    rate_time: _timestamp_pb2.Timestamp
    agent_user_id: str
    def __init__(self, conversation_id: _Optional[str] = ..., rating: _Optional[int] = ..., comment: _Optional[str] = ..., rate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., agent_user_id: _Optional[str] = ...) -> None: ...

class GetReportResponse(_message.Message):
    __slots__ = ("time_zone", "start_time", "end_time", "current", "previous", "interval", "volume", "busiest_hours", "agents", "widgets", "teams", "recent_comments")
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    BUSIEST_HOURS_FIELD_NUMBER: _ClassVar[int]
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    WIDGETS_FIELD_NUMBER: _ClassVar[int]
    TEAMS_FIELD_NUMBER: _ClassVar[int]
    RECENT_COMMENTS_FIELD_NUMBER: _ClassVar[int]
    time_zone: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    current: ReportFigures
    previous: ReportFigures
    interval: ReportInterval
    volume: _containers.RepeatedCompositeFieldContainer[VolumePoint]
    busiest_hours: _containers.RepeatedCompositeFieldContainer[HourCell]
    agents: _containers.RepeatedCompositeFieldContainer[AgentReport]
    widgets: _containers.RepeatedCompositeFieldContainer[ScopeReport]
    teams: _containers.RepeatedCompositeFieldContainer[ScopeReport]
    recent_comments: _containers.RepeatedCompositeFieldContainer[RatingComment]
    def __init__(self, time_zone: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., current: _Optional[_Union[ReportFigures, _Mapping]] = ..., previous: _Optional[_Union[ReportFigures, _Mapping]] = ..., interval: _Optional[_Union[ReportInterval, str]] = ..., volume: _Optional[_Iterable[_Union[VolumePoint, _Mapping]]] = ..., busiest_hours: _Optional[_Iterable[_Union[HourCell, _Mapping]]] = ..., agents: _Optional[_Iterable[_Union[AgentReport, _Mapping]]] = ..., widgets: _Optional[_Iterable[_Union[ScopeReport, _Mapping]]] = ..., teams: _Optional[_Iterable[_Union[ScopeReport, _Mapping]]] = ..., recent_comments: _Optional[_Iterable[_Union[RatingComment, _Mapping]]] = ...) -> None: ...

class ExportConversationsRequest(_message.Message):
    __slots__ = ("from_date", "to_date", "filter", "page_size", "page_token")
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    from_date: str
    to_date: str
    filter: ReportFilter
    page_size: int
    page_token: str
    def __init__(self, from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., filter: _Optional[_Union[ReportFilter, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ConversationFigures(_message.Message):
    __slots__ = ("conversation_id", "start_time", "widget_id", "team_id", "assignee_user_id", "status", "first_response_time", "first_responder", "first_response_seconds", "resolve_time", "resolution_seconds", "missed", "rating", "rating_comment", "tags")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONDER_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MISSED_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    RATING_COMMENT_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    start_time: _timestamp_pb2.Timestamp
    widget_id: str
    team_id: str
    assignee_user_id: str
    status: str
    first_response_time: _timestamp_pb2.Timestamp
    first_responder: str
    first_response_seconds: int
    resolve_time: _timestamp_pb2.Timestamp
    resolution_seconds: int
    missed: bool
    rating: int
    rating_comment: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, conversation_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., widget_id: _Optional[str] = ..., team_id: _Optional[str] = ..., assignee_user_id: _Optional[str] = ..., status: _Optional[str] = ..., first_response_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_responder: _Optional[str] = ..., first_response_seconds: _Optional[int] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolution_seconds: _Optional[int] = ..., missed: _Optional[bool] = ..., rating: _Optional[int] = ..., rating_comment: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class ExportConversationsResponse(_message.Message):
    __slots__ = ("conversations", "next_page_token")
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[ConversationFigures]
    next_page_token: str
    def __init__(self, conversations: _Optional[_Iterable[_Union[ConversationFigures, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class WatchLiveFiguresRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LiveFigures(_message.Message):
    __slots__ = ("open", "pending", "queued", "oldest_queued_time", "agents_online", "agents_away", "started_today", "resolved_today", "first_response_today", "as_of")
    OPEN_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    OLDEST_QUEUED_TIME_FIELD_NUMBER: _ClassVar[int]
    AGENTS_ONLINE_FIELD_NUMBER: _ClassVar[int]
    AGENTS_AWAY_FIELD_NUMBER: _ClassVar[int]
    STARTED_TODAY_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_TODAY_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_TODAY_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    open: int
    pending: int
    queued: int
    oldest_queued_time: _timestamp_pb2.Timestamp
    agents_online: int
    agents_away: int
    started_today: int
    resolved_today: int
    first_response_today: DurationSummary
    as_of: _timestamp_pb2.Timestamp
    def __init__(self, open: _Optional[int] = ..., pending: _Optional[int] = ..., queued: _Optional[int] = ..., oldest_queued_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., agents_online: _Optional[int] = ..., agents_away: _Optional[int] = ..., started_today: _Optional[int] = ..., resolved_today: _Optional[int] = ..., first_response_today: _Optional[_Union[DurationSummary, _Mapping]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WatchLiveFiguresResponse(_message.Message):
    __slots__ = ("figures",)
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    figures: LiveFigures
    def __init__(self, figures: _Optional[_Union[LiveFigures, _Mapping]] = ...) -> None: ...
