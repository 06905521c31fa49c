"""The demo city made from the seed: departments, sites, channels, articles and one account
per role (``zaixian demo``), and the article generator for benchmarks."""
