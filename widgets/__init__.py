"""Reusable Qt pieces that take plain values and emit signals; they know no database."""
