"""Running Lianxin for years: health and metrics, backup and restore, keys, database roles, deployment and
upgrades (issue 24, docs/operations.md). It reads every app's figures and is imported by none of them."""
