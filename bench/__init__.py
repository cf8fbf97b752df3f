"""The benchmark suite (issue 17): ``bench/run`` builds the datasets and measures everything side by side.

Not part of the product: ``bench.settings`` adds two baseline views and a query-count header on top of the
production settings, and only the benchmark's server runs with them.
"""
