//! The store conformance suite on PostgreSQL. Each test gets a fresh database on the
//! server named by `TANDEM_TEST_POSTGRES` (default: the local `test` database).

use std::sync::Arc;

use tandem_store::Store;
use tandem_store_postgres::{PostgresStore, create_test_database};

async fn fresh() -> Arc<dyn Store> {
    let admin = std::env::var("TANDEM_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let url = create_test_database(&admin)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is needed for these tests ({admin}): {e}"));
    Arc::new(PostgresStore::connect(&url, 8).await.unwrap())
}

tandem_store::conformance_tests!(fresh());
