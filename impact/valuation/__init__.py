"""Valuation of outcomes: social return on investment (SROI), pure functions on pandas frames."""
