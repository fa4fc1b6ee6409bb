import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from porthole.v1 import flow_pb2 as _flow_pb2
from porthole.v1 import widget_settings_pb2 as _widget_settings_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WidgetSettings(_message.Message):
    __slots__ = ("appearance", "texts", "behavior", "business_hours", "allowed_domains", "handler_type", "bot", "team_id", "flow")
    APPEARANCE_FIELD_NUMBER: _ClassVar[int]
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    BEHAVIOR_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_HOURS_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_DOMAINS_FIELD_NUMBER: _ClassVar[int]
    HANDLER_TYPE_FIELD_NUMBER: _ClassVar[int]
    BOT_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    FLOW_FIELD_NUMBER: _ClassVar[int]
    appearance: _widget_settings_pb2.WidgetAppearance
    texts: _widget_settings_pb2.WidgetTexts
    behavior: _widget_settings_pb2.WidgetBehavior
    business_hours: _widget_settings_pb2.BusinessHours
    allowed_domains: _containers.RepeatedScalarFieldContainer[str]
    handler_type: _widget_settings_pb2.HandlerType
    bot: BotSettings
    team_id: str
    flow: _flow_pb2.GuidedFlow
    def __init__(self, appearance: _Optional[_Union[_widget_settings_pb2.WidgetAppearance, _Mapping]] = ..., texts: _Optional[_Union[_widget_settings_pb2.WidgetTexts, _Mapping]] = ..., behavior: _Optional[_Union[_widget_settings_pb2.WidgetBehavior, _Mapping]] = ..., business_hours: _Optional[_Union[_widget_settings_pb2.BusinessHours, _Mapping]] = ..., allowed_domains: _Optional[_Iterable[str]] = ..., handler_type: _Optional[_Union[_widget_settings_pb2.HandlerType, str]] = ..., bot: _Optional[_Union[BotSettings, _Mapping]] = ..., team_id: _Optional[str] = ..., flow: _Optional[_Union[_flow_pb2.GuidedFlow, _Mapping]] = ...) -> None: ...

class BotSettings(_message.Message):
    __slots__ = ("name", "avatar_url", "instructions", "max_turns")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    MAX_TURNS_FIELD_NUMBER: _ClassVar[int]
    name: str
    avatar_url: str
    instructions: str
    max_turns: int
    def __init__(self, name: _Optional[str] = ..., avatar_url: _Optional[str] = ..., instructions: _Optional[str] = ..., max_turns: _Optional[int] = ...) -> None: ...

class Widget(_message.Message):
    __slots__ = ("id", "name", "public_token", "active", "settings", "create_time", "update_time", "first_seen_time", "first_seen_origin")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_ORIGIN_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    public_token: str
    active: bool
    settings: WidgetSettings
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    first_seen_time: _timestamp_pb2.Timestamp
    first_seen_origin: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., public_token: _Optional[str] = ..., active: _Optional[bool] = ..., settings: _Optional[_Union[WidgetSettings, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_seen_origin: _Optional[str] = ...) -> None: ...

class CreateWidgetRequest(_message.Message):
    __slots__ = ("name", "settings")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    settings: WidgetSettings
    def __init__(self, name: _Optional[str] = ..., settings: _Optional[_Union[WidgetSettings, _Mapping]] = ...) -> None: ...

class CreateWidgetResponse(_message.Message):
    __slots__ = ("widget",)
    WIDGET_FIELD_NUMBER: _ClassVar[int]
    widget: Widget
    def __init__(self, widget: _Optional[_Union[Widget, _Mapping]] = ...) -> None: ...

class ListWidgetsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListWidgetsResponse(_message.Message):
    __slots__ = ("widgets",)
    WIDGETS_FIELD_NUMBER: _ClassVar[int]
    widgets: _containers.RepeatedCompositeFieldContainer[Widget]
    def __init__(self, widgets: _Optional[_Iterable[_Union[Widget, _Mapping]]] = ...) -> None: ...

class GetWidgetRequest(_message.Message):
    __slots__ = ("widget_id",)
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    def __init__(self, widget_id: _Optional[str] = ...) -> None: ...

class GetWidgetResponse(_message.Message):
    __slots__ = ("widget",)
    WIDGET_FIELD_NUMBER: _ClassVar[int]
    widget: Widget
    def __init__(self, widget: _Optional[_Union[Widget, _Mapping]] = ...) -> None: ...

class UpdateWidgetRequest(_message.Message):
    __slots__ = ("widget_id", "name", "settings")
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    name: str
    settings: WidgetSettings
    def __init__(self, widget_id: _Optional[str] = ..., name: _Optional[str] = ..., settings: _Optional[_Union[WidgetSettings, _Mapping]] = ...) -> None: ...

class UpdateWidgetResponse(_message.Message):
    __slots__ = ("widget",)
    WIDGET_FIELD_NUMBER: _ClassVar[int]
    widget: Widget
    def __init__(self, widget: _Optional[_Union[Widget, _Mapping]] = ...) -> None: ...

class DeleteWidgetRequest(_message.Message):
    __slots__ = ("widget_id",)
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    def __init__(self, widget_id: _Optional[str] = ...) -> None: ...

class DeleteWidgetResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetWidgetActiveRequest(_message.Message):
    __slots__ = ("widget_id", "active")
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    active: bool
    def __init__(self, widget_id: _Optional[str] = ..., active: _Optional[bool] = ...) -> None: ...

class SetWidgetActiveResponse(_message.Message):
    __slots__ = ("widget",)
    WIDGET_FIELD_NUMBER: _ClassVar[int]
    widget: Widget
    def __init__(self, widget: _Optional[_Union[Widget, _Mapping]] = ...) -> None: ...

class RegenerateWidgetTokenRequest(_message.Message):
    __slots__ = ("widget_id",)
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    def __init__(self, widget_id: _Optional[str] = ...) -> None: ...

class RegenerateWidgetTokenResponse(_message.Message):
    __slots__ = ("widget",)
    WIDGET_FIELD_NUMBER: _ClassVar[int]
    widget: Widget
    def __init__(self, widget: _Optional[_Union[Widget, _Mapping]] = ...) -> None: ...

class GetIdentitySecretRequest(_message.Message):
    __slots__ = ("widget_id",)
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    def __init__(self, widget_id: _Optional[str] = ...) -> None: ...

class GetIdentitySecretResponse(_message.Message):
    __slots__ = ("identity_secret",)
    IDENTITY_SECRET_FIELD_NUMBER: _ClassVar[int]
    identity_secret: str
    def __init__(self, identity_secret: _Optional[str] = ...) -> None: ...

class RotateIdentitySecretRequest(_message.Message):
    __slots__ = ("widget_id",)
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    def __init__(self, widget_id: _Optional[str] = ...) -> None: ...

class RotateIdentitySecretResponse(_message.Message):
    __slots__ = ("identity_secret",)
    IDENTITY_SECRET_FIELD_NUMBER: _ClassVar[int]
    identity_secret: str
    def __init__(self, identity_secret: _Optional[str] = ...) -> None: ...

class GetEmbedSnippetRequest(_message.Message):
    __slots__ = ("widget_id",)
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    def __init__(self, widget_id: _Optional[str] = ...) -> None: ...

class GetEmbedSnippetResponse(_message.Message):
    __slots__ = ("html", "script_url")
    HTML_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_URL_FIELD_NUMBER: _ClassVar[int]
    html: str
    script_url: str
    def __init__(self, html: _Optional[str] = ..., script_url: _Optional[str] = ...) -> None: ...
