//! Names from the server before the page shows ids: the users and groups a conversation
//! list or a history page names are read (`Client::user_profiles`, `Client::groups_info`)
//! when the directory has no fresh server name for them, within a bounded wait, so a slow
//! or refusing server (RongCloud without information hosting) only leaves ids showing.

use crate::convert::View;
use crate::directory::{Directory, SERVED_FRESH};
use crate::models::MemberDto;
use rongchat_client::{
    Client, ConnectionStatus, Conversation, ConversationType, Event, Message, ProfileKind,
    UserProfile,
};
use std::time::{Duration, Instant};

/// The longest a list or a page waits for names.
const ASK_LIMIT: Duration = Duration::from_secs(3);
/// The SDK's per-query limits.
const USERS_PER_ASK: usize = 100;
const GROUPS_PER_ASK: usize = 20;

/// The users and groups a conversation list shows: peers, groups and last senders.
pub fn named_by_conversations(list: &[Conversation]) -> (Vec<String>, Vec<String>) {
    let mut users = Vec::new();
    let mut groups = Vec::new();
    for c in list {
        match c.id.kind {
            ConversationType::Private => users.push(c.id.target_id.clone()),
            ConversationType::Group => groups.push(c.id.target_id.clone()),
            _ => {}
        }
        if let Some(m) = &c.last_message {
            users.push(m.sender_id.clone());
        }
    }
    (users, groups)
}

/// The users and groups a client event shows: a new message's sender, an updated row's.
pub fn named_by_event(event: &Event) -> (Vec<String>, Vec<String>) {
    match event {
        Event::MessageReceived { message } => (vec![message.sender_id.clone()], Vec::new()),
        Event::ConversationUpdated {
            conversation: Some(c),
            ..
        } => named_by_conversations(std::slice::from_ref(c)),
        _ => (Vec::new(), Vec::new()),
    }
}

/// The senders of a page of messages.
pub fn named_by_messages(page: &[Message]) -> Vec<String> {
    page.iter().map(|m| m.sender_id.clone()).collect()
}

/// Reads the server's names of the stale ones among `users` and `groups` into the view's
/// directory. Failures are logged and remembered as read (asked again once stale).
pub async fn refresh(client: &Client, view: &View, users: Vec<String>, groups: Vec<String>) {
    let dir = view.directory();
    let now = Instant::now();
    // Names read in an earlier run come from the client's cache (offline too), as old
    // as they are: stale ones are asked again below.
    seed_from_cache(client, dir, ProfileKind::User, &users, now);
    seed_from_cache(client, dir, ProfileKind::Group, &groups, now);
    if client.status() != ConnectionStatus::Connected {
        return;
    }
    let me = client.user_id().unwrap_or_default();
    let users = dir.stale(
        users.iter().map(String::as_str).filter(|u| !u.is_empty()),
        now,
    );
    let groups = dir.stale(groups.iter().map(String::as_str), now);
    let asked = async {
        for chunk in users.chunks(USERS_PER_ASK) {
            match client.user_profiles(chunk).await {
                Ok(found) => {
                    serve_all(dir, chunk, found.iter().map(|p| (&p.user_id, &p.name)), now)
                }
                Err(error) => {
                    tracing::debug!(%error, "user profiles unavailable");
                    serve_all(dir, chunk, std::iter::empty(), now);
                }
            }
        }
        for chunk in groups.chunks(GROUPS_PER_ASK) {
            match client.groups_info(chunk).await {
                Ok(found) => serve_all(
                    dir,
                    chunk,
                    found.iter().map(|g| (&g.group_id, &g.name)),
                    now,
                ),
                Err(error) => {
                    tracing::debug!(%error, "group info unavailable");
                    serve_all(dir, chunk, std::iter::empty(), now);
                }
            }
        }
    };
    if tokio::time::timeout(ASK_LIMIT, asked).await.is_err() {
        tracing::debug!(me = %me, "names from the server took too long; ids show for now");
    }
}

fn seed_from_cache(
    client: &Client,
    dir: &Directory,
    kind: ProfileKind,
    ids: &[String],
    now: Instant,
) {
    let never = dir.stale(ids.iter().map(String::as_str), now);
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    for id in never {
        if dir.has_served(&id) {
            continue;
        }
        let Some(cached) = client.cached_profile(kind, &id) else {
            continue;
        };
        let age = Duration::from_millis(u64::try_from(now_ms - cached.fetched_at).unwrap_or(0));
        // Older than the clock reaches back: stale at once.
        let read_at = now
            .checked_sub(age)
            .or_else(|| now.checked_sub(SERVED_FRESH));
        if let Some(read_at) = read_at {
            dir.serve(&id, &cached.name, read_at);
        }
    }
}

/// Every asked id is remembered: with the server's name, or as read without one.
fn serve_all<'a>(
    dir: &Directory,
    asked: &[String],
    found: impl Iterator<Item = (&'a String, &'a String)>,
    now: Instant,
) {
    let found: Vec<_> = found.collect();
    for id in asked {
        let name = found
            .iter()
            .find(|(f, _)| *f == id)
            .map_or("", |(_, n)| n.as_str());
        dir.serve(id, name, now);
    }
}

/// A group's members for the page: the server's names (remembered for labels), the
/// directory's avatar (demo people) else the server's portrait.
pub fn members(view: &View, found: &[UserProfile]) -> Vec<MemberDto> {
    let dir = view.directory();
    let now = Instant::now();
    found
        .iter()
        .map(|m| {
            dir.serve(&m.user_id, &m.name, now);
            MemberDto {
                id: m.user_id.clone(),
                name: dir.name(&m.user_id),
                avatar: dir.avatar(&m.user_id).or_else(|| m.portrait.clone()),
            }
        })
        .collect()
}
