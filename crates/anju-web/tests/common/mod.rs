//! What the web tests share: an app on a fresh SQLite database with the
//! business date fixed, and the batch actor that seeds it. Tests reach data
//! only through the app, like the pages do.

use anju_app::App;
use anju_app::access::Actor;
use anju_app::clock::FixedClock;
use anju_app::policy::load_policy;
use anju_domain::Date;
use anju_domain::access::Channel;
use anju_store_sqlite::SqliteStore;
use std::sync::Arc;

/// The Suzhou policy over an empty database in `dir`, on `today`.
pub async fn open_app(dir: &tempfile::TempDir, today: Date) -> App {
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let store = SqliteStore::open(&url, "320500000000000")
        .await
        .expect("store");
    App::new(Arc::new(store), load_policy(None).expect("policy"))
        .with_clock(Arc::new(FixedClock(today)))
}

/// The batch channel, which seeds what no page writes (members carried
/// over from a previous system with their old opening date).
#[allow(dead_code)]
pub fn batch() -> Actor {
    Actor::anonymous(Channel::Batch, "test-seed", "local")
}
