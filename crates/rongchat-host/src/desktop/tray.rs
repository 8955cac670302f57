//! The engine's tray icon (a StatusNotifierItem, with its menu over DBusMenu): the unread
//! total in its tooltip and menu, "open" and "quit"; a click on the icon opens the window.
//! The same menu as the window process's tray (src-tauri's shell/tray.rs).

use super::Ask;
use crate::settings::Language;
use crate::unread;
use crate::unread::{menu_label as unread_label, tooltip};
use ksni::TrayMethods;
use ksni::menu::{MenuItem, StandardItem};
use tokio::sync::mpsc;

/// The app's icon, as the window's tray shows it.
const ICON_PNG: &[u8] = include_bytes!("../../../../icons/32x32.png");

/// The running tray.
pub type Handle = ksni::Handle<EngineTray>;

/// What the tray shows and where its clicks go.
pub struct EngineTray {
    lang: Language,
    unread: u32,
    icon: Vec<ksni::Icon>,
    asks: mpsc::UnboundedSender<Ask>,
}

impl EngineTray {
    fn ask(&self, ask: Ask) {
        let _ = self.asks.send(ask); // the engine stopping no longer listens
    }
}

/// The icon in the tray's format (ARGB32, big-endian), from the app's PNG.
fn icon() -> Vec<ksni::Icon> {
    let Ok(image) = image::load_from_memory(ICON_PNG) else {
        return Vec::new();
    };
    let rgba = image.to_rgba8();
    let (width, height) = rgba.dimensions();
    let data = rgba
        .pixels()
        .flat_map(|p| [p[3], p[0], p[1], p[2]])
        .collect();
    vec![ksni::Icon {
        width: i32::try_from(width).unwrap_or(0),
        height: i32::try_from(height).unwrap_or(0),
        data,
    }]
}

impl ksni::Tray for EngineTray {
    fn id(&self) -> String {
        "rongchat".into()
    }

    fn title(&self) -> String {
        unread::title(self.unread)
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        self.icon.clone()
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: tooltip(self.unread),
            ..Default::default()
        }
    }

    fn activate(&mut self, _x: i32, _y: i32) {
        self.ask(Ask::Open(None));
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        let zh = self.lang == Language::Zh;
        vec![
            StandardItem {
                label: if zh {
                    "打开 RongChat"
                } else {
                    "Open RongChat"
                }
                .into(),
                activate: Box::new(|tray: &mut Self| tray.ask(Ask::Open(None))),
                ..Default::default()
            }
            .into(),
            StandardItem {
                label: unread_label(self.lang, self.unread),
                enabled: false,
                ..Default::default()
            }
            .into(),
            MenuItem::Separator,
            StandardItem {
                label: if zh { "退出" } else { "Quit" }.into(),
                activate: Box::new(|tray: &mut Self| tray.ask(Ask::Quit)),
                ..Default::default()
            }
            .into(),
        ]
    }
}

/// Puts the icon in the tray.
pub async fn start(lang: Language, asks: mpsc::UnboundedSender<Ask>) -> Result<Handle, String> {
    let tray = EngineTray {
        lang,
        unread: 0,
        icon: icon(),
        asks,
    };
    // A panel that starts after us still finds the icon.
    tray.assume_sni_available(true)
        .spawn()
        .await
        .map_err(|e| e.to_string())
}

/// Shows a new total.
pub async fn show_unread(tray: &Handle, n: u32) {
    tray.update(|tray| tray.unread = n).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_the_apps_in_argb() {
        let icon = icon();
        assert_eq!(icon.len(), 1);
        let icon = &icon[0];
        assert_eq!((icon.width, icon.height), (32, 32));
        assert_eq!(icon.data.len(), 32 * 32 * 4);
    }

    #[test]
    fn labels_follow_the_count_and_language() {
        assert_eq!(tooltip(0), "RongChat");
        assert_eq!(tooltip(3), "RongChat: 3 unread");
        assert_eq!(unread_label(Language::Zh, 2), "未读消息：2");
        assert_eq!(unread_label(Language::En, 2), "Unread: 2");
    }
}
