//! Rust types and gRPC stubs generated from Porthole's `.proto` files at build time.
//!
//! Shared by the server and the Rust client SDK so both always speak the same contract.

pub mod codec;

/// Version 1 of the Porthole API (`porthole.v1`).
pub mod v1 {
    #![allow(clippy::all, missing_docs)]
    tonic::include_proto!("porthole.v1");
}

/// The encoded `FileDescriptorSet` of every Porthole proto file, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("porthole_descriptor");
