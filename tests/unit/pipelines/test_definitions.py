"""The code location loads, with the asset graph a data engineer expects."""

from __future__ import annotations

import pytest
from dagster import AssetKey, Definitions, DynamicPartitionsDefinition

from pipelines.partitions import contiguous_ranges
from pipelines.definitions import defs

pytestmark = pytest.mark.unit


def test_definitions_load_with_the_expected_graph():
    Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == {"programme", "theory_of_change", "drop_inventory", "participants", "activities", "survey_responses", "coaching_sessions", "stories", "data_quality_report", "outcome_scores", "indicators",
                    "hypothesis_tests", "hypothesis_results", "sroi",
                    "report_data", "initiative_reports", "programme_overview", "lessons_learned", "delivery_bundle", "report_manifest"}
    for name in ("theory_of_change", "drop_inventory", "participants", "activities", "survey_responses", "stories"):
        pdef = graph.get(AssetKey(name)).partitions_def
        assert isinstance(pdef, DynamicPartitionsDefinition) and pdef.name == "initiative"
    # the programme gives the language of the messages; the Theory of Change the waves and custom outcomes
    assert graph.get(AssetKey("participants")).parent_keys == {AssetKey("programme"), AssetKey("theory_of_change"),
                                                               AssetKey("drop_inventory")}
    assert graph.get(AssetKey("stories")).parent_keys == {AssetKey("programme"), AssetKey("theory_of_change"),
                                                          AssetKey("drop_inventory")}
    assert AssetKey("stories") in graph.get(AssetKey("report_data")).parent_keys
    # the rendering steps take report_data, and keep the writers of what it read as parents, so the automation's
    # all_deps_blocking_checks_passed (direct parents only) still waits for those tables' checks
    assert graph.get(AssetKey("initiative_reports")).parent_keys == graph.get(AssetKey("report_data")).parent_keys | {
        AssetKey("report_data")}
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    staged = ("participants", "activities", "survey_responses", "coaching_sessions")
    assert checks == {
        *((t, "raw_rows_add_up") for t in staged),
        *((t, "raw_rows_recount") for t in staged),
        *((t, "no_direct_identifiers") for t in staged),
        *((t, "dates_in_programme_year") for t in ("participants", "activities", "survey_responses")),
        ("participants", "completeness"),
        ("participants", "left_after_enrolled"),
        ("participants", "one_row_per_participant"),
        ("activities", "plausible_values"),
        ("survey_responses", "one_response_per_participant_and_wave"),
        ("survey_responses", "follow_up_after_baseline"),
        ("survey_responses", "respondents_in_register"),
        ("survey_responses", "response_and_retention"),
        ("survey_responses", "item_completeness"),
        ("survey_responses", "plausible_answers"),
        ("coaching_sessions", "coaching_log_complete"),
        ("coaching_sessions", "no_small_groups_in_text"),
        ("stories", "raw_rows_add_up"),  # no pandas recount: stories are YAML or Markdown, not tables
        ("stories", "no_small_groups_in_stories"),
        ("outcome_scores", "reliability"),
    }


def test_contiguous_ranges():
    order = ["a", "b", "c", "d", "e"]
    assert contiguous_ranges(order, order) == [("a", "e")]
    assert contiguous_ranges(order, ["b", "c"]) == [("b", "c")]
    assert contiguous_ranges(order, ["a", "c", "d"]) == [("a", "a"), ("c", "d")]


RENDERING = {"initiative_reports", "programme_overview", "lessons_learned", "delivery_bundle", "report_manifest"}


def test_every_step_that_opens_the_warehouse_is_in_its_pool_and_reports_refresh_after_programme_changes():
    graph = defs.resolve_asset_graph()
    opens = {key.to_user_string() for key in graph.get_all_asset_keys()
             if "duckdb_warehouse" in defs.resolve_assets_def(key).required_resource_keys}
    assert opens == {key.to_user_string() for key in graph.get_all_asset_keys()} - RENDERING
    for key in graph.get_all_asset_keys():
        # the rendering steps read the report data (an input), never the warehouse: they need no turn in its pool
        assert graph.get(key).pools == (set() if key.to_user_string() in RENDERING else {"duckdb_warehouse"}), key
    for name in RENDERING:
        assert "report_data" in {k.to_user_string() for k in defs.resolve_assets_def(name).keys_by_input_name.values()}
    from assets.quality import quality_checks

    assert len(quality_checks) >= 20 and {check.op.pool for check in quality_checks} == {"duckdb_warehouse"}
    assert graph.get(AssetKey("initiative_reports")).automation_condition is not None
