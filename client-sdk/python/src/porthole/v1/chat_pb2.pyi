import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ConversationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONVERSATION_STATUS_UNSPECIFIED: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_PENDING: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_ACTIVE: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_WAITING: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_RESOLVED: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_CLOSED: _ClassVar[ConversationStatus]

class SenderType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SENDER_TYPE_UNSPECIFIED: _ClassVar[SenderType]
    SENDER_TYPE_VISITOR: _ClassVar[SenderType]
    SENDER_TYPE_AGENT: _ClassVar[SenderType]
    SENDER_TYPE_BOT: _ClassVar[SenderType]
    SENDER_TYPE_SYSTEM: _ClassVar[SenderType]
CONVERSATION_STATUS_UNSPECIFIED: ConversationStatus
CONVERSATION_STATUS_PENDING: ConversationStatus
CONVERSATION_STATUS_ACTIVE: ConversationStatus
CONVERSATION_STATUS_WAITING: ConversationStatus
CONVERSATION_STATUS_RESOLVED: ConversationStatus
CONVERSATION_STATUS_CLOSED: ConversationStatus
SENDER_TYPE_UNSPECIFIED: SenderType
SENDER_TYPE_VISITOR: SenderType
SENDER_TYPE_AGENT: SenderType
SENDER_TYPE_BOT: SenderType
SENDER_TYPE_SYSTEM: SenderType

class Attachment(_message.Message):
    __slots__ = ("id", "file_name", "content_type", "size_bytes", "url")
    ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    file_name: str
    content_type: str
    size_bytes: int
    url: str
    def __init__(self, id: _Optional[str] = ..., file_name: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., url: _Optional[str] = ...) -> None: ...

class Message(_message.Message):
    __slots__ = ("id", "conversation_id", "seq", "sender_type", "sender_id", "sender_name", "body", "internal", "attachments", "client_key", "create_time", "citations", "quick_replies", "automated")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    SENDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    SENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_NAME_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_KEY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CITATIONS_FIELD_NUMBER: _ClassVar[int]
    QUICK_REPLIES_FIELD_NUMBER: _ClassVar[int]
    AUTOMATED_FIELD_NUMBER: _ClassVar[int]
    id: str
    conversation_id: str
    seq: int
    sender_type: SenderType
    sender_id: str
    sender_name: str
    body: str
    internal: bool
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    client_key: str
    create_time: _timestamp_pb2.Timestamp
    citations: _containers.RepeatedCompositeFieldContainer[Citation]
    quick_replies: _containers.RepeatedScalarFieldContainer[str]
    automated: bool
    def __init__(self, id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., seq: _Optional[int] = ..., sender_type: _Optional[_Union[SenderType, str]] = ..., sender_id: _Optional[str] = ..., sender_name: _Optional[str] = ..., body: _Optional[str] = ..., internal: _Optional[bool] = ..., attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ..., client_key: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., citations: _Optional[_Iterable[_Union[Citation, _Mapping]]] = ..., quick_replies: _Optional[_Iterable[str]] = ..., automated: _Optional[bool] = ...) -> None: ...

class Citation(_message.Message):
    __slots__ = ("article_id", "title", "url")
    ARTICLE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    article_id: str
    title: str
    url: str
    def __init__(self, article_id: _Optional[str] = ..., title: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...
