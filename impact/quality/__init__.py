"""Quality of what passed the contract: the row accounting and the Great Expectations rules."""

from impact.quality.accounting import row_accounting

__all__ = ["row_accounting"]
