import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from porthole.v1 import chat_pb2 as _chat_pb2
from porthole.v1 import widget_settings_pb2 as _widget_settings_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Visitor(_message.Message):
    __slots__ = ("id", "name", "email", "verified")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    email: str
    verified: bool
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., email: _Optional[str] = ..., verified: _Optional[bool] = ...) -> None: ...

class WidgetConfig(_message.Message):
    __slots__ = ("appearance", "texts", "behavior", "online", "email_enabled", "bot", "agents_online", "proactive_messages", "flow_opening", "assistant_name")
    APPEARANCE_FIELD_NUMBER: _ClassVar[int]
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    BEHAVIOR_FIELD_NUMBER: _ClassVar[int]
    ONLINE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ENABLED_FIELD_NUMBER: _ClassVar[int]
    BOT_FIELD_NUMBER: _ClassVar[int]
    AGENTS_ONLINE_FIELD_NUMBER: _ClassVar[int]
    PROACTIVE_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    FLOW_OPENING_FIELD_NUMBER: _ClassVar[int]
    ASSISTANT_NAME_FIELD_NUMBER: _ClassVar[int]
    appearance: _widget_settings_pb2.WidgetAppearance
    texts: _widget_settings_pb2.WidgetTexts
    behavior: _widget_settings_pb2.WidgetBehavior
    online: bool
    email_enabled: bool
    bot: BotPersona
    agents_online: bool
    proactive_messages: _containers.RepeatedCompositeFieldContainer[ProactiveMessage]
    flow_opening: _containers.RepeatedCompositeFieldContainer[AutomatedPrompt]
    assistant_name: str
    def __init__(self, appearance: _Optional[_Union[_widget_settings_pb2.WidgetAppearance, _Mapping]] = ..., texts: _Optional[_Union[_widget_settings_pb2.WidgetTexts, _Mapping]] = ..., behavior: _Optional[_Union[_widget_settings_pb2.WidgetBehavior, _Mapping]] = ..., online: _Optional[bool] = ..., email_enabled: _Optional[bool] = ..., bot: _Optional[_Union[BotPersona, _Mapping]] = ..., agents_online: _Optional[bool] = ..., proactive_messages: _Optional[_Iterable[_Union[ProactiveMessage, _Mapping]]] = ..., flow_opening: _Optional[_Iterable[_Union[AutomatedPrompt, _Mapping]]] = ..., assistant_name: _Optional[str] = ...) -> None: ...

class ProactiveMessage(_message.Message):
    __slots__ = ("rule_id", "text", "page_url_pattern", "time_on_page_seconds", "returning_visitor_only")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    PAGE_URL_PATTERN_FIELD_NUMBER: _ClassVar[int]
    TIME_ON_PAGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    RETURNING_VISITOR_ONLY_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    text: str
    page_url_pattern: str
    time_on_page_seconds: int
    returning_visitor_only: bool
    def __init__(self, rule_id: _Optional[str] = ..., text: _Optional[str] = ..., page_url_pattern: _Optional[str] = ..., time_on_page_seconds: _Optional[int] = ..., returning_visitor_only: _Optional[bool] = ...) -> None: ...

class AutomatedPrompt(_message.Message):
    __slots__ = ("text", "quick_replies")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    QUICK_REPLIES_FIELD_NUMBER: _ClassVar[int]
    text: str
    quick_replies: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, text: _Optional[str] = ..., quick_replies: _Optional[_Iterable[str]] = ...) -> None: ...

class BotPersona(_message.Message):
    __slots__ = ("name", "avatar_url")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    name: str
    avatar_url: str
    def __init__(self, name: _Optional[str] = ..., avatar_url: _Optional[str] = ...) -> None: ...

class VisitorConversation(_message.Message):
    __slots__ = ("id", "status", "agent_name", "last_seq", "agent_read_seq", "rating", "create_time", "last_message_time", "queue_position", "with_bot", "with_flow")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AGENT_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_SEQ_FIELD_NUMBER: _ClassVar[int]
    AGENT_READ_SEQ_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_MESSAGE_TIME_FIELD_NUMBER: _ClassVar[int]
    QUEUE_POSITION_FIELD_NUMBER: _ClassVar[int]
    WITH_BOT_FIELD_NUMBER: _ClassVar[int]
    WITH_FLOW_FIELD_NUMBER: _ClassVar[int]
    id: str
    status: _chat_pb2.ConversationStatus
    agent_name: str
    last_seq: int
    agent_read_seq: int
    rating: int
    create_time: _timestamp_pb2.Timestamp
    last_message_time: _timestamp_pb2.Timestamp
    queue_position: int
    with_bot: bool
    with_flow: bool
    def __init__(self, id: _Optional[str] = ..., status: _Optional[_Union[_chat_pb2.ConversationStatus, str]] = ..., agent_name: _Optional[str] = ..., last_seq: _Optional[int] = ..., agent_read_seq: _Optional[int] = ..., rating: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_message_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., queue_position: _Optional[int] = ..., with_bot: _Optional[bool] = ..., with_flow: _Optional[bool] = ...) -> None: ...

class GetWidgetConfigRequest(_message.Message):
    __slots__ = ("widget_token",)
    WIDGET_TOKEN_FIELD_NUMBER: _ClassVar[int]
    widget_token: str
    def __init__(self, widget_token: _Optional[str] = ...) -> None: ...

class GetWidgetConfigResponse(_message.Message):
    __slots__ = ("config",)
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    config: WidgetConfig
    def __init__(self, config: _Optional[_Union[WidgetConfig, _Mapping]] = ...) -> None: ...

class StartSessionRequest(_message.Message):
    __slots__ = ("widget_token", "visitor_token", "language", "time_zone")
    WIDGET_TOKEN_FIELD_NUMBER: _ClassVar[int]
    VISITOR_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    widget_token: str
    visitor_token: str
    language: str
    time_zone: str
    def __init__(self, widget_token: _Optional[str] = ..., visitor_token: _Optional[str] = ..., language: _Optional[str] = ..., time_zone: _Optional[str] = ...) -> None: ...

class StartSessionResponse(_message.Message):
    __slots__ = ("visitor_token", "visitor")
    VISITOR_TOKEN_FIELD_NUMBER: _ClassVar[int]
    VISITOR_FIELD_NUMBER: _ClassVar[int]
    visitor_token: str
    visitor: Visitor
    def __init__(self, visitor_token: _Optional[str] = ..., visitor: _Optional[_Union[Visitor, _Mapping]] = ...) -> None: ...

class UpdateVisitorRequest(_message.Message):
    __slots__ = ("name", "email", "attributes")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    name: str
    email: str
    attributes: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., email: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ...) -> None: ...

class UpdateVisitorResponse(_message.Message):
    __slots__ = ("visitor",)
    VISITOR_FIELD_NUMBER: _ClassVar[int]
    visitor: Visitor
    def __init__(self, visitor: _Optional[_Union[Visitor, _Mapping]] = ...) -> None: ...

class IdentifyVisitorRequest(_message.Message):
    __slots__ = ("external_id", "user_hash", "name", "email")
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_HASH_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    external_id: str
    user_hash: str
    name: str
    email: str
    def __init__(self, external_id: _Optional[str] = ..., user_hash: _Optional[str] = ..., name: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class IdentifyVisitorResponse(_message.Message):
    __slots__ = ("visitor_token", "visitor")
    VISITOR_TOKEN_FIELD_NUMBER: _ClassVar[int]
    VISITOR_FIELD_NUMBER: _ClassVar[int]
    visitor_token: str
    visitor: Visitor
    def __init__(self, visitor_token: _Optional[str] = ..., visitor: _Optional[_Union[Visitor, _Mapping]] = ...) -> None: ...

class RecordPageViewRequest(_message.Message):
    __slots__ = ("url", "title", "referrer")
    URL_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    REFERRER_FIELD_NUMBER: _ClassVar[int]
    url: str
    title: str
    referrer: str
    def __init__(self, url: _Optional[str] = ..., title: _Optional[str] = ..., referrer: _Optional[str] = ...) -> None: ...

class RecordPageViewResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("url",)
    URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    def __init__(self, url: _Optional[str] = ...) -> None: ...

class HeartbeatResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StartConversationRequest(_message.Message):
    __slots__ = ("source_url", "source_title", "start_new", "proactive_rule_id")
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TITLE_FIELD_NUMBER: _ClassVar[int]
    START_NEW_FIELD_NUMBER: _ClassVar[int]
    PROACTIVE_RULE_ID_FIELD_NUMBER: _ClassVar[int]
    source_url: str
    source_title: str
    start_new: bool
    proactive_rule_id: str
    def __init__(self, source_url: _Optional[str] = ..., source_title: _Optional[str] = ..., start_new: _Optional[bool] = ..., proactive_rule_id: _Optional[str] = ...) -> None: ...

class StartConversationResponse(_message.Message):
    __slots__ = ("conversation", "resumed")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    RESUMED_FIELD_NUMBER: _ClassVar[int]
    conversation: VisitorConversation
    resumed: bool
    def __init__(self, conversation: _Optional[_Union[VisitorConversation, _Mapping]] = ..., resumed: _Optional[bool] = ...) -> None: ...

class ListVisitorConversationsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListVisitorConversationsResponse(_message.Message):
    __slots__ = ("conversations",)
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[VisitorConversation]
    def __init__(self, conversations: _Optional[_Iterable[_Union[VisitorConversation, _Mapping]]] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ("conversation_id", "before_seq", "page_size")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    BEFORE_SEQ_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    before_seq: int
    page_size: int
    def __init__(self, conversation_id: _Optional[str] = ..., before_seq: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages", "has_more")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    HAS_MORE_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[_chat_pb2.Message]
    has_more: bool
    def __init__(self, messages: _Optional[_Iterable[_Union[_chat_pb2.Message, _Mapping]]] = ..., has_more: _Optional[bool] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("conversation_id", "body", "client_key", "attachment_ids")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CLIENT_KEY_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    body: str
    client_key: str
    attachment_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, conversation_id: _Optional[str] = ..., body: _Optional[str] = ..., client_key: _Optional[str] = ..., attachment_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: _chat_pb2.Message
    def __init__(self, message: _Optional[_Union[_chat_pb2.Message, _Mapping]] = ...) -> None: ...

class SetTypingRequest(_message.Message):
    __slots__ = ("conversation_id", "typing")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TYPING_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    typing: bool
    def __init__(self, conversation_id: _Optional[str] = ..., typing: _Optional[bool] = ...) -> None: ...

class SetTypingResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class MarkReadRequest(_message.Message):
    __slots__ = ("conversation_id", "seq")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    seq: int
    def __init__(self, conversation_id: _Optional[str] = ..., seq: _Optional[int] = ...) -> None: ...

class MarkReadResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UploadAttachmentRequest(_message.Message):
    __slots__ = ("conversation_id", "file_name", "data")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    file_name: str
    data: bytes
    def __init__(self, conversation_id: _Optional[str] = ..., file_name: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class UploadAttachmentResponse(_message.Message):
    __slots__ = ("attachment",)
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    attachment: _chat_pb2.Attachment
    def __init__(self, attachment: _Optional[_Union[_chat_pb2.Attachment, _Mapping]] = ...) -> None: ...

class RateConversationRequest(_message.Message):
    __slots__ = ("conversation_id", "rating", "comment")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    rating: int
    comment: str
    def __init__(self, conversation_id: _Optional[str] = ..., rating: _Optional[int] = ..., comment: _Optional[str] = ...) -> None: ...

class RateConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: VisitorConversation
    def __init__(self, conversation: _Optional[_Union[VisitorConversation, _Mapping]] = ...) -> None: ...

class RequestHumanRequest(_message.Message):
    __slots__ = ("conversation_id",)
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    def __init__(self, conversation_id: _Optional[str] = ...) -> None: ...

class RequestHumanResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: VisitorConversation
    def __init__(self, conversation: _Optional[_Union[VisitorConversation, _Mapping]] = ...) -> None: ...

class SubmitOfflineMessageRequest(_message.Message):
    __slots__ = ("name", "email", "message")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    email: str
    message: str
    def __init__(self, name: _Optional[str] = ..., email: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class EmailTranscriptRequest(_message.Message):
    __slots__ = ("conversation_id", "email")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    email: str
    def __init__(self, conversation_id: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class EmailTranscriptResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SubmitOfflineMessageResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: VisitorConversation
    def __init__(self, conversation: _Optional[_Union[VisitorConversation, _Mapping]] = ...) -> None: ...

class WatchVisitorFeedRequest(_message.Message):
    __slots__ = ("cursor",)
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    def __init__(self, cursor: _Optional[str] = ...) -> None: ...

class WatchVisitorFeedResponse(_message.Message):
    __slots__ = ("cursor", "message_created", "typing", "read", "conversation_updated", "heartbeat")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_CREATED_FIELD_NUMBER: _ClassVar[int]
    TYPING_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_UPDATED_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    message_created: _chat_pb2.Message
    typing: VisitorTypingEvent
    read: VisitorReadEvent
    conversation_updated: VisitorConversation
    heartbeat: VisitorFeedHeartbeat
    def __init__(self, cursor: _Optional[str] = ..., message_created: _Optional[_Union[_chat_pb2.Message, _Mapping]] = ..., typing: _Optional[_Union[VisitorTypingEvent, _Mapping]] = ..., read: _Optional[_Union[VisitorReadEvent, _Mapping]] = ..., conversation_updated: _Optional[_Union[VisitorConversation, _Mapping]] = ..., heartbeat: _Optional[_Union[VisitorFeedHeartbeat, _Mapping]] = ...) -> None: ...

class VisitorTypingEvent(_message.Message):
    __slots__ = ("conversation_id", "typing", "name", "draft")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TYPING_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DRAFT_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    typing: bool
    name: str
    draft: str
    def __init__(self, conversation_id: _Optional[str] = ..., typing: _Optional[bool] = ..., name: _Optional[str] = ..., draft: _Optional[str] = ...) -> None: ...

class VisitorReadEvent(_message.Message):
    __slots__ = ("conversation_id", "seq")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    seq: int
    def __init__(self, conversation_id: _Optional[str] = ..., seq: _Optional[int] = ...) -> None: ...

class VisitorFeedHeartbeat(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
