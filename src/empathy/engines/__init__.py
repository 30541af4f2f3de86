"""Server engines beside the embedded DuckDB default: steps that prepare them for the dbt build."""
