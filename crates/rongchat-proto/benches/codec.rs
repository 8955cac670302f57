//! Encode+decode of a typical client PUBLISH (`ppMsgP`, 200-byte text) and of a
//! `DownStreamMessages` with 50 messages.

use criterion::{Criterion, criterion_group, criterion_main};
use prost::Message;
use rongchat_proto::content::{Content, Text};
use rongchat_proto::frame::{Publish, QueryAck};
use rongchat_proto::pb::{DownStreamMessage, DownStreamMessages, UpStreamMessage};
use rongchat_proto::status::AckStatus;
use rongchat_proto::{Body, Frame, Layout, Side};
use std::hint::black_box;

fn text_content(len: usize) -> String {
    Content::Text(Text {
        content: "融".repeat(len / 3),
        ..Default::default()
    })
    .to_json()
}

fn publish_frame() -> Frame {
    let up = UpStreamMessage {
        session_id: 3,
        classname: "RC:TxtMsg".into(),
        content: text_content(200),
        config_flag: Some(2),
        client_unique_id: Some(1_795_628_855_457_123),
        option_bits: Some(0),
        ..Default::default()
    };
    Frame::with_default_flags(Body::Publish(Publish {
        date: None,
        topic: "ppMsgP".into(),
        target_id: "user2".into(),
        msg_id: 9,
        payload: up.encode_to_vec().into(),
    }))
}

fn downstream_frame() -> Frame {
    let list = (0..50)
        .map(|i| DownStreamMessage {
            from_user_id: format!("user{}", i % 7),
            r#type: 1,
            classname: "RC:TxtMsg".into(),
            content: text_content(200),
            data_time: 1_795_628_855_000 + i,
            status: 48,
            msg_id: Some(format!("C3RH-8M2P-{i:04}-ABCD")),
            direction: Some(2),
            client_unique_id: Some(1_795_628_855_000 + i),
            ..Default::default()
        })
        .collect();
    let reply = DownStreamMessages {
        list,
        sync_time: 1_795_628_855_049,
        finished: Some(true),
        ..Default::default()
    };
    Frame::with_default_flags(Body::QueryAck(QueryAck {
        msg_id: 5,
        date: 1_795_628_855,
        status: AckStatus::Success,
        payload: reply.encode_to_vec(),
    }))
}

fn bench(c: &mut Criterion) {
    let publish = publish_frame();
    c.bench_function("ppMsgP 200-byte text: encode+decode", |b| {
        b.iter(|| {
            let bytes = black_box(&publish).encode().unwrap_or_default();
            let frame = Frame::decode(&bytes, Side::Client, Layout::V3).ok();
            if let Some(Frame {
                body: Body::Publish(p),
                ..
            }) = frame
            {
                black_box(UpStreamMessage::decode(&p.payload[..]).ok());
            }
        })
    });
    let down = downstream_frame();
    c.bench_function("DownStreamMessages x50: encode+decode", |b| {
        b.iter(|| {
            let bytes = black_box(&down).encode().unwrap_or_default();
            let frame = Frame::decode(&bytes, Side::Server, Layout::V3).ok();
            if let Some(Frame {
                body: Body::QueryAck(q),
                ..
            }) = frame
            {
                black_box(DownStreamMessages::decode(&q.payload[..]).ok());
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
