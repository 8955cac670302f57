//! The token in the OS keyring: on a private session D-Bus with a real Secret Service
//! (gnome-keyring, unlocked for the test), a token saved in the settings is filed in the
//! keyring and never written to the config dir; the next launch signs in with it; logging
//! out removes it from the keyring.

use crate::accounts::{AccountServer, list_has, log_out, sign_in_with_the_form, signed_in_as};
use crate::dbus::Bus;
use crate::harness::{App, LOG_FILTER, WAIT, assert_log_has_no_token};
use crate::peer::Peer;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRETS: &str = "org.freedesktop.secrets";

/// gnome-keyring's Secret Service on `bus`, its login keyring unlocked; stopped on drop.
struct SecretService {
    daemon: Child,
    env: Vec<(String, String)>,
    _home: tempfile::TempDir,
}

impl SecretService {
    fn start(bus: &Bus) -> SecretService {
        let home = tempfile::tempdir().expect("temp dir");
        let run = home.path().join("run");
        std::fs::create_dir_all(&run).expect("runtime dir");
        let env = vec![
            ("DBUS_SESSION_BUS_ADDRESS".to_owned(), bus.address.clone()),
            ("HOME".to_owned(), home.path().display().to_string()),
            ("XDG_RUNTIME_DIR".to_owned(), run.display().to_string()),
            (
                "XDG_DATA_HOME".to_owned(),
                home.path().join("data").display().to_string(),
            ),
        ];
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("gnome-keyring-daemon (scripts/packages/desktop.txt)");
        // The login keyring's password, then end of input: it creates and unlocks it.
        let mut stdin = daemon.stdin.take().expect("stdin");
        stdin.write_all(b"e2e-password").expect("password");
        drop(stdin);
        let connection = zbus::blocking::connection::Builder::address(bus.address.as_str())
            .expect("bus address")
            .build()
            .expect("connect to the test bus");
        let dbus = zbus::blocking::fdo::DBusProxy::new(&connection).expect("the bus itself");
        let deadline = Instant::now() + WAIT;
        while !dbus
            .name_has_owner(SECRETS.try_into().expect("a bus name"))
            .unwrap_or(false)
        {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring never took {SECRETS}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SecretService {
            daemon,
            env,
            _home: home,
        }
    }

    /// What `secret-tool` finds filed under the app's service: the secrets, one per item.
    fn app_secrets(&self) -> Vec<String> {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "service", "dev.rongchat.client"])
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .output()
            .expect("secret-tool (scripts/packages/desktop.txt)");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.strip_prefix("secret = "))
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_lives_in_the_os_keyring() {
    let bus = Bus::start();
    let secrets = SecretService::start(&bus);
    let dir = tempfile::tempdir().expect("temp dir");
    let accounts = AccountServer::start(dir.path()).await;
    let (navi, key) = (accounts.navi.clone(), accounts.key.clone());
    let token = accounts.token("alice", "Alice");
    let bob = Peer::connect(&accounts.embedded("alice"), "bob", "Bob").await;
    bob.send_text("alice", "signed in from the keyring").await;

    let data_dir = dir.path().join("app-data");
    let token_file = data_dir.join("config").join("token");
    let env = [
        ("RONGCHAT_DATA_DIR", data_dir.to_str().expect("utf-8")),
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str()),
        LOG_FILTER,
    ];
    let app = App::launch(&env).await;
    sign_in_with_the_form(&app, &navi, &key, &token).await;
    signed_in_as(&app, "alice").await;
    assert_eq!(
        secrets.app_secrets(),
        vec![token.clone()],
        "the token is in the keyring"
    );
    assert!(!token_file.exists(), "and not in a file");
    app.quit().await;

    // --- The next launch signs in with the keyring's token.
    let app = App::launch(&env).await;
    signed_in_as(&app, "alice").await;
    list_has(&app, "bob", "signed in from the keyring").await;

    // --- Logging out takes it out of the keyring.
    log_out(&app, false).await;
    assert_eq!(
        secrets.app_secrets(),
        Vec::<String>::new(),
        "the keyring forgot it"
    );
    assert!(!token_file.exists());
    app.quit().await;
    assert_log_has_no_token(&data_dir, &[&token, &bob.token], &["alice"]);
    accounts.server.shutdown().await;
}
