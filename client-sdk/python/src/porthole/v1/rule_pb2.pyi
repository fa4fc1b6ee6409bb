import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from porthole.v1 import conversation_pb2 as _conversation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RuleTrigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RULE_TRIGGER_UNSPECIFIED: _ClassVar[RuleTrigger]
    RULE_TRIGGER_CONVERSATION_STARTED: _ClassVar[RuleTrigger]
    RULE_TRIGGER_VISITOR_MESSAGE: _ClassVar[RuleTrigger]
    RULE_TRIGGER_PAGE_VISIT: _ClassVar[RuleTrigger]

class BusinessHoursState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUSINESS_HOURS_STATE_UNSPECIFIED: _ClassVar[BusinessHoursState]
    BUSINESS_HOURS_STATE_OPEN: _ClassVar[BusinessHoursState]
    BUSINESS_HOURS_STATE_CLOSED: _ClassVar[BusinessHoursState]
RULE_TRIGGER_UNSPECIFIED: RuleTrigger
RULE_TRIGGER_CONVERSATION_STARTED: RuleTrigger
RULE_TRIGGER_VISITOR_MESSAGE: RuleTrigger
RULE_TRIGGER_PAGE_VISIT: RuleTrigger
BUSINESS_HOURS_STATE_UNSPECIFIED: BusinessHoursState
BUSINESS_HOURS_STATE_OPEN: BusinessHoursState
BUSINESS_HOURS_STATE_CLOSED: BusinessHoursState

class RuleConditions(_message.Message):
    __slots__ = ("message_contains_any", "page_url_pattern", "visitor_attributes", "business_hours", "time_on_page_seconds", "returning_visitor_only")
    class VisitorAttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    MESSAGE_CONTAINS_ANY_FIELD_NUMBER: _ClassVar[int]
    PAGE_URL_PATTERN_FIELD_NUMBER: _ClassVar[int]
    VISITOR_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_HOURS_FIELD_NUMBER: _ClassVar[int]
    TIME_ON_PAGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    RETURNING_VISITOR_ONLY_FIELD_NUMBER: _ClassVar[int]
    message_contains_any: _containers.RepeatedScalarFieldContainer[str]
    page_url_pattern: str
    visitor_attributes: _containers.ScalarMap[str, str]
    business_hours: BusinessHoursState
    time_on_page_seconds: int
    returning_visitor_only: bool
    def __init__(self, message_contains_any: _Optional[_Iterable[str]] = ..., page_url_pattern: _Optional[str] = ..., visitor_attributes: _Optional[_Mapping[str, str]] = ..., business_hours: _Optional[_Union[BusinessHoursState, str]] = ..., time_on_page_seconds: _Optional[int] = ..., returning_visitor_only: _Optional[bool] = ...) -> None: ...

class RuleActions(_message.Message):
    __slots__ = ("reply", "canned_response_id", "add_tags", "priority", "team_id", "assignee_user_id")
    REPLY_FIELD_NUMBER: _ClassVar[int]
    CANNED_RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    ADD_TAGS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    reply: str
    canned_response_id: str
    add_tags: _containers.RepeatedScalarFieldContainer[str]
    priority: _conversation_pb2.Priority
    team_id: str
    assignee_user_id: str
    def __init__(self, reply: _Optional[str] = ..., canned_response_id: _Optional[str] = ..., add_tags: _Optional[_Iterable[str]] = ..., priority: _Optional[_Union[_conversation_pb2.Priority, str]] = ..., team_id: _Optional[str] = ..., assignee_user_id: _Optional[str] = ...) -> None: ...

class Rule(_message.Message):
    __slots__ = ("id", "name", "enabled", "trigger", "conditions", "actions", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    enabled: bool
    trigger: RuleTrigger
    conditions: RuleConditions
    actions: RuleActions
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., enabled: _Optional[bool] = ..., trigger: _Optional[_Union[RuleTrigger, str]] = ..., conditions: _Optional[_Union[RuleConditions, _Mapping]] = ..., actions: _Optional[_Union[RuleActions, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListRulesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRulesResponse(_message.Message):
    __slots__ = ("rules",)
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[Rule]
    def __init__(self, rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ...) -> None: ...

class CreateRuleRequest(_message.Message):
    __slots__ = ("name", "enabled", "trigger", "conditions", "actions")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    name: str
    enabled: bool
    trigger: RuleTrigger
    conditions: RuleConditions
    actions: RuleActions
    def __init__(self, name: _Optional[str] = ..., enabled: _Optional[bool] = ..., trigger: _Optional[_Union[RuleTrigger, str]] = ..., conditions: _Optional[_Union[RuleConditions, _Mapping]] = ..., actions: _Optional[_Union[RuleActions, _Mapping]] = ...) -> None: ...

class CreateRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: Rule
    def __init__(self, rule: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...

class UpdateRuleRequest(_message.Message):
    __slots__ = ("rule_id", "name", "enabled", "trigger", "conditions", "actions")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    name: str
    enabled: bool
    trigger: RuleTrigger
    conditions: RuleConditions
    actions: RuleActions
    def __init__(self, rule_id: _Optional[str] = ..., name: _Optional[str] = ..., enabled: _Optional[bool] = ..., trigger: _Optional[_Union[RuleTrigger, str]] = ..., conditions: _Optional[_Union[RuleConditions, _Mapping]] = ..., actions: _Optional[_Union[RuleActions, _Mapping]] = ...) -> None: ...

class UpdateRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: Rule
    def __init__(self, rule: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...

class DeleteRuleRequest(_message.Message):
    __slots__ = ("rule_id",)
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    def __init__(self, rule_id: _Optional[str] = ...) -> None: ...

class DeleteRuleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
