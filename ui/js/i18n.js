// Labels: Chinese like the demo, English as a setting. One entry per label, [zh, en], so
// neither language can miss one.
export const LABELS = {
  conversations: ['会话', 'Chats'],
  settings: ['设置', 'Settings'],
  back: ['返回', 'Back'],
  noConversations: ['暂无会话', 'No conversations yet'],
  pickConversation: ['选择一个会话开始聊天', 'Pick a conversation to start chatting'],
  voice: ['语音', 'Voice'],
  emoji: ['表情', 'Emoji'],
  more: ['更多', 'More'],
  send: ['发送', 'Send'],
  inputPlaceholder: ['输入消息…', 'Type a message…'],
  holdToTalk: ['按住 说话', 'Hold to talk'],
  releaseToSend: ['松开 发送', 'Release to send'],
  image: ['图片', 'Image'],
  file: ['文件', 'File'],
  music: ['音乐', 'Music'],
  cancel: ['取消', 'Cancel'],
  close: ['关闭', 'Close'],
  stopAndSend: ['发送', 'Send'],
  language: ['语言', 'Language'],
  account: ['账号', 'Account'],
  naviUrl: ['导航地址', 'Navigation URL'],
  naviPlaceholder: ['留空即融云公有云；多个用分号隔开', "Blank for RongCloud's cloud; several separated by ;"],
  save: ['保存', 'Save'],
  useDemo: ['使用本地演示', 'Use local demo'],
  accountHint: ['填写融云 AppKey 和 Token 使用真实账号（导航地址留空即连接融云公有云）；全部留空则使用内置本地服务器。', "Enter a RongCloud AppKey and token for a real account (a blank navigation URL connects to RongCloud's cloud); leave everything empty to use the bundled local server."],
  previewImage: ['[图片]', '[Image]'],
  previewVoice: ['[语音]', '[Voice]'],
  previewFile: ['[文件]', '[File]'],
  previewMusic: ['[音乐]', '[Music]'],
  previewUnsupported: ['[暂不支持的消息]', '[Unsupported message]'],
  draft: ['[草稿]', '[Draft]'],
  mentionedMe: ['[有人@我]', '[You were mentioned]'],
  mentionAll: ['所有人', 'Everyone'],
  yesterday: ['昨天', 'Yesterday'],
  weekdays: [['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'], ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']],
  pin: ['置顶', 'Pin'],
  unpin: ['取消置顶', 'Unpin'],
  mute: ['开启免打扰', 'Mute'],
  unmute: ['关闭免打扰', 'Unmute'],
  remove: ['删除', 'Remove'],
  loadMore: ['加载更多', 'Load more'],
  searchPlaceholder: ['搜索聊天记录', 'Search messages'],
  searchNoResults: ['没有找到相关消息', 'No messages found'],
  peerTyping: ['对方正在输入…', 'typing…'],
  receiptRead: ['已读', 'Read'],
  receiptUnread: ['未读', 'Unread'],
  receiptAsk: ['请求回执', 'Ask who read'],
  receiptReaders: [(n) => `${n} 人已读`, (n) => `${n} read`],
  receiptNobody: ['还没有人读', 'Nobody yet'],
  loading: ['加载中…', 'Loading…'],
  noMore: ['没有更多消息了', 'No more messages'],
  sending: ['发送中', 'Sending'],
  failed: ['发送失败', 'Failed'],
  resend: ['重发', 'Resend'],
  cancelUpload: ['取消发送', 'Cancel sending'],
  recall: ['撤回', 'Recall'],
  recalledByMe: ['你撤回了一条消息', 'You recalled a message'],
  recalledByPeer: ['对方撤回了一条消息', 'A message was recalled'],
  unsupported: ['暂不支持的消息类型', 'Unsupported message type'],
  connecting: ['正在连接…', 'Connecting…'],
  reconnecting: ['网络不可用，正在重连…', 'Network unavailable, reconnecting…'],
  connected: ['', ''],
  kicked: ['您的账号已在其他设备登录', 'Your account signed in on another device'],
  reconnect: ['重新连接', 'Reconnect'],
  tokenInvalid: ['Token 无效，请检查设置', 'The token is invalid, check the settings'],
  openSettings: ['打开设置', 'Open settings'],
  disconnected: ['连接已断开', 'Disconnected'],
  downloading: ['下载中…', 'Downloading…'],
  recordingHint: ['松开发送，移开或按 Esc 取消', 'Release to send, slide away or press Esc to cancel'],
  cancelHint: ['松开手指，取消发送', 'Release to cancel'],
  tooShort: ['录音时间太短', 'Recording too short'],
  secondsLeft: [(s) => `还剩 ${s} 秒`, (s) => `${s} s left`],
  play: ['播放', 'Play'],
  stop: ['停止', 'Stop'],
  playbackSpeed: ['语音播放速度', 'Voice playback speed'],
  saved: ['设置已保存', 'Settings saved'],
  errNotConnected: ['未连接，请稍后再试', 'Not connected, try again soon'],
  errTimeout: ['服务器没有响应', 'The server did not answer'],
  errRefused: [(c) => `服务器拒绝了请求（${c}）`, (c) => `The server refused (${c})`],
  errTooLarge: ['文件或内容太大', 'Too large'],
  errIo: ['读写文件失败', 'Could not read or write the file'],
  errNetwork: ['网络错误', 'Network error'],
  errNotSignedIn: ['正在登录…', 'Signing in…'],
  errUpload: ['上传失败', 'Upload failed'],
  errCancelled: ['已取消', 'Cancelled'],
  errInvalid: ['无法完成这个操作', 'That cannot be done'],
  errNotFound: ['找不到这条消息或会话', 'That message or chat no longer exists'],
  errSettings: ['设置无法读取或保存', 'The settings could not be read or saved'],
  errServer: ['本地服务器出错', 'The local server failed'],
  errVoice: ['录音或播放失败', 'Recording or playback failed'],
  errBlocked: ['账号已被封禁', 'This account is blocked'],
  errRejected: [(c) => `服务器拒绝连接（${c}）`, (c) => `The server refused the connection (${c})`],
  errStore: ['本地数据读写失败', 'Local data could not be read or written'],
  errClient: ['出错了，请稍后再试', 'Something went wrong, try again'],
  formAppKeyEmpty: ['请填写 AppKey', 'Enter the AppKey'],
  formTokenEmpty: ['请填写 Token', 'Enter the token'],
  formNaviUrlScheme: ['导航地址须以 http:// 或 https:// 开头', 'The navigation URL must start with http:// or https://'],
  unsafeRuns: ['文件可能是程序，不会打开', 'This file could run as a program; it is not opened'],
  unsafeDisguisedName: ['文件名含有隐藏字符，不会打开', 'The file name hides characters; it is not opened'],
  unsupportedConversation: ['暂不支持此类会话', 'This kind of conversation is not supported yet'],
  startChat: ['发起聊天', 'Start chat'],
  startChatPlaceholder: ['用户 ID 或群组 ID', 'User ID or group ID'],
  privateChat: ['单聊', 'Private'],
  groupChat: ['群聊', 'Group'],
  logout: ['退出登录', 'Log out'],
  deleteLocalData: ['同时删除本账号的本地数据', "Also delete this account's local data"],
  dropHere: ['松开即可发送', 'Drop to send'],
  messageMenu: ['消息操作', 'Message actions'],
  copy: ['复制', 'Copy'],
  copied: ['已复制', 'Copied'],
  reply: ['回复', 'Reply'],
  replyingTo: [(name) => `回复 ${name}`, (name) => `Replying to ${name}`],
  cancelReply: ['取消回复', 'Cancel reply'],
  forward: ['转发', 'Forward'],
  forwardTo: ['转发给', 'Forward to'],
  forwarded: ['已转发', 'Forwarded'],
  deleteForMe: ['删除', 'Delete for me'],
  deleteForBoth: ['双方删除', 'Delete for both sides'],
  clearHistory: ['清空聊天记录', 'Clear chat history'],
  groupMembers: ['群成员', 'Group members'],
  groupMembersCount: [(n) => `群成员（${n}）`, (n) => `Group members (${n})`],
  clearHistoryAsk: ['清空本会话的聊天记录？对方的记录不受影响。', "Clear this chat's history? The other side keeps theirs."],
  clearHistoryCloud: ['同时清空云端记录（不勾选则只清空本机，云端记录仍可再次加载）', 'Also clear it in the cloud (unticked: this device only; the cloud copy can load again)'],
  confirm: ['确定', 'OK'],
  openFileTitle: ['打开文件', 'Open file'],
  openFileAsk: ['用系统程序打开 {from} 发来的文件“{name}”？', 'Open “{name}” from {from} with its system program?'],
  dropHere: [(to) => `松开鼠标，发送给 ${to}`, (to) => `Drop to send to ${to}`],
  sendFilesTitle: [(to) => `发送给 ${to}`, (to) => `Send to ${to}`],
  pastedImage: ['粘贴的图片', 'Pasted image'],
  attachEmpty: [(name) => `“${name}”是空文件，未发送`, (name) => `“${name}” is empty and was not sent`],
  attachTooLarge: [(name) => `“${name}”超过 100 MB，未发送`, (name) => `“${name}” is over 100 MB and was not sent`],
  attachTooMany: [(name) => `一次最多发送 9 个文件，“${name}”未发送`, (name) => `At most 9 files at a time: “${name}” was not sent`],
};
const LANGUAGES = ['zh', 'en'];

let lang = 'zh';

export function setLanguage(next) {
  lang = LANGUAGES.includes(next) ? next : 'zh';
  if (typeof document === 'undefined') return; // unit tests run without a page
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  applyStaticLabels();
}

export function language() {
  return lang;
}

export function t(key, ...args) {
  const entry = LABELS[key];
  const value = entry ? entry[LANGUAGES.indexOf(lang)] : key;
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
export const ERROR_LABELS = {
  notConnected: 'errNotConnected', timeout: 'errTimeout', refused: 'errRefused', tokenInvalid: 'tokenInvalid',
  kicked: 'kicked', tooLarge: 'errTooLarge', io: 'errIo', network: 'errNetwork', notSignedIn: 'errNotSignedIn',
  upload: 'errUpload', cancelled: 'errCancelled', invalid: 'errInvalid', notFound: 'errNotFound',
  settings: 'errSettings', server: 'errServer', voice: 'errVoice', blocked: 'errBlocked',
  rejected: 'errRejected', store: 'errStore', client: 'errClient', form: 'errInvalid',
  unsafeFile: 'unsafeRuns',
};
/** Errors that say why (`reason`): the account form's field at fault, an unsafe file. */
export const REASON_LABELS = {
  appKeyEmpty: 'formAppKeyEmpty', tokenEmpty: 'formTokenEmpty', naviUrlScheme: 'formNaviUrlScheme',
  runs: 'unsafeRuns', disguisedName: 'unsafeDisguisedName',
};

/** What to tell the user about an error or a send failure, chosen by its kind. */
export function errorText(error) {
  const key = error && (REASON_LABELS[error.reason] || ERROR_LABELS[error.kind]);
  if (key) return t(key, error.code ?? '');
  return (error && (error.message || error.detail)) || t('failed');
}
