"""Dataset versions: the kinds, the content-addressed store, publication, the index, exports, training runs
and lineage."""
