//! Transactions without closures: `begin`, then the body inline, then `finish` (commit, or
//! roll back on `Err`). Nested on a connection already in a transaction, they are
//! savepoints.
//!
//! This is what diesel-async's `AsyncConnection::transaction` does, but it takes the body
//! as an async closure, and proving such a closure `AsyncFunc` (with a `Send` future for
//! every lifetime) is where rustc 1.95's incremental cache crashes ("Found unstable
//! fingerprints for evaluate_obligation(… AsyncFunc …)"). Inline bodies have no such
//! obligation, so incremental compilation can stay on. A body dropped half way (a
//! cancelled request) leaves the transaction open; the pool then counts the connection as
//! broken and discards it, as with diesel-async's own version.

use diesel_async::AsyncConnection;
use diesel_async::TransactionManager as _;

use super::StoreError;

/// Opens a transaction (or a savepoint inside one).
pub async fn begin<C: AsyncConnection>(conn: &mut C) -> Result<(), StoreError> {
    C::TransactionManager::begin_transaction(conn).await?;
    Ok(())
}

/// Commits what `begin` opened when the body succeeded, rolls it back when it failed.
pub async fn finish<C: AsyncConnection, R>(conn: &mut C, body: Result<R, StoreError>) -> Result<R, StoreError> {
    match body {
        Ok(value) => {
            C::TransactionManager::commit_transaction(conn).await?;
            Ok(value)
        }
        Err(error) => match C::TransactionManager::rollback_transaction(conn).await {
            // A broken transaction manager is a consequence; the body's error is the cause.
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

/// Runs `$body` (a block using `$conn`) in a transaction on `$conn: &mut impl
/// AsyncConnection`; `return` and `?` inside it leave the body, not the caller.
macro_rules! transaction {
    ($conn:ident, $body:block) => {{
        $crate::store::transaction::begin(&mut *$conn).await?;
        let body: Result<_, $crate::store::StoreError> = async { $body }.await;
        $crate::store::transaction::finish(&mut *$conn, body).await
    }};
}
pub(crate) use transaction;
