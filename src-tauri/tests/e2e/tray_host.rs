//! A tray host on a test's private session D-Bus, as a desktop panel is one: a
//! StatusNotifierWatcher that keeps the items registering with it (the app's indicator), so
//! a test reads the label beside the app's tray icon (its unread count) as the panel shows
//! it, also while the app has no window to ask.

use crate::dbus::Bus;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zbus::names::InterfaceName;

const NAME: &str = "org.kde.StatusNotifierWatcher";
const PATH: &str = "/StatusNotifierWatcher";
const ITEM: &str = "org.kde.StatusNotifierItem";

/// Registered items: (bus name, object path).
type Items = Arc<Mutex<Vec<(String, String)>>>;

#[derive(Default)]
struct Watcher {
    items: Items,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(
        &self,
        service: String,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // An appindicator names its object path (on its own connection); others a bus name.
        let item = if service.starts_with('/') {
            (sender, service)
        } else {
            (service, "/StatusNotifierItem".to_owned())
        };
        self.items.lock().expect("items").push(item);
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        let items = self.items.lock().expect("items");
        items
            .iter()
            .map(|(name, path)| format!("{name}{path}"))
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// The tray host; stops with the test.
pub struct TrayHost {
    connection: zbus::blocking::Connection,
    items: Items,
}

impl TrayHost {
    /// Owns the watcher's name on `bus` (before the app starts, so its indicator finds it).
    pub fn start(bus: &Bus) -> TrayHost {
        let watcher = Watcher::default();
        let items = watcher.items.clone();
        let connection = zbus::blocking::connection::Builder::address(bus.address.as_str())
            .expect("bus address")
            .name(NAME)
            .expect("name")
            .serve_at(PATH, watcher)
            .expect("serve")
            .build()
            .expect("own org.kde.StatusNotifierWatcher");
        TrayHost { connection, items }
    }

    /// The label beside the first registered item's icon, if one registered and has one.
    fn label(&self) -> Option<String> {
        let (name, path) = self.items.lock().expect("items").first()?.clone();
        let props = zbus::blocking::fdo::PropertiesProxy::builder(&self.connection)
            .destination(name)
            .ok()?
            .path(path)
            .ok()?
            .build()
            .ok()?;
        let value = props
            .get(
                InterfaceName::from_static_str_unchecked(ITEM),
                "XAyatanaLabel",
            )
            .ok()?;
        String::try_from(value).ok()
    }

    /// Waits until the tray's label reads `want` (the app shows no label for 0).
    pub async fn wait_label(&self, want: &str, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let label = tokio::task::block_in_place(|| self.label());
            if label.as_deref() == Some(want) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "tray label {label:?} within {within:?}, wanted {want:?} (items {:?})",
                self.items.lock().expect("items")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The item registered last (an engine started again registers again).
    fn last_item(&self) -> Option<(String, String)> {
        self.items.lock().expect("items").last().cloned()
    }

    fn item_property(&self, name: &str) -> Option<zbus::zvariant::OwnedValue> {
        let (service, path) = self.last_item()?;
        let props = zbus::blocking::fdo::PropertiesProxy::builder(&self.connection)
            .destination(service)
            .ok()?
            .path(path)
            .ok()?
            .build()
            .ok()?;
        props
            .get(InterfaceName::from_static_str_unchecked(ITEM), name)
            .ok()
    }

    /// The title of the last item's tooltip (a StatusNotifierItem's `ToolTip`).
    fn tooltip(&self) -> Option<String> {
        type ToolTip = (String, Vec<(i32, i32, Vec<u8>)>, String, String);
        let value = self.item_property("ToolTip")?;
        ToolTip::try_from(value).ok().map(|t| t.2)
    }

    /// Waits until the last item's tooltip reads `want`.
    pub async fn wait_tooltip(&self, want: &str, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let tooltip = tokio::task::block_in_place(|| self.tooltip());
            if tooltip.as_deref() == Some(want) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "tray tooltip {tooltip:?} within {within:?}, wanted {want:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the menu item labelled `label` of the last item, as a panel does (DBusMenu's
    /// `Event`, "clicked").
    pub fn click_menu(&self, label: &str) {
        let (service, _) = self.last_item().expect("a tray item");
        let menu = self.item_property("Menu").expect("the item has a menu");
        let menu = zbus::zvariant::OwnedObjectPath::try_from(menu).expect("an object path");
        for id in 1..32 {
            let reply = self.connection.call_method(
                Some(service.as_str()),
                menu.as_str(),
                Some("com.canonical.dbusmenu"),
                "GetProperty",
                &(id, "label"),
            );
            let Ok(reply) = reply else { continue };
            let Ok(value) = reply.body().deserialize::<zbus::zvariant::OwnedValue>() else {
                continue;
            };
            if String::try_from(value).as_deref() == Ok(label) {
                // Sent without waiting for an answer, as a panel does: an item that quits
                // on the click (退出) may leave the bus before it answers.
                let clicked = zbus::Message::method_call(menu.as_str(), "Event")
                    .and_then(|m| m.destination(service.as_str()))
                    .and_then(|m| m.interface("com.canonical.dbusmenu"))
                    .and_then(|m| m.with_flags(zbus::message::Flags::NoReplyExpected))
                    .and_then(|m| m.build(&(id, "clicked", zbus::zvariant::Value::I32(0), 0u32)))
                    .expect("the menu's Event");
                self.connection
                    .send(&clicked)
                    .expect("the menu's Event sent");
                return;
            }
        }
        panic!("no menu item {label:?}");
    }
}
