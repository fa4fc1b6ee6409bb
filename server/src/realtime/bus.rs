//! TEMPORARY in-process bus so the rest compiles while the Redis bus is written.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};

use super::event::BusMessage;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusHealth {
    Live { generation: u64 },
    Degraded,
}

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("redis bus not built yet")]
    NotBuilt,
}

#[derive(Clone)]
pub struct Bus {
    hub: Arc<Mutex<HashMap<String, broadcast::Sender<Arc<BusMessage>>>>>,
    health: Arc<watch::Sender<BusHealth>>,
}

impl Bus {
    pub fn in_process() -> Self {
        let (health, _) = watch::channel(BusHealth::Live { generation: 0 });
        Self { hub: Arc::default(), health: Arc::new(health) }
    }

    pub async fn with_redis(_url: &str) -> Result<Self, BusError> {
        Err(BusError::NotBuilt)
    }

    pub async fn publish(&self, message: BusMessage) {
        let sender = self.hub.lock().ok().and_then(|hub| hub.get(message.workspace_id()).cloned());
        if let Some(sender) = sender {
            let _ = sender.send(Arc::new(message));
        }
    }

    pub fn subscribe(&self, workspace_id: &str) -> broadcast::Receiver<Arc<BusMessage>> {
        match self.hub.lock() {
            Ok(mut hub) => hub.entry(workspace_id.to_owned()).or_insert_with(|| broadcast::channel(1024).0).subscribe(),
            Err(_) => broadcast::channel(1).1,
        }
    }

    pub fn health(&self) -> watch::Receiver<BusHealth> {
        self.health.subscribe()
    }
}
