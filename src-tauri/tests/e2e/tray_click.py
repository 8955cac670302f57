#!/usr/bin/env python3
"""What the user does with the tray: clicks the app's icon in a system tray (trayer, an
XEmbed tray, runs on the Xvfb display; the app's indicator falls back to an XEmbed icon when
no StatusNotifier host is on the bus) and waits for the icon's menu to open.

Usage:
  tray_click.py open TIMEOUT_SECONDS [PID]   right-clicks the icon (the indicator's menu
      button; of process PID when given),
      prints the menu's geometry as JSON {"x","y","width","height"}; exits 1 when no icon
      docked or no menu opened in time.
  tray_click.py click X Y              clicks the open menu's item at X,Y until the menu
      closes (GTK ignores a click that comes too soon after the menu opened, so one that
      did not take is repeated); exits 1 if the menu is still open after 20 s."""
import json
import sys
import time

from Xlib import X, display
from Xlib.ext import xtest

from xwin import pid_of, windows

d = display.Display()
root = d.screen().root


def viewable(w):
    try:
        return w.get_attributes().map_state == X.IsViewable
    except Exception:  # gone meanwhile
        return False


def owner(w):
    """The pid a docked icon's window (or one inside it) says it belongs to, if any."""
    return next((p for p in (pid_of(d, x) for x in windows(w)) if p is not None), None)


def docked_icons():
    """The docked icons: viewable child windows inside trayer's panel, icon-sized."""
    found = []
    for w in root.query_tree().children:
        try:
            wm_class = w.get_wm_class() or ()
        except Exception:
            continue
        if "trayer" not in wm_class or not viewable(w):
            continue
        for child in list(windows(w))[1:]:
            try:
                g = child.get_geometry()
            except Exception:
                continue
            if viewable(child) and 8 <= g.width <= 64 and 8 <= g.height <= 64:
                found.append(child)
    return found


def tray_icon():
    """The app's docked icon (by its pid when one is given and the icon names one; another
    program's icon in the same tray is never clicked), else the first docked icon."""
    icons = docked_icons()
    if want_pid is not None:
        for icon in icons:
            if owner(icon) == want_pid:
                return icon
        if any(owner(icon) is not None for icon in icons):
            return None
    return icons[0] if icons else None


def popups():
    """Viewable override-redirect top-level windows: menus."""
    out = {}
    for w in root.query_tree().children:
        try:
            if w.get_attributes().override_redirect and viewable(w):
                g = w.get_geometry()
                if g.width > 20 and g.height > 20:
                    out[w.id] = w
        except Exception:
            continue
    return out


def wait(what):
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    return None


def menu_at(x, y):
    """Whether an open menu (popup) covers the point."""
    for w in popups().values():
        try:
            g = w.get_geometry()
            pos = root.translate_coords(w, 0, 0)
        except Exception:
            continue
        if pos.x <= x < pos.x + g.width and pos.y <= y < pos.y + g.height:
            return True
    return False


if sys.argv[1] == "click":
    x, y = int(sys.argv[2]), int(sys.argv[3])
    deadline = time.monotonic() + 20
    while menu_at(x, y):
        if time.monotonic() > deadline:
            print("the menu stayed open", file=sys.stderr)
            sys.exit(1)
        xtest.fake_input(d, X.MotionNotify, x=x, y=y)
        d.sync()
        time.sleep(0.1)  # a person's pace: GTK highlights the item under the pointer first
        xtest.fake_input(d, X.ButtonPress, 1)
        xtest.fake_input(d, X.ButtonRelease, 1)
        d.sync()
        end = time.monotonic() + 1
        while menu_at(x, y) and time.monotonic() < end:
            time.sleep(0.05)
    sys.exit(0)

deadline = time.monotonic() + float(sys.argv[2])
want_pid = int(sys.argv[3]) if len(sys.argv) > 3 else None
icon = wait(tray_icon)
if icon is None:
    owners = [owner(i) for i in docked_icons()]
    print(f"no icon of pid {want_pid} docked in the tray (docked icons' pids: {owners})", file=sys.stderr)
    sys.exit(1)
before = set(popups())
g = icon.get_geometry()
# The icon's centre on the screen.
at = root.translate_coords(icon, g.width // 2, g.height // 2)
x, y = at.x, at.y
xtest.fake_input(d, X.MotionNotify, x=x, y=y)
xtest.fake_input(d, X.ButtonPress, 3)
xtest.fake_input(d, X.ButtonRelease, 3)
d.sync()
menu = wait(lambda: [w for i, w in popups().items() if i not in before])
if not menu:
    print("clicking the icon opened no menu", file=sys.stderr)
    sys.exit(1)
w = menu[0]
mg = w.get_geometry()
pos = root.translate_coords(w, 0, 0)
print(json.dumps({"x": pos.x, "y": pos.y, "width": mg.width, "height": mg.height,
                  "icons": [owner(i) for i in docked_icons()]}))
