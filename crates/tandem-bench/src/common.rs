//! What both benchmark binaries need: the server process they start, waiting for it to
//! be ready, and percentiles.

use std::process::Child;
use std::time::{Duration, Instant};

use anyhow::bail;

/// A `tandem` child process, killed when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `{base}/readyz` until it answers 2xx, for at most `patience`.
pub async fn wait_ready(
    client: &reqwest::Client,
    base: &str,
    patience: Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + patience;
    while !client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        if Instant::now() > deadline {
            bail!("tandem did not become ready within {patience:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// The `p` quantile of sorted durations, in milliseconds (NaN when empty).
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}
