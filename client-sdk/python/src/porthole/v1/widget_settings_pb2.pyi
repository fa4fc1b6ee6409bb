from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WidgetPosition(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WIDGET_POSITION_UNSPECIFIED: _ClassVar[WidgetPosition]
    WIDGET_POSITION_BOTTOM_RIGHT: _ClassVar[WidgetPosition]
    WIDGET_POSITION_BOTTOM_LEFT: _ClassVar[WidgetPosition]
    WIDGET_POSITION_TOP_RIGHT: _ClassVar[WidgetPosition]
    WIDGET_POSITION_TOP_LEFT: _ClassVar[WidgetPosition]

class ColorScheme(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COLOR_SCHEME_UNSPECIFIED: _ClassVar[ColorScheme]
    COLOR_SCHEME_AUTO: _ClassVar[ColorScheme]
    COLOR_SCHEME_LIGHT: _ClassVar[ColorScheme]
    COLOR_SCHEME_DARK: _ClassVar[ColorScheme]

class HandlerType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HANDLER_TYPE_UNSPECIFIED: _ClassVar[HandlerType]
    HANDLER_TYPE_AGENT: _ClassVar[HandlerType]
    HANDLER_TYPE_AI_BOT: _ClassVar[HandlerType]
    HANDLER_TYPE_WORKFLOW: _ClassVar[HandlerType]
    HANDLER_TYPE_HYBRID: _ClassVar[HandlerType]

class PreChatField(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRE_CHAT_FIELD_UNSPECIFIED: _ClassVar[PreChatField]
    PRE_CHAT_FIELD_HIDDEN: _ClassVar[PreChatField]
    PRE_CHAT_FIELD_OPTIONAL: _ClassVar[PreChatField]
    PRE_CHAT_FIELD_REQUIRED: _ClassVar[PreChatField]
WIDGET_POSITION_UNSPECIFIED: WidgetPosition
WIDGET_POSITION_BOTTOM_RIGHT: WidgetPosition
WIDGET_POSITION_BOTTOM_LEFT: WidgetPosition
WIDGET_POSITION_TOP_RIGHT: WidgetPosition
WIDGET_POSITION_TOP_LEFT: WidgetPosition
COLOR_SCHEME_UNSPECIFIED: ColorScheme
COLOR_SCHEME_AUTO: ColorScheme
COLOR_SCHEME_LIGHT: ColorScheme
COLOR_SCHEME_DARK: ColorScheme
HANDLER_TYPE_UNSPECIFIED: HandlerType
HANDLER_TYPE_AGENT: HandlerType
HANDLER_TYPE_AI_BOT: HandlerType
HANDLER_TYPE_WORKFLOW: HandlerType
HANDLER_TYPE_HYBRID: HandlerType
PRE_CHAT_FIELD_UNSPECIFIED: PreChatField
PRE_CHAT_FIELD_HIDDEN: PreChatField
PRE_CHAT_FIELD_OPTIONAL: PreChatField
PRE_CHAT_FIELD_REQUIRED: PreChatField

class WidgetAppearance(_message.Message):
    __slots__ = ("primary_color", "text_color", "position", "border_radius", "launcher_size", "logo_url", "font_family", "show_branding", "color_scheme")
    PRIMARY_COLOR_FIELD_NUMBER: _ClassVar[int]
    TEXT_COLOR_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    BORDER_RADIUS_FIELD_NUMBER: _ClassVar[int]
    LAUNCHER_SIZE_FIELD_NUMBER: _ClassVar[int]
    LOGO_URL_FIELD_NUMBER: _ClassVar[int]
    FONT_FAMILY_FIELD_NUMBER: _ClassVar[int]
    SHOW_BRANDING_FIELD_NUMBER: _ClassVar[int]
    COLOR_SCHEME_FIELD_NUMBER: _ClassVar[int]
    primary_color: str
    text_color: str
    position: WidgetPosition
    border_radius: int
    launcher_size: int
    logo_url: str
    font_family: str
    show_branding: bool
    color_scheme: ColorScheme
    def __init__(self, primary_color: _Optional[str] = ..., text_color: _Optional[str] = ..., position: _Optional[_Union[WidgetPosition, str]] = ..., border_radius: _Optional[int] = ..., launcher_size: _Optional[int] = ..., logo_url: _Optional[str] = ..., font_family: _Optional[str] = ..., show_branding: _Optional[bool] = ..., color_scheme: _Optional[_Union[ColorScheme, str]] = ...) -> None: ...

class WidgetTexts(_message.Message):
    __slots__ = ("welcome_title", "welcome_message", "input_placeholder", "offline_message")
    WELCOME_TITLE_FIELD_NUMBER: _ClassVar[int]
    WELCOME_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    INPUT_PLACEHOLDER_FIELD_NUMBER: _ClassVar[int]
    OFFLINE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    welcome_title: str
    welcome_message: str
    input_placeholder: str
    offline_message: str
    def __init__(self, welcome_title: _Optional[str] = ..., welcome_message: _Optional[str] = ..., input_placeholder: _Optional[str] = ..., offline_message: _Optional[str] = ...) -> None: ...

class WidgetBehavior(_message.Message):
    __slots__ = ("pre_chat_name", "pre_chat_email", "sound_enabled", "reopen_within_minutes")
    PRE_CHAT_NAME_FIELD_NUMBER: _ClassVar[int]
    PRE_CHAT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    SOUND_ENABLED_FIELD_NUMBER: _ClassVar[int]
    REOPEN_WITHIN_MINUTES_FIELD_NUMBER: _ClassVar[int]
    pre_chat_name: PreChatField
    pre_chat_email: PreChatField
    sound_enabled: bool
    reopen_within_minutes: int
    def __init__(self, pre_chat_name: _Optional[_Union[PreChatField, str]] = ..., pre_chat_email: _Optional[_Union[PreChatField, str]] = ..., sound_enabled: _Optional[bool] = ..., reopen_within_minutes: _Optional[int] = ...) -> None: ...

class DayHours(_message.Message):
    __slots__ = ("enabled", "start", "end")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    start: str
    end: str
    def __init__(self, enabled: _Optional[bool] = ..., start: _Optional[str] = ..., end: _Optional[str] = ...) -> None: ...

class BusinessHours(_message.Message):
    __slots__ = ("enabled", "time_zone", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    MONDAY_FIELD_NUMBER: _ClassVar[int]
    TUESDAY_FIELD_NUMBER: _ClassVar[int]
    WEDNESDAY_FIELD_NUMBER: _ClassVar[int]
    THURSDAY_FIELD_NUMBER: _ClassVar[int]
    FRIDAY_FIELD_NUMBER: _ClassVar[int]
    SATURDAY_FIELD_NUMBER: _ClassVar[int]
    SUNDAY_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    time_zone: str
    monday: DayHours
    tuesday: DayHours
    wednesday: DayHours
    thursday: DayHours
    friday: DayHours
    saturday: DayHours
    sunday: DayHours
    def __init__(self, enabled: _Optional[bool] = ..., time_zone: _Optional[str] = ..., monday: _Optional[_Union[DayHours, _Mapping]] = ..., tuesday: _Optional[_Union[DayHours, _Mapping]] = ..., wednesday: _Optional[_Union[DayHours, _Mapping]] = ..., thursday: _Optional[_Union[DayHours, _Mapping]] = ..., friday: _Optional[_Union[DayHours, _Mapping]] = ..., saturday: _Optional[_Union[DayHours, _Mapping]] = ..., sunday: _Optional[_Union[DayHours, _Mapping]] = ...) -> None: ...
