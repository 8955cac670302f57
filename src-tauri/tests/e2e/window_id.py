#!/usr/bin/env python3
"""Prints the X id of one process's viewable top-level window (by _NET_WM_PID), for a
screenshot of what the screen shows (ImageMagick's `import -window ID`). WebKit's own
snapshot, which WebDriver's screenshot uses, never answers when the page is drawn without
compositing, as the app draws it. Usage: window_id.py PID; exit 1 if none is shown."""
import sys
from Xlib import X, display

from xwin import pid_of

pid = int(sys.argv[1])
d = display.Display()

for w in d.screen().root.query_tree().children:
    try:
        if pid_of(d, w) != pid:
            continue
        if w.get_attributes().map_state != X.IsViewable:
            continue
        g = w.get_geometry()
        if g.width < 100 or g.height < 100:  # not the main window (a tray icon, a popup)
            continue
    except Exception:  # gone meanwhile
        continue
    print(hex(w.id))
    sys.exit(0)
sys.exit(1)
