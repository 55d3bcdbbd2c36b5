//! The store conformance suite on SQLite, plus SQLite-specific checks.

use std::sync::Arc;

use tandem_store::Store;
use tandem_store_sqlite::SqliteStore;

async fn fresh() -> Arc<dyn Store> {
    let dir = std::env::temp_dir().join(format!("tandem-sqlite-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    Arc::new(SqliteStore::open(&dir.join("tandem.db")).await.unwrap())
}

tandem_store::conformance_tests!(fresh());

/// SQLite's automatic checkpoint must keep running under a steady write load with
/// concurrent readers; a statement left unfinished would pin the WAL and let it grow
/// without bound (~20 KB per commit here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wal_stays_bounded_under_load() {
    use tandem_domain::{
        ClientMsgId, Conversation, ConversationId, ConversationState, EventDraft, MessageText,
    };
    use tandem_store::Append;

    let dir = std::env::temp_dir().join(format!("tandem-wal-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tandem.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    let id = ConversationId::generate();
    store
        .create_conversation(&Conversation {
            id: id.clone(),
            token_hash: "h".into(),
            customer_id: None,
            verified: false,
            language: None,
            state: ConversationState::Ai,
            last_seq: 0,
            queue: None,
            assignee: None,
            follow_up_email: None,
            created_at: now,
            updated_at: now,
        })
        .await
        .unwrap();
    let text = "x".repeat(1000);
    for i in 0..3000 {
        let draft = EventDraft::customer_message(
            now,
            MessageText::parse(&text).unwrap(),
            ClientMsgId::parse(&format!("m{i}")).unwrap(),
        );
        store
            .append(&id, Append::to_open(vec![draft]))
            .await
            .unwrap();
        if i % 10 == 0 {
            store.events_after(&id, i, 5).await.unwrap();
            store.conversation(&id).await.unwrap();
        }
    }
    let wal = std::fs::metadata(dir.join("tandem.db-wal"))
        .map(|m| m.len())
        .unwrap_or(0);
    assert!(
        wal < 16 * 1024 * 1024,
        "the WAL grew to {wal} bytes over 3000 commits"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
