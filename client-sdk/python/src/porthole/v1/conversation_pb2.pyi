import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from porthole.v1 import chat_pb2 as _chat_pb2
from porthole.v1 import workspace_pb2 as _workspace_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIORITY_UNSPECIFIED: _ClassVar[Priority]
    PRIORITY_LOW: _ClassVar[Priority]
    PRIORITY_NORMAL: _ClassVar[Priority]
    PRIORITY_HIGH: _ClassVar[Priority]
    PRIORITY_URGENT: _ClassVar[Priority]

class Responder(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESPONDER_UNSPECIFIED: _ClassVar[Responder]
    RESPONDER_AGENTS: _ClassVar[Responder]
    RESPONDER_BOT: _ClassVar[Responder]
    RESPONDER_WORKFLOW: _ClassVar[Responder]

class AssigneeFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ASSIGNEE_FILTER_UNSPECIFIED: _ClassVar[AssigneeFilter]
    ASSIGNEE_FILTER_ALL: _ClassVar[AssigneeFilter]
    ASSIGNEE_FILTER_MINE: _ClassVar[AssigneeFilter]
    ASSIGNEE_FILTER_UNASSIGNED: _ClassVar[AssigneeFilter]
PRIORITY_UNSPECIFIED: Priority
PRIORITY_LOW: Priority
PRIORITY_NORMAL: Priority
PRIORITY_HIGH: Priority
PRIORITY_URGENT: Priority
RESPONDER_UNSPECIFIED: Responder
RESPONDER_AGENTS: Responder
RESPONDER_BOT: Responder
RESPONDER_WORKFLOW: Responder
ASSIGNEE_FILTER_UNSPECIFIED: AssigneeFilter
ASSIGNEE_FILTER_ALL: AssigneeFilter
ASSIGNEE_FILTER_MINE: AssigneeFilter
ASSIGNEE_FILTER_UNASSIGNED: AssigneeFilter

class VisitorProfile(_message.Message):
    __slots__ = ("id", "name", "email", "verified", "external_id", "attributes", "current_url", "current_title", "referrer", "browser", "os", "language", "time_zone", "ip_address", "online", "first_seen_time", "last_seen_time", "widget_id", "page_views", "visit_start_time", "country_code", "city")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    CURRENT_URL_FIELD_NUMBER: _ClassVar[int]
    CURRENT_TITLE_FIELD_NUMBER: _ClassVar[int]
    REFERRER_FIELD_NUMBER: _ClassVar[int]
    BROWSER_FIELD_NUMBER: _ClassVar[int]
    OS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    IP_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ONLINE_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_VIEWS_FIELD_NUMBER: _ClassVar[int]
    VISIT_START_TIME_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    email: str
    verified: bool
    external_id: str
    attributes: _containers.ScalarMap[str, str]
    current_url: str
    current_title: str
    referrer: str
    browser: str
    os: str
    language: str
    time_zone: str
    ip_address: str
    online: bool
    first_seen_time: _timestamp_pb2.Timestamp
    last_seen_time: _timestamp_pb2.Timestamp
    widget_id: str
    page_views: int
    visit_start_time: _timestamp_pb2.Timestamp
    country_code: str
    city: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., email: _Optional[str] = ..., verified: _Optional[bool] = ..., external_id: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., current_url: _Optional[str] = ..., current_title: _Optional[str] = ..., referrer: _Optional[str] = ..., browser: _Optional[str] = ..., os: _Optional[str] = ..., language: _Optional[str] = ..., time_zone: _Optional[str] = ..., ip_address: _Optional[str] = ..., online: _Optional[bool] = ..., first_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., widget_id: _Optional[str] = ..., page_views: _Optional[int] = ..., visit_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., country_code: _Optional[str] = ..., city: _Optional[str] = ...) -> None: ...

class Conversation(_message.Message):
    __slots__ = ("id", "widget_id", "visitor_id", "visitor_name", "visitor_email", "status", "priority", "assignee_user_id", "tags", "source_url", "source_title", "last_message_preview", "last_seq", "agent_read_seq", "visitor_read_seq", "unread_count", "rating", "rating_comment", "create_time", "last_message_time", "first_response_time", "resolve_time", "close_time", "responder", "queue_time", "queue_position", "left_offline", "team_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    VISITOR_ID_FIELD_NUMBER: _ClassVar[int]
    VISITOR_NAME_FIELD_NUMBER: _ClassVar[int]
    VISITOR_EMAIL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TITLE_FIELD_NUMBER: _ClassVar[int]
    LAST_MESSAGE_PREVIEW_FIELD_NUMBER: _ClassVar[int]
    LAST_SEQ_FIELD_NUMBER: _ClassVar[int]
    AGENT_READ_SEQ_FIELD_NUMBER: _ClassVar[int]
    VISITOR_READ_SEQ_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    RATING_COMMENT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_MESSAGE_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESPONDER_FIELD_NUMBER: _ClassVar[int]
    QUEUE_TIME_FIELD_NUMBER: _ClassVar[int]
    QUEUE_POSITION_FIELD_NUMBER: _ClassVar[int]
    LEFT_OFFLINE_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    widget_id: str
    visitor_id: str
    visitor_name: str
    visitor_email: str
    status: _chat_pb2.ConversationStatus
    priority: Priority
    assignee_user_id: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    source_url: str
    source_title: str
    last_message_preview: str
    last_seq: int
    agent_read_seq: int
    visitor_read_seq: int
    unread_count: int
    rating: int
    rating_comment: str
    create_time: _timestamp_pb2.Timestamp
    last_message_time: _timestamp_pb2.Timestamp
    first_response_time: _timestamp_pb2.Timestamp
    resolve_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    responder: Responder
    queue_time: _timestamp_pb2.Timestamp
    queue_position: int
    left_offline: bool
    team_id: str
    def __init__(self, id: _Optional[str] = ..., widget_id: _Optional[str] = ..., visitor_id: _Optional[str] = ..., visitor_name: _Optional[str] = ..., visitor_email: _Optional[str] = ..., status: _Optional[_Union[_chat_pb2.ConversationStatus, str]] = ..., priority: _Optional[_Union[Priority, str]] = ..., assignee_user_id: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., source_url: _Optional[str] = ..., source_title: _Optional[str] = ..., last_message_preview: _Optional[str] = ..., last_seq: _Optional[int] = ..., agent_read_seq: _Optional[int] = ..., visitor_read_seq: _Optional[int] = ..., unread_count: _Optional[int] = ..., rating: _Optional[int] = ..., rating_comment: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_message_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_response_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., responder: _Optional[_Union[Responder, str]] = ..., queue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., queue_position: _Optional[int] = ..., left_offline: _Optional[bool] = ..., team_id: _Optional[str] = ...) -> None: ...

class ListConversationsRequest(_message.Message):
    __slots__ = ("statuses", "assignee", "priority", "widget_id", "query", "page_size", "page_token", "team_id")
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    statuses: _containers.RepeatedScalarFieldContainer[_chat_pb2.ConversationStatus]
    assignee: AssigneeFilter
    priority: Priority
    widget_id: str
    query: str
    page_size: int
    page_token: str
    team_id: str
    def __init__(self, statuses: _Optional[_Iterable[_Union[_chat_pb2.ConversationStatus, str]]] = ..., assignee: _Optional[_Union[AssigneeFilter, str]] = ..., priority: _Optional[_Union[Priority, str]] = ..., widget_id: _Optional[str] = ..., query: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., team_id: _Optional[str] = ...) -> None: ...

class ListConversationsResponse(_message.Message):
    __slots__ = ("conversations", "next_page_token")
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[Conversation]
    next_page_token: str
    def __init__(self, conversations: _Optional[_Iterable[_Union[Conversation, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetConversationRequest(_message.Message):
    __slots__ = ("conversation_id",)
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    def __init__(self, conversation_id: _Optional[str] = ...) -> None: ...

class GetConversationResponse(_message.Message):
    __slots__ = ("conversation", "visitor")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    VISITOR_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    visitor: VisitorProfile
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ..., visitor: _Optional[_Union[VisitorProfile, _Mapping]] = ...) -> None: ...

class AssignConversationRequest(_message.Message):
    __slots__ = ("conversation_id", "assignee_user_id")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    assignee_user_id: str
    def __init__(self, conversation_id: _Optional[str] = ..., assignee_user_id: _Optional[str] = ...) -> None: ...

class AssignConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class SetConversationTeamRequest(_message.Message):
    __slots__ = ("conversation_id", "team_id")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    team_id: str
    def __init__(self, conversation_id: _Optional[str] = ..., team_id: _Optional[str] = ...) -> None: ...

class SetConversationTeamResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class SetConversationPriorityRequest(_message.Message):
    __slots__ = ("conversation_id", "priority")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    priority: Priority
    def __init__(self, conversation_id: _Optional[str] = ..., priority: _Optional[_Union[Priority, str]] = ...) -> None: ...

class SetConversationPriorityResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class SetConversationTagsRequest(_message.Message):
    __slots__ = ("conversation_id", "tags")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, conversation_id: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class SetConversationTagsResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class ResolveConversationRequest(_message.Message):
    __slots__ = ("conversation_id",)
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    def __init__(self, conversation_id: _Optional[str] = ...) -> None: ...

class ResolveConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class CloseConversationRequest(_message.Message):
    __slots__ = ("conversation_id",)
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    def __init__(self, conversation_id: _Optional[str] = ...) -> None: ...

class CloseConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class ReopenConversationRequest(_message.Message):
    __slots__ = ("conversation_id",)
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    def __init__(self, conversation_id: _Optional[str] = ...) -> None: ...

class ReopenConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class ListConversationMessagesRequest(_message.Message):
    __slots__ = ("conversation_id", "before_seq", "page_size")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    BEFORE_SEQ_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    before_seq: int
    page_size: int
    def __init__(self, conversation_id: _Optional[str] = ..., before_seq: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListConversationMessagesResponse(_message.Message):
    __slots__ = ("messages", "has_more")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    HAS_MORE_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_chat_pb2.Message]
    has_more: bool
    def __init__(self, messages: _Optional[_Iterable[_Union[_chat_pb2.Message, _Mapping]]] = ..., has_more: _Optional[bool] = ...) -> None: ...

class SendConversationMessageRequest(_message.Message):
    __slots__ = ("conversation_id", "body", "internal", "client_key", "attachment_ids", "sender_type")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    CLIENT_KEY_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    SENDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    body: str
    internal: bool
    client_key: str
    attachment_ids: _containers.RepeatedScalarFieldContainer[str]
    sender_type: _chat_pb2.SenderType
    def __init__(self, conversation_id: _Optional[str] = ..., body: _Optional[str] = ..., internal: _Optional[bool] = ..., client_key: _Optional[str] = ..., attachment_ids: _Optional[_Iterable[str]] = ..., sender_type: _Optional[_Union[_chat_pb2.SenderType, str]] = ...) -> None: ...

class SendConversationMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _chat_pb2.Message
    def __init__(self, message: _Optional[_Union[_chat_pb2.Message, _Mapping]] = ...) -> None: ...

class SetAgentTypingRequest(_message.Message):
    __slots__ = ("conversation_id", "typing", "internal")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TYPING_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    typing: bool
    internal: bool
    def __init__(self, conversation_id: _Optional[str] = ..., typing: _Optional[bool] = ..., internal: _Optional[bool] = ...) -> None: ...

class SetAgentTypingResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class MarkConversationReadRequest(_message.Message):
    __slots__ = ("conversation_id", "seq")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    seq: int
    def __init__(self, conversation_id: _Optional[str] = ..., seq: _Optional[int] = ...) -> None: ...

class MarkConversationReadResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UploadConversationAttachmentRequest(_message.Message):
    __slots__ = ("conversation_id", "file_name", "data")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    file_name: str
    data: bytes
    def __init__(self, conversation_id: _Optional[str] = ..., file_name: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class UploadConversationAttachmentResponse(_message.Message):
    __slots__ = ("attachment",)
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    attachment: _chat_pb2.Attachment
    def __init__(self, attachment: _Optional[_Union[_chat_pb2.Attachment, _Mapping]] = ...) -> None: ...

class WatchWorkspaceRequest(_message.Message):
    __slots__ = ("cursor",)
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    def __init__(self, cursor: _Optional[str] = ...) -> None: ...

class WatchWorkspaceResponse(_message.Message):
    __slots__ = ("cursor", "conversation_created", "conversation_updated", "message_created", "typing", "visitor_updated", "heartbeat", "assigned_to_you", "member_updated", "visitor_erased", "visitor_changed")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_CREATED_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_UPDATED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_CREATED_FIELD_NUMBER: _ClassVar[int]
    TYPING_FIELD_NUMBER: _ClassVar[int]
    VISITOR_UPDATED_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_TO_YOU_FIELD_NUMBER: _ClassVar[int]
    MEMBER_UPDATED_FIELD_NUMBER: _ClassVar[int]
    VISITOR_ERASED_FIELD_NUMBER: _ClassVar[int]
    VISITOR_CHANGED_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    conversation_created: Conversation
    conversation_updated: Conversation
    message_created: _chat_pb2.Message
    typing: TypingEvent
    visitor_updated: VisitorProfile
    heartbeat: WorkspaceFeedHeartbeat
    assigned_to_you: AssignmentNotice
    member_updated: _workspace_pb2.Member
    visitor_erased: VisitorErased
    visitor_changed: VisitorChange
    def __init__(self, cursor: _Optional[str] = ..., conversation_created: _Optional[_Union[Conversation, _Mapping]] = ..., conversation_updated: _Optional[_Union[Conversation, _Mapping]] = ..., message_created: _Optional[_Union[_chat_pb2.Message, _Mapping]] = ..., typing: _Optional[_Union[TypingEvent, _Mapping]] = ..., visitor_updated: _Optional[_Union[VisitorProfile, _Mapping]] = ..., heartbeat: _Optional[_Union[WorkspaceFeedHeartbeat, _Mapping]] = ..., assigned_to_you: _Optional[_Union[AssignmentNotice, _Mapping]] = ..., member_updated: _Optional[_Union[_workspace_pb2.Member, _Mapping]] = ..., visitor_erased: _Optional[_Union[VisitorErased, _Mapping]] = ..., visitor_changed: _Optional[_Union[VisitorChange, _Mapping]] = ...) -> None: ...

class VisitorChange(_message.Message):
    __slots__ = ("id", "name", "email", "verified", "external_id", "attributes", "current_url", "current_title", "referrer", "browser", "os", "language", "time_zone", "ip_address", "online", "last_seen_time", "page_views", "visit_start_time", "country_code", "city")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    CURRENT_URL_FIELD_NUMBER: _ClassVar[int]
    CURRENT_TITLE_FIELD_NUMBER: _ClassVar[int]
    REFERRER_FIELD_NUMBER: _ClassVar[int]
    BROWSER_FIELD_NUMBER: _ClassVar[int]
    OS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    IP_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ONLINE_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_VIEWS_FIELD_NUMBER: _ClassVar[int]
    VISIT_START_TIME_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    email: str
    verified: bool
    external_id: str
    attributes: VisitorAttributes
    current_url: str
    current_title: str
    referrer: str
    browser: str
    os: str
    language: str
    time_zone: str
    ip_address: str
    online: bool
    last_seen_time: _timestamp_pb2.Timestamp
    page_views: int
    visit_start_time: _timestamp_pb2.Timestamp
    country_code: str
    city: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., email: _Optional[str] = ..., verified: _Optional[bool] = ..., external_id: _Optional[str] = ..., attributes: _Optional[_Union[VisitorAttributes, _Mapping]] = ..., current_url: _Optional[str] = ..., current_title: _Optional[str] = ..., referrer: _Optional[str] = ..., browser: _Optional[str] = ..., os: _Optional[str] = ..., language: _Optional[str] = ..., time_zone: _Optional[str] = ..., ip_address: _Optional[str] = ..., online: _Optional[bool] = ..., last_seen_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_views: _Optional[int] = ..., visit_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., country_code: _Optional[str] = ..., city: _Optional[str] = ...) -> None: ...

class VisitorAttributes(_message.Message):
    __slots__ = ("values",)
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.ScalarMap[str, str]
    def __init__(self, values: _Optional[_Mapping[str, str]] = ...) -> None: ...

class VisitorErased(_message.Message):
    __slots__ = ("visitor_id", "conversation_ids")
    VISITOR_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_IDS_FIELD_NUMBER: _ClassVar[int]
    visitor_id: str
    conversation_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, visitor_id: _Optional[str] = ..., conversation_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ExportVisitorDataRequest(_message.Message):
    __slots__ = ("visitor_id",)
    VISITOR_ID_FIELD_NUMBER: _ClassVar[int]
    visitor_id: str
    def __init__(self, visitor_id: _Optional[str] = ...) -> None: ...

class ExportVisitorDataResponse(_message.Message):
    __slots__ = ("json", "file_name")
    JSON_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    json: str
    file_name: str
    def __init__(self, json: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...

class EraseVisitorRequest(_message.Message):
    __slots__ = ("visitor_id",)
    VISITOR_ID_FIELD_NUMBER: _ClassVar[int]
    visitor_id: str
    def __init__(self, visitor_id: _Optional[str] = ...) -> None: ...

class EraseVisitorResponse(_message.Message):
    __slots__ = ("conversations",)
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    conversations: int
    def __init__(self, conversations: _Optional[int] = ...) -> None: ...

class AssignmentNotice(_message.Message):
    __slots__ = ("conversation", "transfer")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    transfer: bool
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ..., transfer: _Optional[bool] = ...) -> None: ...

class TypingEvent(_message.Message):
    __slots__ = ("conversation_id", "sender_type", "sender_id", "name", "typing", "internal", "draft")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    SENDER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPING_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    DRAFT_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    sender_type: _chat_pb2.SenderType
    sender_id: str
    name: str
    typing: bool
    internal: bool
    draft: str
    def __init__(self, conversation_id: _Optional[str] = ..., sender_type: _Optional[_Union[_chat_pb2.SenderType, str]] = ..., sender_id: _Optional[str] = ..., name: _Optional[str] = ..., typing: _Optional[bool] = ..., internal: _Optional[bool] = ..., draft: _Optional[str] = ...) -> None: ...

class WorkspaceFeedHeartbeat(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListLiveVisitorsRequest(_message.Message):
    __slots__ = ("widget_id", "page_size")
    WIDGET_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    widget_id: str
    page_size: int
    def __init__(self, widget_id: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListLiveVisitorsResponse(_message.Message):
    __slots__ = ("visitors",)
    VISITORS_FIELD_NUMBER: _ClassVar[int]
    visitors: _containers.RepeatedCompositeFieldContainer[VisitorProfile]
    def __init__(self, visitors: _Optional[_Iterable[_Union[VisitorProfile, _Mapping]]] = ...) -> None: ...

class StartVisitorConversationRequest(_message.Message):
    __slots__ = ("visitor_id", "body", "client_key")
    VISITOR_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CLIENT_KEY_FIELD_NUMBER: _ClassVar[int]
    visitor_id: str
    body: str
    client_key: str
    def __init__(self, visitor_id: _Optional[str] = ..., body: _Optional[str] = ..., client_key: _Optional[str] = ...) -> None: ...

class StartVisitorConversationResponse(_message.Message):
    __slots__ = ("conversation", "message", "resumed")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RESUMED_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    message: _chat_pb2.Message
    resumed: bool
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ..., message: _Optional[_Union[_chat_pb2.Message, _Mapping]] = ..., resumed: _Optional[bool] = ...) -> None: ...

class PageView(_message.Message):
    __slots__ = ("url", "title", "referrer", "view_time")
    URL_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    REFERRER_FIELD_NUMBER: _ClassVar[int]
    VIEW_TIME_FIELD_NUMBER: _ClassVar[int]
    url: str
    title: str
    referrer: str
    view_time: _timestamp_pb2.Timestamp
    def __init__(self, url: _Optional[str] = ..., title: _Optional[str] = ..., referrer: _Optional[str] = ..., view_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListVisitorPageViewsRequest(_message.Message):
    __slots__ = ("visitor_id", "page_size", "page_token")
    VISITOR_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    visitor_id: str
    page_size: int
    page_token: str
    def __init__(self, visitor_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListVisitorPageViewsResponse(_message.Message):
    __slots__ = ("page_views", "next_page_token")
    PAGE_VIEWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_views: _containers.RepeatedCompositeFieldContainer[PageView]
    next_page_token: str
    def __init__(self, page_views: _Optional[_Iterable[_Union[PageView, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
