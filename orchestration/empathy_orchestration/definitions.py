"""The Dagster code location: `dagster dev` from the project root loads this module."""

from __future__ import annotations

import dagster as dg

from empathy_orchestration.dbt_models import dbt_resource, empathy_dbt_models
from empathy_orchestration.releases import quality_gates, review_pack, serving_warehouse
from empathy_orchestration.schedules import REVIEW_JOBS, REVIEW_SCHEDULES
from empathy_orchestration.warehouse import WarehouseWriter

defs = dg.Definitions(
    assets=[empathy_dbt_models, serving_warehouse, review_pack],
    asset_checks=[quality_gates],
    jobs=list(REVIEW_JOBS.values()),
    schedules=REVIEW_SCHEDULES,
    resources={"dbt": dbt_resource(), "warehouse": WarehouseWriter()},
    executor=dg.in_process_executor,
)
