"""Python client for the Porthole live-chat API.

``porthole.v1`` holds the messages and gRPC stubs generated from the proto files
(``porthole.v1.conversation_pb2``, ``…_pb2_grpc``); this package adds a small layer on top:

- :class:`Client` / :class:`AsyncClient`: log in, keep the access token fresh, send
  replies, watch the workspace as a feed that resumes by itself, raw stubs per service;
- :class:`VisitorSession` / :class:`AsyncVisitorSession`: a website visitor's side;
- :class:`Feed` / :class:`AsyncFeed`: the resumable feeds;
- :class:`PortholeError`: every failed call, with its field violations.
"""

from porthole._errors import FieldViolation, PortholeError
from porthole._feed import IDLE_TIMEOUT, AsyncFeed, Feed, FeedStatus, reconnect_delay
from porthole.aio import AsyncClient, AsyncVisitorSession
from porthole.client import Client, VisitorSession

#: The version of this package.
__version__ = "0.1.0"

__all__ = [
    "IDLE_TIMEOUT",
    "AsyncClient",
    "AsyncFeed",
    "AsyncVisitorSession",
    "Client",
    "Feed",
    "FeedStatus",
    "FieldViolation",
    "PortholeError",
    "VisitorSession",
    "reconnect_delay",
]
