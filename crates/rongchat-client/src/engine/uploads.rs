//! The upload pipeline of a queued media message, pure (fact sheet §10): ask `qnTkn` for a
//! token, hand the file to a plain HTTP transfer, ask `qnUrl` for the download URL, then
//! the message is ready to publish. A lost link only delays the step that needs the server;
//! a refusal, a failed transfer or a cancel fails the message (it can be retried).

use crate::model::SendFailure;
use crate::session::{Reply, RequestError, RequestId};
use std::collections::HashMap;

/// The server question a job waits to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// `qnTkn`.
    Token,
    /// `qnUrl`.
    Url,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Must ask; `Some` once asked.
    Asking(Ask, Option<RequestId>),
    /// The HTTP transfer runs.
    Transferring,
}

/// What a server answer means for the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Go on with this payload (the token, or the URL reply).
    Proceed(Vec<u8>),
    /// Ask again when connected.
    Later,
    /// The message fails.
    Fail(SendFailure),
    /// No such job (cancelled meanwhile): ignore.
    Stale,
}

/// What a cancel must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// Stop the running transfer; its end reports `Cancelled`.
    StopTransfer,
    /// Nothing runs: fail the message now.
    FailNow,
}

/// The running upload jobs by local id.
#[derive(Debug, Default)]
pub struct Uploads {
    jobs: HashMap<i64, Step>,
}

impl Uploads {
    /// Whether a job exists for this message.
    pub fn contains(&self, local_id: i64) -> bool {
        self.jobs.contains_key(&local_id)
    }

    /// Starts a job (a no-op for one already running).
    pub fn start(&mut self, local_id: i64) {
        self.jobs
            .entry(local_id)
            .or_insert(Step::Asking(Ask::Token, None));
    }

    /// Jobs waiting to ask the server, in local-id order.
    pub fn waiting(&self) -> Vec<(i64, Ask)> {
        let mut waiting: Vec<_> = self
            .jobs
            .iter()
            .filter_map(|(&id, step)| match step {
                Step::Asking(ask, None) => Some((id, *ask)),
                _ => None,
            })
            .collect();
        waiting.sort_unstable_by_key(|(id, _)| *id);
        waiting
    }

    /// The question went out.
    pub fn asked(&mut self, local_id: i64, request: RequestId) {
        if let Some(Step::Asking(ask, asked)) = self.jobs.get_mut(&local_id) {
            let _ = ask;
            *asked = Some(request);
        }
    }

    /// The answer to `qnTkn` or `qnUrl`. A token moves the job to the transfer; a URL
    /// ends the job.
    pub fn answered(&mut self, local_id: i64, result: Result<Reply, RequestError>) -> Answer {
        let Some(Step::Asking(ask, Some(_))) = self.jobs.get(&local_id).copied() else {
            return Answer::Stale;
        };
        match result {
            Ok(Reply::Query { payload, .. }) => {
                match ask {
                    Ask::Token => {
                        self.jobs.insert(local_id, Step::Transferring);
                    }
                    Ask::Url => {
                        self.jobs.remove(&local_id);
                    }
                }
                Answer::Proceed(payload)
            }
            Err(RequestError::Refused(status)) => {
                self.jobs.remove(&local_id);
                Answer::Fail(SendFailure::refused(status))
            }
            Ok(Reply::Publish(_)) => {
                self.jobs.remove(&local_id);
                Answer::Fail(SendFailure::Upload {
                    detail: "the server answered a query with a PUBACK".into(),
                })
            }
            Err(_) => {
                self.jobs.insert(local_id, Step::Asking(ask, None));
                Answer::Later
            }
        }
    }

    /// The HTTP transfer ended. `Ok`: ask for the URL next.
    pub fn transferred(&mut self, local_id: i64, result: Result<(), SendFailure>) -> Answer {
        if self.jobs.get(&local_id) != Some(&Step::Transferring) {
            return Answer::Stale;
        }
        match result {
            Ok(()) => {
                self.jobs.insert(local_id, Step::Asking(Ask::Url, None));
                Answer::Later
            }
            Err(failure) => {
                self.jobs.remove(&local_id);
                Answer::Fail(failure)
            }
        }
    }

    /// The job of a message the user cancels (`None`: no job).
    pub fn cancel(&mut self, local_id: i64) -> Option<Cancel> {
        match self.jobs.get(&local_id)? {
            Step::Transferring => Some(Cancel::StopTransfer),
            Step::Asking(..) => {
                self.jobs.remove(&local_id);
                Some(Cancel::FailNow)
            }
        }
    }

    /// A job given up (its store row is gone or failed).
    pub fn drop_job(&mut self, local_id: i64) {
        self.jobs.remove(&local_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rongchat_proto::status::AckStatus;

    fn ok(payload: &[u8]) -> Result<Reply, RequestError> {
        Ok(Reply::Query {
            payload: payload.to_vec(),
            date: 0,
        })
    }

    #[test]
    fn token_transfer_url() {
        let mut uploads = Uploads::default();
        uploads.start(5);
        assert_eq!(uploads.waiting(), vec![(5, Ask::Token)]);
        uploads.asked(5, RequestId(1));
        assert!(uploads.waiting().is_empty());
        assert_eq!(
            uploads.answered(5, ok(b"t")),
            Answer::Proceed(b"t".to_vec())
        );
        assert_eq!(uploads.transferred(5, Ok(())), Answer::Later);
        assert_eq!(uploads.waiting(), vec![(5, Ask::Url)]);
        uploads.asked(5, RequestId(2));
        assert_eq!(
            uploads.answered(5, ok(b"u")),
            Answer::Proceed(b"u".to_vec())
        );
        assert!(!uploads.contains(5));
    }

    #[test]
    fn a_lost_link_asks_again_and_a_refusal_fails() {
        let mut uploads = Uploads::default();
        uploads.start(1);
        uploads.asked(1, RequestId(1));
        assert_eq!(
            uploads.answered(1, Err(RequestError::ConnectionLost)),
            Answer::Later
        );
        assert_eq!(uploads.waiting(), vec![(1, Ask::Token)]);
        uploads.asked(1, RequestId(2));
        assert_eq!(
            uploads.answered(1, Err(RequestError::Refused(AckStatus::ParameterInvalid))),
            Answer::Fail(SendFailure::refused(AckStatus::ParameterInvalid))
        );
        assert!(!uploads.contains(1));
    }

    #[test]
    fn cancel_before_and_during_the_transfer() {
        let mut uploads = Uploads::default();
        uploads.start(1);
        assert_eq!(uploads.cancel(1), Some(Cancel::FailNow));
        // Its token answer arrives after the cancel: ignored.
        assert_eq!(uploads.answered(1, ok(b"t")), Answer::Stale);
        uploads.start(2);
        uploads.asked(2, RequestId(3));
        let _ = uploads.answered(2, ok(b"t"));
        assert_eq!(uploads.cancel(2), Some(Cancel::StopTransfer));
        assert_eq!(
            uploads.transferred(2, Err(SendFailure::Cancelled)),
            Answer::Fail(SendFailure::Cancelled)
        );
        assert_eq!(uploads.cancel(9), None);
    }
}
