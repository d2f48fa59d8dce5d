"""Benchmarks: throughput and latency as ratios against baselines measured in the same run."""
