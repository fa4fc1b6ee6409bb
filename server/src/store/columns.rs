//! The domain's named values as `TEXT` columns: each is stored as its `as_str()` name on both
//! backends, and a stored name no variant has is a deserialization error (logged and answered
//! INTERNAL), never a silent default.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, Text};

use crate::domain::account::Role;
use crate::domain::conversation::{Priority, Sender, Status};
use crate::domain::id::{
    ArticleId, AttachmentId, AuditId, CannedResponseId, ConversationId, DashboardId, DeliveryId, InviteId, JobId,
    MessageId, PasswordResetId, PushSubscriptionId, RefreshTokenId, RuleId, SessionId, TeamId, UserId, VisitorId,
    WebhookId, WidgetId, WorkerId, WorkspaceId,
};
use crate::domain::job::JobState;
use crate::domain::routing::{AgentStatus, Mode, Responder};
use crate::domain::webhook::DeliveryState;

/// Implements the column traits for enums with `as_str(self) -> &'static str` and
/// `parse(&str) -> Option<Self>`. Binding goes through the name's `&'static str`, so the SQL
/// is exactly what a string literal would give (same plans, same `TEXT` values).
macro_rules! text_columns {
    ($($ty:ident),* $(,)?) => {$(
        impl AsExpression<Text> for $ty {
            type Expression = <&'static str as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'static str as AsExpression<Text>>::as_expression(self.as_str())
            }
        }

        impl AsExpression<Text> for &$ty {
            type Expression = <&'static str as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'static str as AsExpression<Text>>::as_expression(self.as_str())
            }
        }

        // `eq_any` binds the values themselves.
        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $ty
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let name = <String as FromSql<Text, DB>>::from_sql(bytes)?;
                $ty::parse(&name)
                    .ok_or_else(|| format!("unknown {} {name:?} stored", stringify!($ty)).into())
            }
        }

        impl<DB: Backend> Queryable<Text, DB> for $ty
        where
            $ty: FromSql<Text, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )*};
}

text_columns!(Status, Priority, Sender, Responder, Role, AgentStatus, Mode, JobState, DeliveryState);

/// Implements the column traits for the typed ids: stored as their text, read back as
/// written (`from_stored`).
macro_rules! id_columns {
    ($($ty:ident),* $(,)?) => {$(
        impl AsExpression<Text> for $ty {
            type Expression = <String as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <String as AsExpression<Text>>::as_expression(self.into_string())
            }
        }

        impl<'a> AsExpression<Text> for &'a $ty {
            type Expression = <&'a str as AsExpression<Text>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'a str as AsExpression<Text>>::as_expression(self.as_str())
            }
        }

        impl AsExpression<Nullable<Text>> for $ty {
            type Expression = <String as AsExpression<Nullable<Text>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <String as AsExpression<Nullable<Text>>>::as_expression(self.into_string())
            }
        }

        impl<'a> AsExpression<Nullable<Text>> for &'a $ty {
            type Expression = <&'a str as AsExpression<Nullable<Text>>>::Expression;
            fn as_expression(self) -> Self::Expression {
                <&'a str as AsExpression<Nullable<Text>>>::as_expression(self.as_str())
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        impl<DB: Backend> ToSql<Nullable<Text>, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $ty
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                <String as FromSql<Text, DB>>::from_sql(bytes).map($ty::from_stored)
            }
        }

        impl<DB: Backend> Queryable<Text, DB> for $ty
        where
            $ty: FromSql<Text, DB>,
        {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )*};
}

id_columns!(
    WorkspaceId,
    UserId,
    WidgetId,
    VisitorId,
    ConversationId,
    MessageId,
    AttachmentId,
    CannedResponseId,
    ArticleId,
    TeamId,
    RuleId,
    InviteId,
    AuditId,
    WebhookId,
    PushSubscriptionId,
    RefreshTokenId,
    SessionId,
    PasswordResetId,
    DashboardId,
    WorkerId,
    JobId,
    DeliveryId,
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    use diesel::sqlite::SqliteConnection;

    use super::*;

    #[test]
    fn values_are_their_names_and_unknown_names_are_errors() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let name: String = diesel::select(Status::Waiting.into_sql::<Text>()).get_result(&mut conn).unwrap();
        assert_eq!(name, "waiting");
        let back: Responder = diesel::select(sql::<Text>("'workflow'")).get_result(&mut conn).unwrap();
        assert_eq!(back, Responder::Workflow);
        let open: Vec<Status> = diesel::select(sql::<Text>("'active'"))
            .filter(sql::<Text>("'active'").eq_any(Status::OPEN))
            .load(&mut conn)
            .unwrap();
        assert_eq!(open, [Status::Active]);
        let error = diesel::select(sql::<Text>("'snoozed'")).get_result::<Status>(&mut conn).unwrap_err();
        let logged = crate::error::Error::from(crate::store::StoreError::Query(error));
        assert!(
            matches!(&logged, crate::error::Error::Internal(text) if text.contains(r#"unknown Status "snoozed" stored"#)),
            "{logged:?}"
        );
    }
}
