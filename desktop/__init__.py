"""Application shell: QApplication set-up, login and session, main window, task runner."""
