//! Who lives in the demo world. Names follow the demo (it signs in as 大乔).

/// A demo user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    /// The user id on the local server.
    pub id: &'static str,
    /// The display name.
    pub name: &'static str,
}

/// The user the app signs in as.
pub const ME: DemoUser = DemoUser {
    id: "daqiao",
    name: "大乔",
};

/// The contact who answers: echoes text and voice clips back.
pub const ECHO: DemoUser = DemoUser {
    id: "xiaoqiao",
    name: "小乔",
};

/// Everyone, the app's user first.
pub const USERS: [DemoUser; 6] = [
    ME,
    ECHO,
    DemoUser {
        id: "zhouyu",
        name: "周瑜",
    },
    DemoUser {
        id: "sunce",
        name: "孙策",
    },
    DemoUser {
        id: "zhugeliang",
        name: "诸葛亮",
    },
    DemoUser {
        id: "zhaoyun",
        name: "赵云",
    },
];

/// The demo's group.
pub const GROUP: DemoUser = DemoUser {
    id: "darongyungroup",
    name: "大融云",
};

/// A demo music entry: a melody generated at seeding time.
#[derive(Debug, Clone, Copy)]
pub struct DemoMusic {
    /// Our id.
    pub id: &'static str,
    /// Title.
    pub name: &'static str,
    /// Author.
    pub author: &'static str,
    /// MIDI-ish note numbers, one per beat (0 = rest).
    pub notes: &'static [u8],
}

/// The music the composer offers.
pub const MUSIC: [DemoMusic; 2] = [
    DemoMusic {
        id: "twinkle",
        name: "小星星",
        author: "RongChat 演示",
        notes: &[60, 60, 67, 67, 69, 69, 67, 0, 65, 65, 64, 64, 62, 62, 60],
    },
    DemoMusic {
        id: "jasmine",
        name: "茉莉花",
        author: "江南民歌",
        notes: &[64, 64, 67, 69, 72, 72, 69, 67, 67, 69, 67, 0],
    },
];

/// The name of a demo user or group, by id.
pub fn name_of(id: &str) -> Option<&'static str> {
    USERS
        .iter()
        .chain(std::iter::once(&GROUP))
        .find(|u| u.id == id)
        .map(|u| u.name)
}

/// Seed history: (from, conversation: None = private to ME / Some(group)), text, age.
/// Ages are relative to the seeding time so the list shows today, 昨天, a weekday, a date.
pub const HISTORY: [(&str, bool, &str, u64); 9] = [
    ("zhouyu", false, "明天的会议改到下午三点。", 9 * 24 * 3600),
    ("zhouyu", false, "收到请回复 👍", 9 * 24 * 3600 - 60),
    ("sunce", false, "周末一起去爬山吗？", 4 * 24 * 3600),
    (
        "zhugeliang",
        false,
        "方案我已经看过了，细节晚上聊。",
        26 * 3600,
    ),
    ("zhaoyun", true, "欢迎大家加入大融云 🎉", 3 * 3600),
    ("zhugeliang", true, "文档已经更新。", 2 * 3600),
    (
        "xiaoqiao",
        false,
        "姐姐，我是小乔，发消息给我试试，我会回复你的~",
        20 * 60,
    ),
    ("xiaoqiao", false, "语音也可以哦 🎤", 19 * 60),
    ("zhaoyun", false, "收到", 5 * 60),
];
