"""What the E2E's X scripts (wm_close.py, window_id.py, tray_click.py) share: walking the
window tree and reading which process a window says it belongs to (_NET_WM_PID)."""
from Xlib import X


def windows(w):
    """`w` and every window inside it; one gone meanwhile (closing as we look) ends its
    branch."""
    yield w
    try:
        children = w.query_tree().children
    except Exception:
        return
    for child in children:
        yield from windows(child)


def pid_of(d, w):
    """The pid `w` says it belongs to, or None (no property, or the window is gone)."""
    try:
        prop = w.get_full_property(d.intern_atom("_NET_WM_PID"), X.AnyPropertyType)
    except Exception:
        return None
    return int(prop.value[0]) if prop else None
