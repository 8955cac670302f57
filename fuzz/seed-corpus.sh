#!/usr/bin/env bash
# Seeds the fuzz corpora with every captured frame and payload of the official SDK.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${RONGCHAT_SHARED:-$here/../../shared}"
mkdir -p "$here/corpus/frame_decode" "$here/corpus/payload_decode" "$here/corpus/server_api_request" \
  "$here/corpus/upload_and_download"
python3 - "$shared/protocol/captures" "$here/corpus" <<'PY'
import json, glob, sys, os, hashlib
src, out = sys.argv[1], sys.argv[2]
for path in glob.glob(os.path.join(src, "*.jsonl")):
    for line in open(path):
        d = json.loads(line)
        if "hex" in d:
            raw = bytes.fromhex(d["hex"])
            open(os.path.join(out, "frame_decode", hashlib.sha1(raw).hexdigest()), "wb").write(raw)
        pb = (d.get("frame") or {}).get("pb")
        if pb:
            raw = bytes.fromhex(pb)
            open(os.path.join(out, "payload_decode", hashlib.sha1(raw).hexdigest()), "wb").write(raw)
PY
# Server API requests as the SDKs send them: signature headers, a blank line, then a form
# or JSON body.
python3 - "$here/corpus/server_api_request" <<'PY'
import os, sys, hashlib
out = sys.argv[1]
head = "App-Key: key\nNonce: 12345\nTimestamp: 1796162046000\nSignature: 0123456789abcdef0123456789abcdef01234567\n"
for body, kind in [
    ("userId=u1&name=%E5%A4%A7%E4%B9%94&portraitUri=", "application/x-www-form-urlencoded"),
    ("fromUserId=a&toUserId=b&toUserId=c&objectName=RC%3ATxtMsg&content=%7B%22content%22%3A%22hi%22%7D&isIncludeSender=1", "application/x-www-form-urlencoded"),
    ('{"userId":"u1","minute":10,"toUserId":["a","b"],"isMuted":true}', "application/json"),
    ("userId=u1&minute=43200", "application/x-www-form-urlencoded"),
]:
    raw = f"{head}Content-Type: {kind}\n\n{body}".encode()
    open(os.path.join(out, hashlib.sha1(raw).hexdigest()), "wb").write(raw)
PY
# Uploads and downloads (upload_and_download): a mode byte (0 token in the query, 1 token
# only in the form, 2 a download's Range), then the form or the Range value.
python3 - "$here/corpus/upload_and_download" <<'PY'
import os, sys, hashlib
out, b = sys.argv[1], "fuzzboundary"
def part(name, value, filename=None):
    disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    return f"--{b}\r\nContent-Disposition: {disp}\r\n\r\n{value}\r\n"
seeds = [
    b"\x00" + (part("key", "fuzz-key.bin") + part("file", "hello", "a.txt") + f"--{b}--\r\n").encode(),
    b"\x01" + (part("token", "not-a-token") + part("file", "x", "b.bin") + f"--{b}--\r\n").encode(),
    b"\x00" + (part("file", "\u6211\u7684", "\u6211\u7684\u62a5\u544a.pdf") + f"--{b}--\r\n").encode(),
    b"\x02bytes=0-3",
    b"\x02bytes=5-",
    b"\x02bytes=-4",
    b"\x02bytes=9-2",
]
for raw in seeds:
    open(os.path.join(out, hashlib.sha1(raw).hexdigest()), "wb").write(raw)
PY
