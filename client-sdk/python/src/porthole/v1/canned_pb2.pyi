import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CannedResponse(_message.Message):
    __slots__ = ("id", "shortcut", "title", "body", "create_time", "update_time", "created_by_user_id", "knowledge")
    ID_FIELD_NUMBER: _ClassVar[int]
    SHORTCUT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_USER_ID_FIELD_NUMBER: _ClassVar[int]
    KNOWLEDGE_FIELD_NUMBER: _ClassVar[int]
    id: str
    shortcut: str
    title: str
    body: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    created_by_user_id: str
    knowledge: bool
    def __init__(self, id: _Optional[str] = ..., shortcut: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by_user_id: _Optional[str] = ..., knowledge: _Optional[bool] = ...) -> None: ...

class ListCannedResponsesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListCannedResponsesResponse(_message.Message):
    __slots__ = ("canned_responses",)
    CANNED_RESPONSES_FIELD_NUMBER: _ClassVar[int]
    canned_responses: _containers.RepeatedCompositeFieldContainer[CannedResponse]
    def __init__(self, canned_responses: _Optional[_Iterable[_Union[CannedResponse, _Mapping]]] = ...) -> None: ...

class CreateCannedResponseRequest(_message.Message):
    __slots__ = ("shortcut", "title", "body", "knowledge")
    SHORTCUT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    KNOWLEDGE_FIELD_NUMBER: _ClassVar[int]
    shortcut: str
    title: str
    body: str
    knowledge: bool
    def __init__(self, shortcut: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., knowledge: _Optional[bool] = ...) -> None: ...

class CreateCannedResponseResponse(_message.Message):
    __slots__ = ("canned_response",)
    CANNED_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    canned_response: CannedResponse
    def __init__(self, canned_response: _Optional[_Union[CannedResponse, _Mapping]] = ...) -> None: ...

class UpdateCannedResponseRequest(_message.Message):
    __slots__ = ("canned_response_id", "shortcut", "title", "body", "knowledge")
    CANNED_RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    SHORTCUT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    KNOWLEDGE_FIELD_NUMBER: _ClassVar[int]
    canned_response_id: str
    shortcut: str
    title: str
    body: str
    knowledge: bool
    def __init__(self, canned_response_id: _Optional[str] = ..., shortcut: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., knowledge: _Optional[bool] = ...) -> None: ...

class UpdateCannedResponseResponse(_message.Message):
    __slots__ = ("canned_response",)
    CANNED_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    canned_response: CannedResponse
    def __init__(self, canned_response: _Optional[_Union[CannedResponse, _Mapping]] = ...) -> None: ...

class DeleteCannedResponseRequest(_message.Message):
    __slots__ = ("canned_response_id",)
    CANNED_RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    canned_response_id: str
    def __init__(self, canned_response_id: _Optional[str] = ...) -> None: ...

class DeleteCannedResponseResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
