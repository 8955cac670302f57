//! Local search over every conversation (the client's FTS5 index) and "open in context":
//! a hit's conversation loaded around that message, older and newer pages from there.

use super::Cx;
use crate::error::{Error, Result, check_size};
use crate::models::{AroundDto, SearchHitDto};
use rongchat_client::ConversationId;
use serde::Deserialize;
use std::collections::HashMap;

/// Hits per search page.
const HITS: usize = 30;
/// The longest query accepted.
const MAX_QUERY_BYTES: u64 = 1024;
/// The most messages asked for on either side of an anchor.
const MAX_SIDE: u32 = 100;

/// [`message_search`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSearchArgs {
    query: String,
    offset: Option<u32>,
}

/// Messages whose text, file name or music title contains `query`, newest first, from the
/// `offset`-th hit on (a page of `HITS`).
pub async fn message_search(
    state: &Cx,
    MessageSearchArgs { query, offset }: MessageSearchArgs,
) -> Result<Vec<SearchHitDto>> {
    check_size(query.len(), MAX_QUERY_BYTES)?;
    let session = state.session().await?;
    let client = session.client();
    let hits = client.search_page(&query, HITS, offset.unwrap_or(0) as usize)?;
    let mut titles: HashMap<ConversationId, String> = HashMap::new();
    let mut out = Vec::with_capacity(hits.len());
    for hit in hits {
        let Some(message) = client.message(hit.local_id)? else {
            continue;
        };
        let dto = session.view().message(&message);
        let title = match titles.get(&hit.conversation) {
            Some(title) => title.clone(),
            None => {
                let title = client
                    .conversation(&hit.conversation)?
                    .map(|c| session.view().conversation(&c).title)
                    .unwrap_or_else(|| hit.conversation.target_id.clone());
                titles.insert(hit.conversation.clone(), title.clone());
                title
            }
        };
        out.push(SearchHitDto {
            conv: hit.conversation.into(),
            title,
            message_id: hit.local_id.to_string(),
            sender_name: dto.sender_name,
            direction: dto.direction,
            sent_time: hit.sent_time,
            kind: dto.kind,
            snippet: hit.snippet,
        });
    }
    Ok(out)
}

/// [`message_around`]'s arguments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageAroundArgs {
    id: String,
    older: u32,
    newer: u32,
}

/// The message `id` with up to `older` older and `newer` newer messages of its
/// conversation, oldest first. Older pages continue with `message_history` (before the
/// first), newer ones with `message_around(last, 0, n)`.
pub async fn message_around(
    state: &Cx,
    MessageAroundArgs { id, older, newer }: MessageAroundArgs,
) -> Result<AroundDto> {
    if older > MAX_SIDE || newer > MAX_SIDE {
        return Err(Error::Invalid("too many messages asked for".into()));
    }
    let session = state.session().await?;
    let anchor = session.message(&id)?;
    let page = session
        .client()
        .around(anchor.local_id, older as usize, newer as usize)?
        .ok_or_else(|| Error::NotFound(format!("message {id:?}")))?;
    let at = page
        .iter()
        .position(|m| m.local_id == anchor.local_id)
        .unwrap_or_default();
    Ok(AroundDto {
        conv: anchor.conversation.clone().into(),
        has_older: at >= older as usize,
        has_newer: page.len() - at > newer as usize,
        messages: page.iter().map(|m| session.view().message(m)).collect(),
    })
}
