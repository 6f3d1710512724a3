"""Jobs: the whole coaching year, in one in-process run."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

coaching_year_job = define_asset_job(
    name="coaching_year",
    selection=AssetSelection.all(),
    description="Everything: settings, staged tables and all that follows, for the selected initiatives.",
)
