import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from porthole.v1 import chat_pb2 as _chat_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SuggestReplyRequest(_message.Message):
    __slots__ = ("conversation_id",)
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    def __init__(self, conversation_id: _Optional[str] = ...) -> None: ...

class SuggestReplyResponse(_message.Message):
    __slots__ = ("text", "citations")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CITATIONS_FIELD_NUMBER: _ClassVar[int]
    text: str
    citations: _containers.RepeatedCompositeFieldContainer[_chat_pb2.Citation]
    def __init__(self, text: _Optional[str] = ..., citations: _Optional[_Iterable[_Union[_chat_pb2.Citation, _Mapping]]] = ...) -> None: ...

class SummarizeConversationRequest(_message.Message):
    __slots__ = ("conversation_id",)
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    def __init__(self, conversation_id: _Optional[str] = ...) -> None: ...

class SummarizeConversationResponse(_message.Message):
    __slots__ = ("summary",)
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    summary: str
    def __init__(self, summary: _Optional[str] = ...) -> None: ...

class GetBotStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetBotStatusResponse(_message.Message):
    __slots__ = ("configured", "model", "provider_host", "days", "last_error", "last_error_time", "workspace_model")
    CONFIGURED_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_HOST_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_TIME_FIELD_NUMBER: _ClassVar[int]
    WORKSPACE_MODEL_FIELD_NUMBER: _ClassVar[int]
    configured: bool
    model: str
    provider_host: str
    days: _containers.RepeatedCompositeFieldContainer[BotUsageDay]
    last_error: str
    last_error_time: _timestamp_pb2.Timestamp
    workspace_model: WorkspaceModel
    def __init__(self, configured: _Optional[bool] = ..., model: _Optional[str] = ..., provider_host: _Optional[str] = ..., days: _Optional[_Iterable[_Union[BotUsageDay, _Mapping]]] = ..., last_error: _Optional[str] = ..., last_error_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., workspace_model: _Optional[_Union[WorkspaceModel, _Mapping]] = ...) -> None: ...

class WorkspaceModel(_message.Message):
    __slots__ = ("base_url", "model", "api_key_set", "update_time")
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    API_KEY_SET_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    base_url: str
    model: str
    api_key_set: bool
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, base_url: _Optional[str] = ..., model: _Optional[str] = ..., api_key_set: _Optional[bool] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SetWorkspaceModelRequest(_message.Message):
    __slots__ = ("base_url", "model", "api_key", "keep_api_key")
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    KEEP_API_KEY_FIELD_NUMBER: _ClassVar[int]
    base_url: str
    model: str
    api_key: str
    keep_api_key: bool
    def __init__(self, base_url: _Optional[str] = ..., model: _Optional[str] = ..., api_key: _Optional[str] = ..., keep_api_key: _Optional[bool] = ...) -> None: ...

class SetWorkspaceModelResponse(_message.Message):
    __slots__ = ("workspace_model",)
    WORKSPACE_MODEL_FIELD_NUMBER: _ClassVar[int]
    workspace_model: WorkspaceModel
    def __init__(self, workspace_model: _Optional[_Union[WorkspaceModel, _Mapping]] = ...) -> None: ...

class BotUsageDay(_message.Message):
    __slots__ = ("date", "requests", "prompt_tokens", "completion_tokens", "answers", "hand_offs", "failures")
    DATE_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    HAND_OFFS_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    date: str
    requests: int
    prompt_tokens: int
    completion_tokens: int
    answers: int
    hand_offs: int
    failures: int
    def __init__(self, date: _Optional[str] = ..., requests: _Optional[int] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., answers: _Optional[int] = ..., hand_offs: _Optional[int] = ..., failures: _Optional[int] = ...) -> None: ...
