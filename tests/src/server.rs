//! A real local server for one test: its own temp data dir, a free port on 127.0.0.1,
//! and a restart that keeps both.

use std::net::SocketAddr;

use rongchat_server::{Config, Server};
use serde_json::Value;

use crate::oracle::{Login, OracleRun};

/// A running server plus the temp dir that holds its data.
#[derive(Debug)]
pub struct TestServer {
    server: Option<Server>,
    listen: SocketAddr,
    data_dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server on `127.0.0.1:0` with a fresh data dir.
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// [`TestServer::start`] with `tweak` applied to the config (e.g. a shorter Server API
    /// minute, so a block or gag ends within a test).
    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> TestServer {
        let data_dir = tempfile::tempdir().expect("create a temp data dir");
        let mut config = Config::local(data_dir.path());
        tweak(&mut config);
        let server = Server::start(config)
            .await
            .unwrap_or_else(|e| panic!("the server did not start: {e}"));
        TestServer {
            listen: server.local_addr(),
            server: Some(server),
            data_dir,
        }
    }

    /// The running server.
    pub fn server(&self) -> &Server {
        self.server.as_ref().expect("the server is running")
    }

    /// Where the server keeps its store (a fresh temp dir).
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// The navigation base URL the SDK is given.
    pub fn navi_url(&self) -> String {
        self.server().http_url()
    }

    /// A login token for `user_id` (named after itself).
    pub fn token(&self, user_id: &str) -> String {
        self.server()
            .issue_token(user_id, user_id)
            .unwrap_or_else(|e| panic!("issue_token({user_id}) failed: {e}"))
    }

    /// How the oracle logs in as `user_id`.
    pub fn login(&self, user_id: &str) -> Login {
        self.login_with_token(&self.token(user_id))
    }

    /// How the oracle logs in with an arbitrary token (e.g. a wrong one).
    pub fn login_with_token(&self, token: &str) -> Login {
        Login {
            navi: self.navi_url(),
            app_key: self.server().app_key().to_owned(),
            token: token.to_owned(),
        }
    }

    /// Starts an oracle run as `user_id` with `scenario`; `label` names it in failures.
    pub fn oracle(&self, label: &str, user_id: &str, scenario: &Value) -> OracleRun {
        OracleRun::spawn(label, &self.login(user_id), scenario)
    }

    /// Shuts the server down and starts it again on the same address and data dir.
    pub async fn restart(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
        let mut config = Config::local(self.data_dir.path());
        config.listen = self.listen;
        let server = Server::start(config)
            .await
            .unwrap_or_else(|e| panic!("the server did not restart on {}: {e}", self.listen));
        assert_eq!(
            server.local_addr(),
            self.listen,
            "restarted on another address"
        );
        self.server = Some(server);
    }

    /// Shuts the server down (also done, less gracefully, when dropped).
    pub async fn shutdown(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }
}
