"""bench/run's parts: building, corpus, rule index, measuring, reporting."""
