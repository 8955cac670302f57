//! Seeds the demo world once per data dir: people, a group, some history, and music
//! (melodies and posters generated here, uploaded to the local server). Each demo person
//! sends through a real client, like any other user of the server.

use super::art;
use super::world::{self, DemoUser, ECHO, GROUP, HISTORY, ME, MUSIC, USERS};
use crate::embedded::Embedded;
use crate::error::{Error, Result};
use crate::models::MusicDto;
use rongchat_client::{Client, ClientConfig, ConversationId, Event, Outgoing, SendStatus};
use rongchat_proto::content::Content;
use std::path::Path;
use std::time::Duration;

const MARKER: &str = "seeded.json";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// Opens and connects a client for a demo person (its store under `dir`).
pub async fn person(embedded: &Embedded, user: DemoUser, dir: &Path) -> Result<Client> {
    connect(person_config(embedded, user, dir)?).await
}

fn person_config(embedded: &Embedded, user: DemoUser, dir: &Path) -> Result<ClientConfig> {
    let token = embedded.token_for(user.id, user.name)?;
    Ok(ClientConfig::new(
        &embedded.info.http_url,
        &embedded.info.app_key,
        token,
        dir.join(user.id),
    ))
}

async fn connect(config: ClientConfig) -> Result<Client> {
    let client = Client::open(config)?;
    client.connect_and_wait(CONNECT_TIMEOUT).await?;
    Ok(client)
}

/// Seeds the world unless done before; returns the music entries either way.
pub async fn ensure(embedded: &Embedded, work: &Path) -> Result<Vec<MusicDto>> {
    let marker = embedded.info.server_dir.join(MARKER);
    if let Ok(text) = std::fs::read_to_string(&marker)
        && let Ok(music) = serde_json::from_str::<Vec<MusicDto>>(&text)
    {
        return Ok(music);
    }
    for user in USERS {
        embedded.token_for(user.id, user.name)?;
    }
    let members: Vec<&str> = USERS.iter().map(|u| u.id).collect();
    embedded
        .server
        .create_group(GROUP.id, GROUP.name, &members)
        .map_err(|e| Error::Server(e.to_string()))?;

    let seed_dir = work.join("seeding");
    // The senders connect at once, not one after another: this is part of the first
    // launch's wait for its list.
    let mut connecting = tokio::task::JoinSet::new();
    let mut senders: Vec<&str> = Vec::new();
    for (from, _, _, _) in HISTORY {
        if !senders.contains(&from) {
            senders.push(from);
            let user = USERS
                .iter()
                .copied()
                .find(|u| u.id == from)
                .ok_or_else(|| Error::Server(format!("unknown demo user {from}")))?;
            let config = person_config(embedded, user, &seed_dir)?;
            connecting.spawn(async move { Ok::<_, Error>((from, connect(config).await?)) });
        }
    }
    let mut people = Vec::new();
    while let Some(joined) = connecting.join_next().await {
        people.push(joined.map_err(|e| Error::Server(format!("seeding: {e}")))??);
    }
    let client_of = |id: &str| {
        people
            .iter()
            .find(|(p, _)| *p == id)
            .map(|(_, c)| c.clone())
    };

    // Music first (uploaded by 小乔 into a conversation of her own), so it can be sent.
    let echo = client_of(ECHO.id).ok_or_else(|| Error::Server("no demo contact".into()))?;
    let music = upload_music(&echo, &seed_dir).await?;

    for (from, in_group, text, _age) in HISTORY {
        let client = client_of(from).ok_or_else(|| Error::Server("no sender".into()))?;
        let to = if in_group {
            ConversationId::group(GROUP.id)
        } else {
            ConversationId::private(ME.id)
        };
        send_and_wait(&client, &to, Outgoing::Text(text.to_owned())).await?;
    }
    if let Some(first) = music.first() {
        let to = ConversationId::private(ME.id);
        let outgoing = Outgoing::Music {
            url: first.url.clone(),
            name: first.name.clone(),
            author: first.author.clone(),
            poster: first.poster.clone(),
        };
        send_and_wait(&echo, &to, outgoing).await?;
    }
    for (_, client) in &people {
        client.disconnect();
    }
    drop(people);
    let _ = std::fs::remove_dir_all(&seed_dir);
    let text = serde_json::to_string(&music).map_err(|e| Error::Server(e.to_string()))?;
    std::fs::write(marker, text)?;
    Ok(music)
}

/// Sends and waits for the server's ack (so the history order is the seed order).
async fn send_and_wait(
    client: &Client,
    to: &ConversationId,
    outgoing: Outgoing,
) -> Result<Content> {
    let (_, mut events) = client.subscribe()?;
    let sent = client.send(to, outgoing).await?;
    let wait = async {
        loop {
            match events.recv().await {
                Ok(Event::MessageUpdated { message }) if message.local_id == sent.local_id => {
                    match message.status {
                        SendStatus::Sent => return Ok(message.parsed()),
                        SendStatus::Failed => {
                            return Err(Error::Server(format!(
                                "seeding failed: {}",
                                message.failure.map(|f| f.to_string()).unwrap_or_default()
                            )));
                        }
                        _ => {}
                    }
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => return Err(Error::Server("client closed while seeding".into())),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .map_err(|_| Error::Server("seeding timed out".into()))?
}

async fn upload(client: &Client, path: &Path) -> Result<String> {
    // A conversation nobody reads: 小乔 keeps her uploads in a chat with 赵云.
    let to = ConversationId::private(world::USERS[5].id);
    match send_and_wait(client, &to, Outgoing::File(path.to_path_buf())).await? {
        Content::File(f) if !f.file_url.is_empty() => Ok(f.file_url),
        _ => Err(Error::Server("upload gave no URL".into())),
    }
}

async fn upload_music(client: &Client, dir: &Path) -> Result<Vec<MusicDto>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for m in MUSIC {
        let audio = dir.join(format!("{}.amr", m.id));
        let amr = art::melody_amr(m.notes)?;
        std::fs::write(&audio, amr)?;
        let poster = dir.join(format!("{}.png", m.id));
        std::fs::write(&poster, art::poster_png(m.id)?)?;
        out.push(MusicDto {
            id: m.id.to_owned(),
            name: m.name.to_owned(),
            author: m.author.to_owned(),
            url: upload(client, &audio).await?,
            poster: upload(client, &poster).await?,
        });
    }
    Ok(out)
}
