// Declares the app's commands so capabilities can grant them one by one
// (capabilities/default.json); a command not listed there cannot be invoked.
const COMMANDS: &[&str] = &[
    "session_get",
    "session_reconnect",
    "conversation_list",
    "conversation_open",
    "conversation_mark_read",
    "conversation_set_pinned",
    "conversation_set_muted",
    "conversation_remove",
    "conversation_set_draft",
    "message_history",
    "message_send_text",
    "message_send_music",
    "message_resend",
    "file_send_picked",
    "file_open",
    "file_image_full",
    "file_music_poster",
    "voice_record_start",
    "voice_record_stop",
    "voice_play",
    "voice_stop",
    "music_list",
    "music_play",
    "settings_get",
    "settings_save",
    "settings_use_demo",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
