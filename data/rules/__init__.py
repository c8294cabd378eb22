"""Pure business rules over plain values: no database session, no Qt."""
