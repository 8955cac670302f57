//! Upload progress sinks by message: registered when a file send starts (each call's own
//! Channel), fed and dropped by the event forwarder.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

type Sink = Box<dyn Fn(&str, u64, u64) + Send + Sync>;

/// The sinks of one session; clones share them.
#[derive(Clone, Default)]
pub struct Progress(Arc<Mutex<HashMap<i64, Sink>>>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress").finish_non_exhaustive()
    }
}

impl Progress {
    fn sinks(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Sink>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reports `(message id, sent, total)` for `local_id` to `sink` until it finishes.
    pub fn watch(&self, local_id: i64, sink: impl Fn(&str, u64, u64) + Send + Sync + 'static) {
        self.sinks().insert(local_id, Box::new(sink));
    }

    /// Passes one report on, if someone watches that message.
    pub fn report(&self, local_id: i64, done: u64, total: u64) {
        if let Some(sink) = self.sinks().get(&local_id) {
            sink(&local_id.to_string(), done, total);
        }
    }

    /// The message is sent or failed: nobody needs its progress any more.
    pub fn finish(&self, local_id: i64) {
        self.sinks().remove(&local_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_until_finished() {
        let progress = Progress::default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        progress.watch(5, move |id, done, total| {
            log.lock().unwrap().push((id.to_owned(), done, total))
        });
        progress.report(5, 1, 2);
        progress.report(6, 1, 2);
        progress.finish(5);
        progress.report(5, 2, 2);
        assert_eq!(*seen.lock().unwrap(), vec![("5".to_owned(), 1, 2)]);
    }
}
