//! The app's managed state: paths, settings, the banner status, the session and audio.
//! `restart` builds a session for the current settings: the embedded demo (local server,
//! seeded world, demo contact) or a real account.

use crate::audio::Audio;
use crate::convert::View;
use crate::demo;
use crate::directory::Directory;
use crate::embedded::Embedded;
use crate::error::{Error, Result};
use crate::events::Emit;
use crate::models::{SessionMode, StatusDto};
use crate::paths::Paths;
use crate::session::{Parts, Session};
use crate::settings::{Account, Mode, SettingsStore};
use crate::status::{self, Identity, OnStatus};
use rongchat_client::{Client, ClientConfig};
use std::sync::{Arc, Mutex, PoisonError};

/// The app's state, with no window of its own: the shell holds it (Tauri manages it, and
/// commands get it as `State<'_, AppState>`), and it reaches the page through `emit`.
pub struct AppState {
    paths: Paths,
    /// Page events, however the shell delivers them.
    emit: Emit,
    settings: SettingsStore,
    status: Arc<Mutex<StatusDto>>,
    session: tokio::sync::RwLock<Option<Arc<Session>>>,
    restarting: tokio::sync::Mutex<()>,
    audio: Audio,
    /// Messages sent before this (ms) are history the app delivered itself (the demo
    /// seed), not news: notifications skip them.
    history_until_ms: std::sync::atomic::AtomicI64,
    /// Set when a shell asks the host to stop (the user quit).
    quit: tokio::sync::Notify,
    shells: crate::shells::Shells,
}

impl AppState {
    /// State over the given folders, telling the page through `emit`.
    pub fn new(paths: Paths, emit: Emit) -> Self {
        Self {
            emit,
            settings: SettingsStore::new(paths.config.clone()),
            audio: Audio::new(&paths.config),
            paths,
            status: Arc::new(Mutex::new(status::starting(SessionMode::Demo))),
            session: tokio::sync::RwLock::new(None),
            restarting: tokio::sync::Mutex::new(()),
            history_until_ms: std::sync::atomic::AtomicI64::new(0),
            quit: tokio::sync::Notify::new(),
            shells: crate::shells::Shells::default(),
        }
    }

    /// See `history_until_ms`: the end of what the app itself seeded.
    pub fn history_until_ms(&self) -> i64 {
        self.history_until_ms
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The folders.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// The settings files.
    pub fn settings(&self) -> &SettingsStore {
        &self.settings
    }

    /// Recording and playback.
    pub fn voice(&self) -> &Audio {
        &self.audio
    }

    /// The connection state for the banner.
    pub fn status(&self) -> StatusDto {
        self.status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How page events go out.
    pub fn emit(&self) -> &Emit {
        &self.emit
    }

    /// The signed-in session, or `NotSignedIn`.
    pub async fn session(&self) -> Result<Arc<Session>> {
        self.session.read().await.clone().ok_or(Error::NotSignedIn)
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("paths", &self.paths)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Keeps the last status for `session_get` and tells the page.
    fn status_sink(&self) -> OnStatus {
        let (status, emit) = (self.status.clone(), self.emit.clone());
        Arc::new(move |s: StatusDto| {
            *status.lock().unwrap_or_else(PoisonError::into_inner) = s.clone();
            emit(crate::events::SESSION_STATUS, crate::events::json(s));
        })
    }

    /// Stops the current session, if any, and signs in with the current settings. A
    /// failure is also put on the banner: otherwise it would say "connecting" for ever.
    pub async fn restart(&self) -> Result<()> {
        let result = self.sign_in().await;
        if let Err(e) = &result {
            tracing::error!(kind = e.kind(), "cannot sign in: {e}");
            // The banner branches on the error's kind (e.g. `tokenInvalid`).
            self.status_sink()(status::failed(self.status(), e));
        }
        result
    }

    /// Signs out: stops the session and, when asked, deletes this account's local data.
    pub async fn sign_out(&self, delete_data: bool) -> Result<()> {
        let _one_at_a_time = self.restarting.lock().await;
        let old = self.session.write().await.take();
        let dir = old.as_ref().map(|s| s.work_dir().to_path_buf());
        if let Some(old) = old {
            old.shutdown().await;
        }
        if let (true, Some(dir)) = (delete_data, dir) {
            match std::fs::remove_dir_all(&dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => tracing::info!("deleted the account's local data"),
            }
        }
        Ok(())
    }

    async fn sign_in(&self) -> Result<()> {
        let _one_at_a_time = self.restarting.lock().await;
        if let Some(old) = self.session.write().await.take() {
            old.shutdown().await;
        }
        let on_status = self.status_sink();
        let mode = self.settings().mode(&|k| std::env::var(k).ok())?;
        tracing::info!(?mode, "signing in");
        let parts = match mode {
            Mode::Demo => {
                on_status(status::starting(SessionMode::Demo));
                let parts = demo_parts(self.paths()).await?;
                // The seed (first launch only) is history, not news.
                self.history_until_ms
                    .fetch_max(crate::clock::now_ms(), std::sync::atomic::Ordering::Relaxed);
                parts
            }
            Mode::Account(account) => {
                on_status(status::starting(SessionMode::Account));
                account_parts(self.paths(), &account).await?
            }
        };
        let session = Session::start(parts, self.emit.clone(), on_status)?;
        *self.session.write().await = Some(session.clone());
        session.go();
        crate::orphans::resend(&session, self.voice().recording_path().await).await;
        Ok(())
    }

    /// The windows that use this host.
    pub fn shells(&self) -> &crate::shells::Shells {
        &self.shells
    }

    /// A shell asks the process that runs the host to stop (the user quit).
    pub fn request_quit(&self) {
        self.quit.notify_one(); // kept until someone waits, if nobody does yet
    }

    /// Resolves once a shell asked to quit ([`Self::request_quit`]).
    pub async fn quit_requested(&self) {
        self.quit.notified().await
    }

    /// Closes the session (on exit).
    pub async fn shutdown(&self) {
        let session = self.session.write().await.take();
        if let Some(session) = session {
            session.shutdown().await;
        }
    }
}

/// `config`, with its event buffer shrunk by `RONGCHAT_EVENT_CAPACITY` when set: a test
/// then makes the page's event stream lag with a short burst (the path taken is the same).
fn client_config(mut config: ClientConfig) -> ClientConfig {
    if let Some(capacity) = std::env::var("RONGCHAT_EVENT_CAPACITY")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        config.event_capacity = capacity;
    }
    config
}

async fn account_parts(paths: &Paths, account: &Account) -> Result<Parts> {
    let dir = crate::account::store_dir(paths, account).await?;
    let config = client_config(ClientConfig::new(
        account.navi_url.clone(),
        account.app_key.clone(),
        account.token.expose().to_owned(),
        &dir,
    ));
    let client = Client::open(config)?;
    let user_id = client.user_id().unwrap_or_default();
    Ok(Parts {
        client,
        view: View::open(Directory::empty(), &dir),
        identity: Identity {
            user_name: user_id.clone(),
            user_id,
            mode: SessionMode::Account,
        },
        work_dir: dir,
        music: Vec::new(),
        embedded: None,
        helpers: Vec::new(),
        tasks: Vec::new(),
    })
}

async fn demo_parts(paths: &Paths) -> Result<Parts> {
    let embedded = Embedded::start(paths, (demo::ME.id, demo::ME.name)).await?;
    let work = paths.client_dir("local", demo::ME.id);
    let music = demo::seed::ensure(&embedded, &paths.data).await?;
    let since = crate::clock::now_ms();
    let echo = demo::seed::person(&embedded, demo::ECHO, &paths.data.join("demo-contact")).await?;
    let echo_task = tokio::spawn(demo::echo::run(echo.clone(), since));
    let token = embedded.token_for(demo::ME.id, demo::ME.name)?;
    let config = client_config(ClientConfig::new(
        embedded.info.http_url.clone(),
        embedded.info.app_key.clone(),
        token,
        &work,
    ));
    let client = Client::open(config)?;
    Ok(Parts {
        client,
        view: View::open(Directory::demo(), &work),
        identity: Identity {
            user_id: demo::ME.id.to_owned(),
            user_name: demo::ME.name.to_owned(),
            mode: SessionMode::Demo,
        },
        work_dir: work,
        music,
        embedded: Some(embedded),
        helpers: vec![echo],
        tasks: vec![echo_task],
    })
}
