//! The tray icon (desktop): the unread total beside it and in its menu, "open" and "quit".
//! A left click opens the window where the platform reports clicks.

use super::window;
use crate::settings::Language;
use rongchat_host::unread::menu_label as unread_label;
pub use rongchat_host::unread::tooltip;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

const ID: &str = "main";

/// What the tray holds on to: the menu item that shows the count.
struct Tray<R: Runtime> {
    icon: TrayIcon<R>,
    unread: MenuItem<R>,
    lang: Language,
}

/// Creates the tray icon.
pub fn create<R: Runtime>(app: &AppHandle<R>, lang: Language) -> tauri::Result<()> {
    let zh = lang == Language::Zh;
    let open = MenuItem::with_id(
        app,
        "open",
        if zh {
            "打开 RongChat"
        } else {
            "Open RongChat"
        },
        true,
        None::<&str>,
    )?;
    let unread = MenuItem::with_id(app, "unread", unread_label(lang, 0), false, None::<&str>)?;
    let quit = MenuItem::with_id(
        app,
        "quit",
        if zh { "退出" } else { "Quit" },
        true,
        None::<&str>,
    )?;
    let menu = Menu::with_items(
        app,
        &[&open, &unread, &PredefinedMenuItem::separator(app)?, &quit],
    )?;
    let mut builder = TrayIconBuilder::with_id(ID)
        .tooltip(tooltip(0))
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => window::show(app),
            "quit" => crate::backend::quit(app),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                window::show(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.build(app)?;
    app.manage(Tray { icon, unread, lang });
    Ok(())
}

/// Shows a new total.
pub fn set_unread<R: Runtime>(app: &AppHandle<R>, n: u32) {
    let Some(tray) = app.try_state::<Tray<R>>() else {
        return;
    };
    let _ = tray.unread.set_text(unread_label(tray.lang, n));
    let _ = tray.icon.set_tooltip(Some(tooltip(n)));
    // Linux shows the title as a label beside the icon, macOS in the menu bar.
    let _ = tray
        .icon
        .set_title(Some(if n == 0 { String::new() } else { n.to_string() }));
}
