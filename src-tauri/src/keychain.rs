//! Saved connections' passwords in the OS keychain (Secret Service on Linux, through the
//! `keyring` crate), one entry per connection id. Where no keychain answers, the app says so
//! (`keychain_available: false`) and asks for passwords each time: they are never written to
//! disk. `RETORT_NO_KEYCHAIN=1` forces that mode (tests, or a user who wants no keychain).

use std::sync::mpsc;
use std::time::Duration;

use crate::error::{ApiError, KEYCHAIN};

/// The keychain service the entries are filed under.
pub const SERVICE: &str = "dev.retort.desktop";
pub const DISABLE_ENV: &str = "RETORT_NO_KEYCHAIN";

/// How long the start-up probe waits for the keychain (a Secret Service that is being started,
/// or a D-Bus that never answers, must not hold up the window).
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
pub struct Keychain {
    available: bool,
}

impl Keychain {
    /// Checks once whether a keychain answers. Blocking: call off the UI thread.
    pub fn detect() -> Keychain {
        if std::env::var(DISABLE_ENV).is_ok_and(|v| !v.is_empty() && v != "0") {
            tracing::info!("keychain disabled by {DISABLE_ENV}");
            return Keychain::disabled();
        }
        if cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            // Without a session bus there is no Secret Service; probing would only try to
            // autolaunch a bus.
            tracing::info!("no D-Bus session: passwords will be asked for each time");
            return Keychain::disabled();
        }
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let answer = keyring::Entry::new(SERVICE, "retort-keychain-probe")
                .and_then(|entry| entry.get_password().map(|_| ()));
            let _ = sender.send(answer);
        });
        let available = match receiver.recv_timeout(PROBE_TIMEOUT) {
            Ok(Ok(())) | Ok(Err(keyring::Error::NoEntry)) => true,
            Ok(Err(e)) => {
                tracing::info!(error = %e, "no usable keychain: passwords will be asked for each time");
                false
            }
            Err(_) => {
                tracing::warn!(
                    "the keychain did not answer within {PROBE_TIMEOUT:?}; not using it"
                );
                false
            }
        };
        Keychain { available }
    }

    pub fn disabled() -> Keychain {
        Keychain { available: false }
    }

    pub fn available(&self) -> bool {
        self.available
    }

    /// The saved password of connection `id`, if any. Blocking.
    pub fn get(&self, id: &str) -> Result<Option<String>, ApiError> {
        if !self.available {
            return Ok(None);
        }
        match entry(id)?.get_password() {
            Ok(password) => Ok(Some(password)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(failure("read a password from", &e)),
        }
    }

    /// Saves the password of connection `id`. Blocking. Fails when there is no keychain.
    pub fn set(&self, id: &str, password: &str) -> Result<(), ApiError> {
        if !self.available {
            return Err(ApiError::new(
                KEYCHAIN,
                "No keychain is available, so the password cannot be saved. Retort asks for it each time instead.",
            ));
        }
        entry(id)?
            .set_password(password)
            .map_err(|e| failure("save the password in", &e))
    }

    /// Removes the password of connection `id`; a missing entry is fine. Blocking.
    pub fn delete(&self, id: &str) -> Result<(), ApiError> {
        if !self.available {
            return Ok(());
        }
        match entry(id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(failure("remove the password from", &e)),
        }
    }
}

fn entry(id: &str) -> Result<keyring::Entry, ApiError> {
    keyring::Entry::new(SERVICE, id).map_err(|e| failure("open", &e))
}

/// keyring's errors never contain the secret itself.
fn failure(what: &str, error: &keyring::Error) -> ApiError {
    ApiError::new(KEYCHAIN, format!("Could not {what} the OS keychain."))
        .with_detail(error.to_string())
}
