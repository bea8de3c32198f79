"""Save screenshots of the main window with the sample corpus, light and dark, large and small.

    .venv/bin/python bench/screenshots.py [OUT_DIR]   (default: shots/)

Renders offscreen; open the PNGs and judge them as a user would.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings

from newsdesk.gui.app import make_app
from newsdesk.gui.mainwindow import MainWindow
from newsdesk.gui.settings import GuiSettings, save_settings
from newsdesk.services.sample import load_sample
from newsdesk.store import open_store


def settle(app: object, window: MainWindow, seconds: float = 0.4) -> None:
    """Wait for the window's jobs (every read is one), then let it paint."""
    end = time.monotonic() + 30
    while not window.jobs.idle and time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "shots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "shots.db")
        empty = MainWindow(store, QSettings(str(Path(tmp) / "e.ini"), QSettings.Format.IniFormat))
        empty.show()
        settle(app, empty)
        empty.grab().save(str(out / "welcome.png"))
        empty.close()
        load_sample(store)
        for name, (width, height) in (("light", (1920, 1080)), ("dark", (1920, 1080)),
                                      ("light-small", (1024, 700)), ("dark-small", (1024, 700))):
            settings = QSettings(str(Path(tmp) / f"{name}.ini"), QSettings.Format.IniFormat)
            # reading never marks read here: each window shows the same unread corpus
            save_settings(settings, GuiSettings(theme=name.split("-")[0], refresh_minutes=0,
                                                mark_read_delay=-1))
            window = MainWindow(store, settings)
            window.resize(width, height)
            window.show()
            settle(app, window)
            window.story_dock.show()
            biggest = max(store.stories.list(), key=lambda st: (len(st.outlets), st.size))
            window.open_article(biggest.article_ids[-1])
            settle(app, window)
            path = out / f"window-{name}.png"
            window.grab().save(str(path))
            print(path)
            pane = window.story_pane
            frames = next((o for o in pane.comparison.outlets if o.frames), None) \
                if pane.comparison else None
            if frames is not None and "small" not in name:  # the evidence behind one heat-map cell
                pane.show_frame(frames.outlet, max(frames.frames, key=frames.frames.get))
                settle(app, window)
                window.story_dock.grab().save(str(out / f"pane-{name}.png"))
                print(out / f"pane-{name}.png")
            window.close()
        store.close()
    print(out / "welcome.png")


if __name__ == "__main__":
    main()
