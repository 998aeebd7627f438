//! Running blocking work (SQLite, argon2) off the async runtime.

use crate::error::AppResult;

pub async fn run<T, F>(f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> AppResult<T> + Send + 'static,
{
    rocket::tokio::task::spawn_blocking(f).await?
}
