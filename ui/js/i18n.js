// Labels: Chinese like the demo, English as a setting.
const STRINGS = {
  zh: {
    conversations: '会话', settings: '设置', back: '返回', noConversations: '暂无会话',
    pickConversation: '选择一个会话开始聊天', voice: '语音', emoji: '表情', more: '更多',
    send: '发送', inputPlaceholder: '输入消息…', holdToTalk: '按住 说话', releaseToSend: '松开 发送',
    image: '图片', file: '文件', music: '音乐', cancel: '取消', stopAndSend: '发送',
    language: '语言', account: '账号', naviUrl: '导航地址', save: '保存', useDemo: '使用本地演示',
    accountHint: '填写融云 AppKey、导航地址和 Token 使用真实账号；留空则使用内置本地服务器。',
    previewImage: '[图片]', previewVoice: '[语音]', previewFile: '[文件]', previewMusic: '[音乐]',
    previewUnsupported: '[暂不支持的消息]', draft: '[草稿]',
    yesterday: '昨天', weekdays: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
    pin: '置顶', unpin: '取消置顶', mute: '开启免打扰', unmute: '关闭免打扰', remove: '删除',
    loadMore: '加载更多', loading: '加载中…', noMore: '没有更多消息了',
    sending: '发送中', failed: '发送失败', resend: '重发', recall: '撤回', recalledByMe: '你撤回了一条消息', recalledByPeer: '对方撤回了一条消息', unsupported: '暂不支持的消息类型',
    connecting: '正在连接…', reconnecting: '网络不可用，正在重连…', connected: '',
    kicked: '您的账号已在其他设备登录', reconnect: '重新连接', tokenInvalid: 'Token 无效，请检查设置',
    openSettings: '打开设置', disconnected: '连接已断开', downloading: '下载中…',
    recordingHint: '松开发送，移开或按 Esc 取消', cancelHint: '松开手指，取消发送', tooShort: '录音时间太短',
    secondsLeft: (s) => `还剩 ${s} 秒`, play: '播放', stop: '停止', saved: '设置已保存',
    errNotConnected: '未连接，请稍后再试', errTimeout: '服务器没有响应', errRefused: (c) => `服务器拒绝了请求（${c}）`,
    errTooLarge: '文件或内容太大', errIo: '读写文件失败', errNetwork: '网络错误', errNotSignedIn: '正在登录…',
    errUpload: '上传失败', errCancelled: '已取消',
    unsupportedConversation: '暂不支持此类会话', startChat: '发起聊天', startChatPlaceholder: '用户 ID 或群组 ID',
    privateChat: '单聊', groupChat: '群聊', logout: '退出登录', deleteLocalData: '同时删除本账号的本地数据',
    dropHere: '松开即可发送',
  },
  en: {
    conversations: 'Chats', settings: 'Settings', back: 'Back', noConversations: 'No conversations yet',
    pickConversation: 'Pick a conversation to start chatting', voice: 'Voice', emoji: 'Emoji', more: 'More',
    send: 'Send', inputPlaceholder: 'Type a message…', holdToTalk: 'Hold to talk', releaseToSend: 'Release to send',
    image: 'Image', file: 'File', music: 'Music', cancel: 'Cancel', stopAndSend: 'Send',
    language: 'Language', account: 'Account', naviUrl: 'Navigation URL', save: 'Save', useDemo: 'Use local demo',
    accountHint: 'Enter a RongCloud AppKey, navigation URL and token for a real account; leave empty to use the bundled local server.',
    previewImage: '[Image]', previewVoice: '[Voice]', previewFile: '[File]', previewMusic: '[Music]',
    previewUnsupported: '[Unsupported message]', draft: '[Draft]',
    yesterday: 'Yesterday', weekdays: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
    pin: 'Pin', unpin: 'Unpin', mute: 'Mute', unmute: 'Unmute', remove: 'Remove',
    loadMore: 'Load more', loading: 'Loading…', noMore: 'No more messages',
    sending: 'Sending', failed: 'Failed', resend: 'Resend', recall: 'Recall', recalledByMe: 'You recalled a message', recalledByPeer: 'A message was recalled', unsupported: 'Unsupported message type',
    connecting: 'Connecting…', reconnecting: 'Network unavailable, reconnecting…', connected: '',
    kicked: 'Your account signed in on another device', reconnect: 'Reconnect', tokenInvalid: 'The token is invalid, check the settings',
    openSettings: 'Open settings', disconnected: 'Disconnected', downloading: 'Downloading…',
    recordingHint: 'Release to send, slide away or press Esc to cancel', cancelHint: 'Release to cancel', tooShort: 'Recording too short',
    secondsLeft: (s) => `${s} s left`, play: 'Play', stop: 'Stop', saved: 'Settings saved',
    errNotConnected: 'Not connected, try again soon', errTimeout: 'The server did not answer', errRefused: (c) => `The server refused (${c})`,
    errTooLarge: 'Too large', errIo: 'Could not read or write the file', errNetwork: 'Network error', errNotSignedIn: 'Signing in…',
    errUpload: 'Upload failed', errCancelled: 'Cancelled',
    unsupportedConversation: 'This kind of conversation is not supported yet', startChat: 'Start chat',
    startChatPlaceholder: 'User ID or group ID', privateChat: 'Private', groupChat: 'Group', logout: 'Log out',
    deleteLocalData: "Also delete this account's local data", dropHere: 'Drop to send',
  },
};

let lang = 'zh';

export function setLanguage(next) {
  lang = STRINGS[next] ? next : 'zh';
  if (typeof document === 'undefined') return; // unit tests run without a page
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  applyStaticLabels();
}

export function language() {
  return lang;
}

export function t(key, ...args) {
  const value = STRINGS[lang][key] ?? STRINGS.zh[key] ?? key;
  return typeof value === 'function' ? value(...args) : value;
}

/** Fills data-i18n (text), data-i18n-title and data-i18n-placeholder in the static page. */
export function applyStaticLabels(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
}

// Labels by error kind: the backend's `{kind, message, code}` errors and the `{kind, ...}`
// send failures of messages. Unknown kinds show the backend's own text.
const ERROR_LABELS = {
  notConnected: 'errNotConnected', timeout: 'errTimeout', refused: 'errRefused', tokenInvalid: 'tokenInvalid',
  kicked: 'kicked', tooLarge: 'errTooLarge', io: 'errIo', network: 'errNetwork', notSignedIn: 'errNotSignedIn',
  upload: 'errUpload', cancelled: 'errCancelled',
};

/** What to tell the user about an error or a send failure, chosen by its kind. */
export function errorText(error) {
  const key = error && ERROR_LABELS[error.kind];
  if (key) return t(key, error.code ?? '');
  return (error && (error.message || error.detail)) || t('failed');
}
