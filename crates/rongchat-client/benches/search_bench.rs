//! Local full-text search figures: a store of 100,000 messages (mixed Chinese and English
//! texts, some file names and music titles) and the latency of `Store::search` (first page
//! of 20, newest first, with snippets) per kind of query, printed as p50/p99 lines.
//! Run: `cargo bench -p rongchat-client --bench search_bench` (`-- --quick`: 10,000).

mod common;

use common::{Fill, ms, percentile};
use rongchat_client::store::Store;
use std::time::Instant;

const ZH: &[&str] = &[
    "我们",
    "明天",
    "开会",
    "项目",
    "进度",
    "北京",
    "上海",
    "天气",
    "不错",
    "晚饭",
    "一起",
    "周末",
    "电影",
    "看看",
    "文件",
    "发给你",
    "收到",
    "谢谢",
    "没问题",
    "好的",
    "客户",
    "需求",
    "修改",
    "测试",
    "上线",
    "时间",
    "地点",
    "咖啡",
    "下午",
    "早上",
    "会议室",
    "报告",
    "季度",
    "预算",
    "审批",
    "出差",
    "火车票",
    "机场",
    "酒店",
    "孩子",
    "学校",
    "老师",
    "作业",
    "周一",
    "周五",
    "生日",
    "蛋糕",
    "礼物",
    "照片",
    "视频",
    "音乐",
];
const EN: &[&str] = &[
    "the", "meeting", "tomorrow", "project", "status", "please", "review", "draft", "budget",
    "report", "lunch", "coffee", "weekend", "movie", "send", "file", "thanks", "okay", "client",
    "release", "deploy", "test", "bug", "fixed", "schedule", "flight", "hotel", "birthday",
    "photo", "video", "music", "call", "later", "tonight", "ticket",
];
/// Rare words: each in about one message in a thousand.
const RARE: &[&str] = &["火锅店", "Kilimanjaro", "量子计算机", "xylophone"];

/// A small deterministic generator (xorshift), so every run stores the same texts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as usize
    }
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.next() % words.len()]
    }
}

fn text(rng: &mut Rng, n: usize) -> (String, String) {
    let words = 4 + rng.next() % 10;
    let chinese = !rng.next().is_multiple_of(3);
    let mut body = String::new();
    for i in 0..words {
        if chinese {
            body.push_str(rng.pick(ZH));
            if rng.next().is_multiple_of(5) {
                body.push_str(rng.pick(EN));
            }
        } else {
            if i > 0 {
                body.push(' ');
            }
            body.push_str(rng.pick(EN));
        }
    }
    if rng.next().is_multiple_of(1000) {
        body.push(' ');
        body.push_str(RARE[n % RARE.len()]);
    }
    match rng.next() % 50 {
        0 => (
            "RC:FileMsg".into(),
            serde_json::json!({ "name": format!("{body}.pdf"), "size": n, "type": "pdf",
                                "fileUrl": "http://127.0.0.1/f" })
            .to_string(),
        ),
        1 => (
            "seal:music".into(),
            serde_json::json!({ "name": body, "author": rng.pick(ZH), "url": "http://127.0.0.1/m",
                                "poster": "" })
            .to_string(),
        ),
        _ => (
            "RC:TxtMsg".into(),
            serde_json::json!({ "content": body }).to_string(),
        ),
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let stored = if quick { 10_000 } else { 100_000 };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("bench.sqlite3")).expect("store");
    let peers: Vec<String> = (0..40).map(|i| format!("user{i}")).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let filled = common::fill(&mut store, stored, 1000, |n| {
        let (object_name, content) = text(&mut rng, n);
        Fill {
            peer: peers[n % peers.len()].clone(),
            object_name,
            content,
        }
    });
    // What the fill left waiting for the index goes in now, not in the first query's time.
    let indexing = Instant::now();
    store.index_pending().expect("index");
    let filled = filled + indexing.elapsed();
    println!(
        "search: {stored} messages stored and indexed in {:.1} s",
        filled.as_secs_f64()
    );
    let queries = [
        ("rare Chinese word", "火锅店"),
        ("rare English word", "Kilimanjaro"),
        ("common Chinese word (~10%)", "会议室"),
        ("common English word (~10%)", "meeting"),
        ("Chinese phrase across words", "明天开会"),
        ("substring inside a word", "eetin"),
        ("two-character word (grams)", "北京"),
        ("two characters, no match (grams)", "龙虾"),
        ("no match", "不存在的词语"),
        ("hostile", "\"NEAR(a* OR\""),
    ];
    let rounds = if quick { 50 } else { 200 };
    let mut all = Vec::new();
    for (label, query) in queries {
        let mut samples = Vec::with_capacity(rounds);
        let mut hits = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            hits = store.search(query, 20, 0).expect("search").len();
            samples.push(start.elapsed());
        }
        let total = store
            .search(query, usize::MAX >> 1, 0)
            .expect("search")
            .len();
        samples.sort();
        println!(
            "search {label:<30} {query:<14} page {hits:>2} of {total:>6}: p50 {:.3} ms, p99 {:.3} ms",
            ms(percentile(&samples, 50)),
            ms(percentile(&samples, 99))
        );
        all.extend(samples);
    }
    all.sort();
    println!(
        "search over {stored} messages, all queries: p50 {:.3} ms, p99 {:.3} ms",
        ms(percentile(&all, 50)),
        ms(percentile(&all, 99))
    );
}
