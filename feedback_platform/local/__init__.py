"""In-process Dagster runs behind the CLI: materialising the graph, checking layers, the local instance."""
