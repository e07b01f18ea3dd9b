#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The window as a screen reader reaches it: memscope runs on a session file and this
script, an AT-SPI client like Orca or Dogtail, finds its controls in the accessibility
tree by role and name and presses them through the Action interface.

Run by meson under `dbus-run-session -- xvfb-run`: a private session bus on which the
accessibility bus (at-spi-bus-launcher) and registry are D-Bus activated.

    test-accessibility.py MEMSCOPE   ($MEMSCOPE_MAKE_SESSION writes the session file)

The alarm toast is checked on `memscope --demo` (a headless Chromium on the bundled demo
page, which makes a 4 MiB allocation every 4 s) when a browser is installed.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402

# Roles a user operates, which must each be named for what they do
CONTROL_ROLES = {
    Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.SPIN_BUTTON,
    Atspi.Role.COMBO_BOX, Atspi.Role.CHECK_BOX, Atspi.Role.RADIO_BUTTON, Atspi.Role.SLIDER,
    Atspi.Role.ENTRY, Atspi.Role.TEXT, Atspi.Role.LIST, Atspi.Role.LIST_BOX,
    Atspi.Role.PAGE_TAB, Atspi.Role.MENU_ITEM,
}
CLASS_NAME = re.compile(r"^(Gtk|Adw|Ms)[A-Z]\w*$")

results = []


def report(ok, name, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}")
    if detail:
        for line in detail.splitlines():
            print(f"# {line}")


def walk(acc, parents=()):
    if acc is None:
        return
    yield acc, parents
    for i in range(acc.get_child_count()):
        yield from walk(acc.get_child_at_index(i), parents + (acc,))


def wait_for(what, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.2)
    return None


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid and app.get_child_count() > 0:
            return app
    return None


def find(root, role, name):
    for acc, _ in walk(root):
        if acc.get_role() == role and acc.get_name() == name:
            return acc
    return None


def windows(app):
    return [app.get_child_at_index(i) for i in range(app.get_child_count())]


def window_named(app, name):
    return next((w for w in windows(app) if w.get_name() == name), None)


def press(acc):
    """Its first action ("click"); a menu button's is on the toggle button inside it."""
    for candidate, _ in walk(acc):
        if candidate.get_role() not in (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON,
                                        Atspi.Role.MENU_ITEM):
            continue
        action = Atspi.Accessible.get_action_iface(candidate)
        if action is None or action.get_n_actions() == 0:
            continue
        try:
            if action.do_action(0):
                return True
        except GLib.Error as error:
            # The reply can come after the call's timeout when the action opens a window
            # in a slow (sanitizer) build; what it did is checked by what appears.
            print(f"# {candidate.get_name()!r}: {error.message}")
            return True
    return False


def find_matching(root, role, pattern):
    for acc, _ in walk(root):
        if acc.get_role() == role and re.search(pattern, acc.get_name() or ""):
            return acc
    return None


def doubled(name):
    """ "Purge… Purge…": a mnemonic label read twice """
    half = len(name) // 2
    return len(name) % 2 == 1 and name[half] == " " and name[:half] == name[half + 1:]


def repeated(name):
    """ "Stop Stop", "Alarm armed Alarm Armed", "Histogram bytes per block Bytes per
    block", "_Show Show": a name that ends with its own words again (case and mnemonic
    underscores aside), as GTK 4.8 gives a widget both an accessible label and a
    labelled-by relation that say the same."""
    words = name.replace("_", "").lower().split()
    for k in range(1, len(words)):
        head, tail = words[:k], words[k:]
        if len(tail) <= len(head) and head[-len(tail):] == tail:
            return True
    return False


# Roles that are read out as what they are; a class name there is a missing name. Panels
# and fillers are layout, which screen readers pass over.
READ_ROLES = CONTROL_ROLES | {
    Atspi.Role.STATUS_BAR, Atspi.Role.LABEL, Atspi.Role.IMAGE, Atspi.Role.LIST_ITEM,
}


def internal(parents):
    """Inside widgets GTK 4.8 and libadwaita 1.2 build themselves, whose parts they do not
    let an application name: a drop-down's toggle button and popover (the combo box around
    them is named, and checked), the view switcher's tabs (each named by its page), a
    scrolled window's scroll bars."""
    return any(p.get_role() in (Atspi.Role.COMBO_BOX, Atspi.Role.PAGE_TAB_LIST,
                                Atspi.Role.SCROLL_BAR)
               for p in parents)


def check_read_names(root):
    """Every name read out once, and none a class name."""
    bad = []
    n = 0
    for acc, parents in walk(root):
        name = acc.get_name() or ""
        if not name or internal(parents):
            continue
        n += 1
        if repeated(name):
            bad.append(f"{acc.get_role_name()} named {name!r}: read twice")
        elif acc.get_role() in READ_ROLES and CLASS_NAME.match(name):
            inside = " in ".join(f"{p.get_role_name()} {p.get_name()!r}" for p in parents[-3:])
            bad.append(f"{acc.get_role_name()} named by its class {name!r}, in {inside}")
    return n, bad


def check_names(window, only_in_groups=False):
    """The controls with no name of their own. @only_in_groups: only those in a named list
    (an AdwPreferencesGroup's rows), leaving out AdwPreferencesWindow's own search page,
    which libadwaita 1.2 builds hidden and leaves unnamed."""
    bad = []
    n = 0
    for acc, parents in walk(window):
        if acc.get_role() not in CONTROL_ROLES:
            continue
        # A drop-down's own button and popover list: GTK 4.8 and libadwaita give them no
        # name; the combo box around them carries it, checked like every other control.
        if any(p.get_role() == Atspi.Role.COMBO_BOX for p in parents):
            continue
        if only_in_groups and not any(p.get_role() == Atspi.Role.LIST and p.get_name()
                                      and not CLASS_NAME.match(p.get_name())
                                      for p in parents + (acc,)):
            continue
        n += 1
        name = acc.get_name() or ""
        if not name.strip() or CLASS_NAME.match(name) or "_" in name or doubled(name):
            bad.append(f"{acc.get_role_name()} named {name!r}")
    return n, bad


N_TESTS = 12


def find_alarm_toast(app):
    """The toast widget around an alarm toast's title: the nearest parent of the title
    that holds a button."""
    for window in windows(app):
        for acc, parents in walk(window):
            if acc.get_role() != Atspi.Role.LABEL or \
               not re.match(r"^(Alarm: |\d+ alarms, the latest)", acc.get_name() or ""):
                continue
            for parent in reversed(parents):
                if any(c.get_role() == Atspi.Role.PUSH_BUTTON for c, _ in walk(parent)):
                    return parent
    return None


def run_demo(memscope, tmp):
    """The alarm toast of a live recording: its buttons named once, for what they do."""
    browser = os.environ.get("MEMSCOPE_BROWSER") or shutil.which("chromium") or \
        shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        for _ in range(3):
            results.append(True)
            print(f"ok {len(results)} # SKIP no Chromium-family browser to record the demo page")
        return
    env = dict(os.environ, GTK_A11Y="atspi", XDG_DATA_HOME=os.path.join(tmp, "data"))
    env.pop("NO_AT_BRIDGE", None)
    proc = subprocess.Popen([memscope, "--demo"], env=env)
    try:
        app = wait_for(lambda: find_app(proc.pid))
        toast = app and wait_for(lambda: find_alarm_toast(app), timeout=120)
        report(toast is not None, "the demo's first alarm shows a toast")
        if toast is None:
            results.extend([False, False])
            return
        names = sorted(acc.get_name() for acc, _ in walk(toast)
                       if acc.get_role() == Atspi.Role.PUSH_BUTTON)
        report(names == ["Dismiss", "Show"], "the alarm toast's buttons are “Show” and “Dismiss”",
               f"buttons: {names!r}")
        # The whole window while it records (the record button says "Stop"), toast and all
        frame = next((w for w in windows(app) if w.get_role() == Atspi.Role.FRAME), None)
        n, bad = check_read_names(frame)
        report(n > 40 and not bad, f"each of the {n} names in the recording window and its "
               "alarm toast is read once, none a class name", "\n".join(bad))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main():
    memscope = sys.argv[1]
    print(f"1..{N_TESTS}")
    with tempfile.TemporaryDirectory(prefix="memscope-a11y-") as tmp:
        session = os.path.join(tmp, "a11y.memscope")
        subprocess.run([os.environ["MEMSCOPE_MAKE_SESSION"], session], check=True)

        env = dict(os.environ, GTK_A11Y="atspi")
        env.pop("NO_AT_BRIDGE", None)
        proc = subprocess.Popen([memscope, session], env=env)
        try:
            run(proc)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        run_demo(memscope, tmp)
    return 0 if all(results) and len(results) == N_TESTS else 1


def run(proc):
    app = wait_for(lambda: find_app(proc.pid))
    main_window = app and wait_for(lambda: next((w for w in windows(app)
                                                 if w.get_role() == Atspi.Role.FRAME), None))
    report(main_window is not None, "the main window is in the accessibility tree")
    if main_window is None:
        return

    # The session's page is up when the flame graph's controls are there
    wait_for(lambda: find(main_window, Atspi.Role.COMBO_BOX, "Flame graph direction"))
    time.sleep(0.5)

    n, bad = check_names(main_window)
    report(n > 20 and not bad, f"each of the {n} controls has a name of its own",
           "\n".join(bad))

    n, bad = check_read_names(main_window)
    report(n > 40 and not bad, f"each of the {n} names in the main window is read once, "
           "none a class name", "\n".join(bad))

    expected = [
        (Atspi.Role.PUSH_BUTTON, "Open a Session"),
        (Atspi.Role.PUSH_BUTTON, "Save the Session As"),
        (Atspi.Role.PUSH_BUTTON, "Main Menu"),
        (Atspi.Role.SPIN_BUTTON, "Alarm threshold in bytes"),
        (Atspi.Role.COMBO_BOX, "Flame graph direction"),
        (Atspi.Role.ENTRY, "Search frames"),
        (Atspi.Role.PUSH_BUTTON, "Purge…"),
        (Atspi.Role.PUSH_BUTTON, "Set Baseline"),
        (Atspi.Role.PUSH_BUTTON, "Count Now"),
    ]
    missing = [f"{Atspi.role_get_name(role)} {name!r}" for role, name in expected
               if find(main_window, role, name) is None]
    report(not missing, "the controls a screen reader user looks for are there by role and name",
           "missing: " + ", ".join(missing) if missing else "")

    described = find(main_window, Atspi.Role.PUSH_BUTTON, "Open a Session")
    report(described is not None and "Ctrl+O" in (described.get_description() or ""),
           "the open button's description gives its shortcut")

    # Pressing "Open a Session" opens the file chooser; its Cancel closes it
    pressed = press(described) if described else False
    chooser = wait_for(lambda: window_named(app, "Open a Session"))
    # GTK's own chooser; GTK 4.8 names its buttons "_Cancel Cancel"
    cancel = chooser and find_matching(chooser, Atspi.Role.PUSH_BUTTON, r"Cancel$")
    if cancel:
        press(cancel)
    closed = chooser is not None and wait_for(lambda: window_named(app, "Open a Session") is None)
    report(bool(pressed and chooser and closed),
           "pressing “Open a Session” opens the file chooser, and its Cancel closes it")

    # The main menu, then its Preferences item: the Preferences window
    menu_button = find(main_window, Atspi.Role.PUSH_BUTTON, "Main Menu")
    press(menu_button)
    item = wait_for(lambda: find(app, Atspi.Role.MENU_ITEM, "Preferences"))
    report(item is not None, "pressing “Main Menu” shows its items, Preferences among them")
    if item is not None:
        press(item)
    prefs = wait_for(lambda: window_named(app, "Preferences"))
    spin = prefs and wait_for(lambda: find(prefs, Atspi.Role.SPIN_BUTTON,
                                           "Sampling Interval"))
    report(spin is not None, "its Preferences item opens the Preferences window, "
           "with the sampling interval by name")

    n, bad = check_names(prefs, only_in_groups=True) if prefs else (0, ["no Preferences window"])
    report(n > 10 and not bad, f"each of the Preferences window's {n} controls has a name",
           "\n".join(bad))


if __name__ == "__main__":
    sys.exit(main())
