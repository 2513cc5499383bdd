"""Manifest of the app the benchmarks run against."""

app_name = "bench_app"
