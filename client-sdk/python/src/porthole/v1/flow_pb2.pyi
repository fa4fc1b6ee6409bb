from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FlowStepKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FLOW_STEP_KIND_UNSPECIFIED: _ClassVar[FlowStepKind]
    FLOW_STEP_KIND_MESSAGE: _ClassVar[FlowStepKind]
    FLOW_STEP_KIND_QUESTION: _ClassVar[FlowStepKind]
    FLOW_STEP_KIND_COLLECT: _ClassVar[FlowStepKind]
    FLOW_STEP_KIND_BRANCH: _ClassVar[FlowStepKind]
    FLOW_STEP_KIND_SET_ATTRIBUTES: _ClassVar[FlowStepKind]
    FLOW_STEP_KIND_ROUTE: _ClassVar[FlowStepKind]
    FLOW_STEP_KIND_END: _ClassVar[FlowStepKind]

class FlowField(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FLOW_FIELD_UNSPECIFIED: _ClassVar[FlowField]
    FLOW_FIELD_TEXT: _ClassVar[FlowField]
    FLOW_FIELD_EMAIL: _ClassVar[FlowField]
    FLOW_FIELD_PHONE: _ClassVar[FlowField]
    FLOW_FIELD_ORDER_NUMBER: _ClassVar[FlowField]
FLOW_STEP_KIND_UNSPECIFIED: FlowStepKind
FLOW_STEP_KIND_MESSAGE: FlowStepKind
FLOW_STEP_KIND_QUESTION: FlowStepKind
FLOW_STEP_KIND_COLLECT: FlowStepKind
FLOW_STEP_KIND_BRANCH: FlowStepKind
FLOW_STEP_KIND_SET_ATTRIBUTES: FlowStepKind
FLOW_STEP_KIND_ROUTE: FlowStepKind
FLOW_STEP_KIND_END: FlowStepKind
FLOW_FIELD_UNSPECIFIED: FlowField
FLOW_FIELD_TEXT: FlowField
FLOW_FIELD_EMAIL: FlowField
FLOW_FIELD_PHONE: FlowField
FLOW_FIELD_ORDER_NUMBER: FlowField

class GuidedFlow(_message.Message):
    __slots__ = ("steps",)
    STEPS_FIELD_NUMBER: _ClassVar[int]
    steps: _containers.RepeatedCompositeFieldContainer[FlowStep]
    def __init__(self, steps: _Optional[_Iterable[_Union[FlowStep, _Mapping]]] = ...) -> None: ...

class FlowStep(_message.Message):
    __slots__ = ("id", "kind", "text", "choices", "field", "attribute", "attributes", "cases", "next", "team_id", "invalid_text")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    INVALID_TEXT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: FlowStepKind
    text: str
    choices: _containers.RepeatedCompositeFieldContainer[FlowChoice]
    field: FlowField
    attribute: str
    attributes: _containers.ScalarMap[str, str]
    cases: _containers.RepeatedCompositeFieldContainer[FlowCase]
    next: str
    team_id: str
    invalid_text: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[FlowStepKind, str]] = ..., text: _Optional[str] = ..., choices: _Optional[_Iterable[_Union[FlowChoice, _Mapping]]] = ..., field: _Optional[_Union[FlowField, str]] = ..., attribute: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., cases: _Optional[_Iterable[_Union[FlowCase, _Mapping]]] = ..., next: _Optional[str] = ..., team_id: _Optional[str] = ..., invalid_text: _Optional[str] = ...) -> None: ...

class FlowChoice(_message.Message):
    __slots__ = ("label", "next")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    label: str
    next: str
    def __init__(self, label: _Optional[str] = ..., next: _Optional[str] = ...) -> None: ...

class FlowCase(_message.Message):
    __slots__ = ("equals", "next")
    EQUALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    equals: str
    next: str
    def __init__(self, equals: _Optional[str] = ..., next: _Optional[str] = ...) -> None: ...
