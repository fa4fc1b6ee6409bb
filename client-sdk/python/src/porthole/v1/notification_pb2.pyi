import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NotificationRule(_message.Message):
    __slots__ = ("event", "email", "push", "sound", "desktop")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PUSH_FIELD_NUMBER: _ClassVar[int]
    SOUND_FIELD_NUMBER: _ClassVar[int]
    DESKTOP_FIELD_NUMBER: _ClassVar[int]
    event: str
    email: bool
    push: bool
    sound: bool
    desktop: bool
    def __init__(self, event: _Optional[str] = ..., email: _Optional[bool] = ..., push: _Optional[bool] = ..., sound: _Optional[bool] = ..., desktop: _Optional[bool] = ...) -> None: ...

class NotificationSettings(_message.Message):
    __slots__ = ("rules",)
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[NotificationRule]
    def __init__(self, rules: _Optional[_Iterable[_Union[NotificationRule, _Mapping]]] = ...) -> None: ...

class PushSubscription(_message.Message):
    __slots__ = ("id", "label", "push_service", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    PUSH_SERVICE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    label: str
    push_service: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., label: _Optional[str] = ..., push_service: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetNotificationSettingsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetNotificationSettingsResponse(_message.Message):
    __slots__ = ("settings", "uses_workspace_defaults", "workspace_defaults", "email_available", "vapid_public_key", "push_subscriptions")
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    USES_WORKSPACE_DEFAULTS_FIELD_NUMBER: _ClassVar[int]
    WORKSPACE_DEFAULTS_FIELD_NUMBER: _ClassVar[int]
    EMAIL_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    VAPID_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    PUSH_SUBSCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    settings: NotificationSettings
    uses_workspace_defaults: bool
    workspace_defaults: NotificationSettings
    email_available: bool
    vapid_public_key: str
    push_subscriptions: _containers.RepeatedCompositeFieldContainer[PushSubscription]
    def __init__(self, settings: _Optional[_Union[NotificationSettings, _Mapping]] = ..., uses_workspace_defaults: _Optional[bool] = ..., workspace_defaults: _Optional[_Union[NotificationSettings, _Mapping]] = ..., email_available: _Optional[bool] = ..., vapid_public_key: _Optional[str] = ..., push_subscriptions: _Optional[_Iterable[_Union[PushSubscription, _Mapping]]] = ...) -> None: ...

class UpdateNotificationSettingsRequest(_message.Message):
    __slots__ = ("settings", "use_workspace_defaults")
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    USE_WORKSPACE_DEFAULTS_FIELD_NUMBER: _ClassVar[int]
    settings: NotificationSettings
    use_workspace_defaults: bool
    def __init__(self, settings: _Optional[_Union[NotificationSettings, _Mapping]] = ..., use_workspace_defaults: _Optional[bool] = ...) -> None: ...

class UpdateNotificationSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: NotificationSettings
    def __init__(self, settings: _Optional[_Union[NotificationSettings, _Mapping]] = ...) -> None: ...

class UpdateWorkspaceNotificationDefaultsRequest(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: NotificationSettings
    def __init__(self, settings: _Optional[_Union[NotificationSettings, _Mapping]] = ...) -> None: ...

class UpdateWorkspaceNotificationDefaultsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: NotificationSettings
    def __init__(self, settings: _Optional[_Union[NotificationSettings, _Mapping]] = ...) -> None: ...

class AddPushSubscriptionRequest(_message.Message):
    __slots__ = ("endpoint", "p256dh", "auth", "label")
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    P256DH_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    endpoint: str
    p256dh: str
    auth: str
    label: str
    def __init__(self, endpoint: _Optional[str] = ..., p256dh: _Optional[str] = ..., auth: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class AddPushSubscriptionResponse(_message.Message):
    __slots__ = ("subscription",)
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: PushSubscription
    def __init__(self, subscription: _Optional[_Union[PushSubscription, _Mapping]] = ...) -> None: ...

class DeletePushSubscriptionRequest(_message.Message):
    __slots__ = ("subscription_id",)
    SUBSCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    subscription_id: str
    def __init__(self, subscription_id: _Optional[str] = ...) -> None: ...

class DeletePushSubscriptionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SendTestPushRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SendTestPushResponse(_message.Message):
    __slots__ = ("browsers",)
    BROWSERS_FIELD_NUMBER: _ClassVar[int]
    browsers: int
    def __init__(self, browsers: _Optional[int] = ...) -> None: ...
