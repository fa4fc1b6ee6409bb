//! One module per proto service: decode the request, call the store and domain rules,
//! encode the response. Proto types stop here.

pub mod auth;
pub mod canned;
pub mod chat;
pub mod conversation;
pub mod convert;
pub mod visitor;
pub mod widget;
pub mod workspace;
