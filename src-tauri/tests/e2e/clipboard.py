#!/usr/bin/env python3
"""Reads the X11 CLIPBOARD as UTF-8 text, as a paste into another program would: asks its
owner (the app, after 复制) to convert it to UTF8_STRING on a window of ours and prints the
bytes it puts there.

Usage: clipboard.py TIMEOUT_SECONDS
Exits 1 when nobody owns the clipboard or no answer comes in time; 2 when the owner
refuses the conversion."""
import sys
import time

from Xlib import X, display

d = display.Display()
timeout = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
clipboard = d.intern_atom("CLIPBOARD")
utf8 = d.intern_atom("UTF8_STRING")
target = d.intern_atom("RONGCHAT_E2E_PASTE")
window = d.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)

if d.get_selection_owner(clipboard) == X.NONE:
    print("nobody owns the clipboard", file=sys.stderr)
    sys.exit(1)
window.convert_selection(clipboard, utf8, target, X.CurrentTime)
d.flush()
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    if not d.pending_events():
        time.sleep(0.02)
        continue
    event = d.next_event()
    if event.type != X.SelectionNotify:
        continue
    if event.property == X.NONE:
        print("the owner refused UTF8_STRING", file=sys.stderr)
        sys.exit(2)
    reply = window.get_full_property(target, X.AnyPropertyType)
    data = reply.value if reply else b""
    if isinstance(data, str):
        data = data.encode("utf-8")
    sys.stdout.buffer.write(bytes(data))
    sys.exit(0)
print("no answer from the clipboard's owner", file=sys.stderr)
sys.exit(1)
