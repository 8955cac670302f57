#!/usr/bin/env bash
# Seeds the fuzz corpora with every captured frame and payload of the official SDK.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${RONGCHAT_SHARED:-$here/../../shared}"
mkdir -p "$here/corpus/frame_decode" "$here/corpus/payload_decode"
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
