//! The event bus: how committed events reach live subscribers (WebSocket streams).
//!
//! Handlers publish after the store committed and never talk to subscribers directly, so
//! a bus that crosses nodes (NATS) can replace [`LocalBus`] without touching them.
//! Delivery is best effort and may reorder or drop under load: subscribers treat the bus
//! as a wake-up and fill gaps from the store (see `routes::stream`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tandem_domain::{ConversationId, Event};
use tokio::sync::broadcast;

/// Per-conversation buffer of undelivered events before a slow subscriber lags.
const CHANNEL_CAPACITY: usize = 256;

#[async_trait]
pub trait EventBus: Send + Sync + 'static {
    /// Publishes events of one conversation that the store has committed, in seq order.
    async fn publish(&self, conversation: &ConversationId, events: &[Event]);

    /// Receives events published for one conversation from now on.
    fn subscribe(&self, conversation: &ConversationId) -> Subscription;
}

/// A live feed of one conversation's events.
pub struct Subscription {
    receiver: Option<broadcast::Receiver<Arc<Event>>>,
    on_drop: Option<Box<dyn FnOnce() + Send + Sync>>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Missed {
    /// Some events were dropped because this subscriber fell behind.
    Lagged,
    /// The bus is gone.
    Closed,
}

impl Subscription {
    pub fn new(
        receiver: broadcast::Receiver<Arc<Event>>,
        on_drop: Option<Box<dyn FnOnce() + Send + Sync>>,
    ) -> Self {
        Self {
            receiver: Some(receiver),
            on_drop,
        }
    }

    pub async fn recv(&mut self) -> Result<Arc<Event>, Missed> {
        let receiver = self.receiver.as_mut().ok_or(Missed::Closed)?;
        receiver.recv().await.map_err(|e| match e {
            broadcast::error::RecvError::Lagged(_) => Missed::Lagged,
            broadcast::error::RecvError::Closed => Missed::Closed,
        })
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        drop(self.receiver.take());
        if let Some(on_drop) = self.on_drop.take() {
            on_drop();
        }
    }
}

type Channels = Mutex<HashMap<ConversationId, broadcast::Sender<Arc<Event>>>>;

/// The in-process bus: one broadcast channel per conversation that has subscribers.
#[derive(Default)]
pub struct LocalBus {
    channels: Arc<Channels>,
}

impl LocalBus {
    pub fn new() -> Self {
        Self::default()
    }

    /// Conversations with at least one live subscriber.
    pub fn active_channels(&self) -> usize {
        self.channels.lock().expect("bus lock").len()
    }
}

#[async_trait]
impl EventBus for LocalBus {
    async fn publish(&self, conversation: &ConversationId, events: &[Event]) {
        let sender = self
            .channels
            .lock()
            .expect("bus lock")
            .get(conversation)
            .cloned();
        if let Some(sender) = sender {
            for event in events {
                // An error means nobody listens any more; the last subscriber's drop
                // removes the channel.
                let _ = sender.send(Arc::new(event.clone()));
            }
        }
    }

    fn subscribe(&self, conversation: &ConversationId) -> Subscription {
        let mut channels = self.channels.lock().expect("bus lock");
        let sender = channels
            .entry(conversation.clone())
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0);
        let receiver = sender.subscribe();
        let channels_ref = Arc::clone(&self.channels);
        let key = conversation.clone();
        Subscription::new(
            receiver,
            Some(Box::new(move || {
                let mut channels = channels_ref.lock().expect("bus lock");
                if channels.get(&key).is_some_and(|s| s.receiver_count() == 0) {
                    channels.remove(&key);
                }
            })),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_domain::{Author, EventDraft, EventKind};

    fn event(seq: u64) -> Event {
        Event::from_draft(
            seq,
            EventDraft::new(
                time::OffsetDateTime::UNIX_EPOCH,
                EventKind::Message,
                Author::Ai,
            ),
        )
    }

    #[tokio::test]
    async fn delivers_to_subscribers_of_that_conversation_only() {
        let bus = LocalBus::new();
        let a = ConversationId::generate();
        let b = ConversationId::generate();
        let mut sub_a = bus.subscribe(&a);
        let mut sub_b = bus.subscribe(&b);
        bus.publish(&a, &[event(1), event(2)]).await;
        assert_eq!(sub_a.recv().await.unwrap().seq, 1);
        assert_eq!(sub_a.recv().await.unwrap().seq, 2);
        bus.publish(&b, &[event(7)]).await;
        assert_eq!(sub_b.recv().await.unwrap().seq, 7);
    }

    #[tokio::test]
    async fn channels_are_removed_with_their_last_subscriber() {
        let bus = LocalBus::new();
        let a = ConversationId::generate();
        let first = bus.subscribe(&a);
        let second = bus.subscribe(&a);
        drop(first);
        assert_eq!(bus.active_channels(), 1);
        drop(second);
        assert_eq!(bus.active_channels(), 0);
        bus.publish(&a, &[event(1)]).await;
        assert_eq!(bus.active_channels(), 0);
    }

    #[tokio::test]
    async fn slow_subscribers_learn_they_lagged() {
        let bus = LocalBus::new();
        let a = ConversationId::generate();
        let mut sub = bus.subscribe(&a);
        let many: Vec<_> = (1..=(CHANNEL_CAPACITY as u64 + 10)).map(event).collect();
        bus.publish(&a, &many).await;
        assert_eq!(sub.recv().await.unwrap_err(), Missed::Lagged);
    }
}
