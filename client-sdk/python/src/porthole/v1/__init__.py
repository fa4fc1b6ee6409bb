"""Messages and gRPC stubs of the `porthole.v1` API, generated from proto/porthole/v1.

Do not edit: client-sdk/python/scripts/generate.sh writes every file in this folder.
"""
