//! Real-time delivery: the event types, the bus that fans them out (in-process or across
//! replicas through Redis), and the resumable feeds built on the store's event log.

pub mod bus;
pub mod event;
pub mod feed;
pub mod follower;
pub mod payload;
pub mod presence;
pub mod recovery;

#[cfg(test)]
pub(crate) mod golden;
