// The chat's message order: by sent time, kept after every insert and every update (a
// sent message gets the server's time when it is acknowledged).

export function upsertMessage(list, msg) {
  const i = list.findIndex((m) => m.id === msg.id);
  if (i >= 0) list[i] = { ...list[i], ...msg };
  else list.push(msg);
  list.sort((a, b) => a.sentTime - b.sentTime);
}
