"""One module per loss; each module's build() appends that loss's cases, in the order of the output file."""
