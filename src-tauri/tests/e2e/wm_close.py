#!/usr/bin/env python3
"""What a window manager does when the user clicks a window's close button: sends
WM_DELETE_WINDOW to the top-level windows of one process (by _NET_WM_PID). Xvfb has no
window manager, so the E2E does this part. Usage: wm_close.py PID; exit 1 if none found."""
import sys
from Xlib import X, display, protocol

from xwin import pid_of, windows

pid = int(sys.argv[1])
d = display.Display()
PROTOCOLS = d.intern_atom("WM_PROTOCOLS")
DELETE = d.intern_atom("WM_DELETE_WINDOW")


sent = 0
for w in windows(d.screen().root):
    try:
        if pid_of(d, w) != pid:
            continue
        if w.get_attributes().map_state != X.IsViewable or DELETE not in (w.get_wm_protocols() or []):
            continue
    except Exception:  # gone meanwhile
        continue
    event = protocol.event.ClientMessage(window=w, client_type=PROTOCOLS, data=(32, [DELETE, X.CurrentTime, 0, 0, 0]))
    w.send_event(event, event_mask=X.NoEventMask)
    sent += 1
d.sync()
sys.exit(0 if sent else 1)
