"""Confirming or dismissing a risk signal, shared by the screens that list signals (the
signals list and the customer profile's timeline); not a screen itself.

A mixin for a screen that has ``runner``, ``user``, ``can_review``, the ``confirm_button``,
``dismiss_button`` and ``review_note`` widgets, a ``signal_reviewed(int, str)`` signal and
a ``selected_signal()`` giving the signal row picked (or None). The write checks the
reviewer's scope (``data.commands.review_signal``) and is audited in its transaction; the
score changes at the next health check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog

from desktop.tasks import Changes

REVIEWER_ROLES = ("HEAD_RISK", "BRANCH_APPROVER")


def _t(text: str) -> str:
    return QCoreApplication.translate("SignalReview", text)


class SignalReviewer:
    """Review buttons and their writes (see the module's docstring for what it needs)."""

    runner: Any
    user: Any
    confirm_button: Any
    dismiss_button: Any
    review_note: Any
    signal_reviewed: Any
    #: the signal row picked on the screen (None: none); each screen defines it
    selected_signal: Callable[[], Any]

    @property
    def can_review(self) -> bool:
        """Only risk managers and branch approvers review signals; auditors and
        administrators read."""
        return bool(self.user.role in REVIEWER_ROLES)

    def _update_review_buttons(self) -> None:
        signal = self.selected_signal()
        allowed = self.can_review and signal is not None
        self.confirm_button.setVisible(self.can_review)
        self.dismiss_button.setVisible(self.can_review)
        self.confirm_button.setEnabled(allowed and signal.status != "CONFIRMED")
        self.dismiss_button.setEnabled(allowed and signal.status != "DISMISSED")

    def ask_reason(self, decision: str) -> str | None:
        """The reviewer's reason (None: cancelled). Dismissing needs one."""
        title = _t("Dismiss the signal") if decision == "DISMISSED" else _t("Confirm the signal")
        label = (
            _t("Why does this signal not apply? (required)")
            if decision == "DISMISSED"
            else _t("Reason (optional):")
        )
        text, ok = QInputDialog.getMultiLineText(self, title, label)  # type: ignore[arg-type]  # the mixin is a QWidget
        if not ok:
            return None
        return str(text).strip()

    def review_selected(self, decision: str) -> None:
        signal = self.selected_signal()
        if signal is None or not self.can_review:
            return
        reason = self.ask_reason(decision)
        while reason is not None and decision == "DISMISSED" and not reason:
            reason = self.ask_reason(decision)
        if reason is None:
            return
        self.review(signal.id, decision, reason)

    def review(self, signal_id: int, decision: str, reason: str) -> None:
        """Write a review (audited) of a signal within the user's scope; the screens show it
        when the write commits (each re-reads on the change)."""
        if not self.can_review:
            raise PermissionError("this role does not review signals")
        scope, actor = self.user.scope, self.user.employee_no

        def write(session: Any) -> Any:
            from data.commands import review_signal

            review_signal(session, signal_id, decision, reason, actor, scope=scope)
            return signal_id, Changes(frozenset({"risk_signals"}), (signal_id,), "review signal")

        def done(_signal_id: Any) -> None:
            self.review_note.setText(_t("Saved: the score changes at the next health check."))
            self.signal_reviewed.emit(signal_id, decision)

        self.runner.write(write, done, label="review signal", owner=self)
