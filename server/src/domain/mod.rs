//! The rules of the product, free of IO: roles, account input, widget settings, canned
//! responses.

pub mod account;
pub mod bot;
pub mod calendar;
pub mod canned;
pub mod conversation;
pub mod flow;
pub mod histogram;
pub mod hours;
pub mod id;
pub mod job;
pub mod knowledge;
pub mod notification;
pub mod page;
pub mod report;
pub mod routing;
pub mod rule;
pub mod team;
pub mod visitor;
pub mod webhook;
pub mod widget;

use crate::error::FieldViolation;

/// Collects field violations while checking a request, so every bad field is reported
/// at once.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldViolation>);

impl Violations {
    /// Records that `field` is invalid.
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation { field: field.into(), description: description.into() });
    }

    /// `Ok(value)` if nothing was recorded, otherwise INVALID_ARGUMENT with every violation.
    pub fn into_result<T>(self, value: T) -> crate::error::Result<T> {
        if self.0.is_empty() { Ok(value) } else { Err(crate::error::Error::InvalidArgument(self.0)) }
    }
}

#[cfg(test)]
mod properties;
