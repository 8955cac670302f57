//! Language and account settings. The token goes in, never comes back out.

use super::Cx;
use crate::error::Result;
use crate::settings::{AccountAddress, Language, Secret};
use serde::{Deserialize, Serialize};

/// The settings as the page sees them (no token, only whether one is stored).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    language: Language,
    account: Option<AccountView>,
}

/// A stored account without its secret.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    app_key: String,
    navi_url: String,
    has_token: bool,
}

/// The settings form.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsForm {
    language: Language,
    account: Option<AccountForm>,
}

/// The account part of the form; an empty token keeps the stored one.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountForm {
    app_key: String,
    navi_url: String,
    /// Printed `<redacted>` by its `Debug`.
    token: Option<Secret>,
}

/// [`settings_get`]'s arguments.
#[derive(Debug, Deserialize)]
pub struct SettingsGetArgs {}

/// Reads the settings.
pub async fn settings_get(state: &Cx, _: SettingsGetArgs) -> Result<SettingsView> {
    let store = state.settings();
    let stored = store.load()?;
    Ok(SettingsView {
        language: stored.language,
        account: stored.account.map(|a| AccountView {
            app_key: a.app_key,
            navi_url: a.navi_url,
            has_token: store.has_token(),
        }),
    })
}

/// [`settings_save`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsSaveArgs {
    settings: SettingsForm,
}

/// Saves the settings; a changed account signs in again.
pub async fn settings_save(
    state: &Cx,
    SettingsSaveArgs { settings }: SettingsSaveArgs,
) -> Result<()> {
    let account = settings.account.map(|form| {
        (
            AccountAddress {
                app_key: form.app_key,
                navi_url: form.navi_url,
            },
            form.token,
        )
    });
    let account_changed = state.settings().apply(settings.language, account)?;
    if account_changed {
        state.restart().await?;
    }
    Ok(())
}

/// [`settings_use_demo`]'s arguments.
#[derive(Debug, Deserialize)]
pub struct SettingsUseDemoArgs {}

/// Forgets the account and goes back to the embedded demo.
pub async fn settings_use_demo(state: &Cx, _: SettingsUseDemoArgs) -> Result<()> {
    let language = state.settings().load()?.language;
    state.settings().apply(language, None)?;
    state.restart().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_never_prints_its_token() {
        let form: SettingsForm = serde_json::from_value(serde_json::json!({
            "language": "en",
            "account": {"appKey": "k", "naviUrl": "http://n", "token": "tok-SECRET"}
        }))
        .unwrap();
        let printed = format!("{form:?}");
        assert!(
            printed.contains("<redacted>") && !printed.contains("SECRET"),
            "{printed}"
        );
    }
}
