"""The benchmark suite (`make bench`): national-scale data, the production server, figures in docs/benchmarks.md.

`python -m benchmarks.run` prepares each database (generated once, reused while scale, seed and migrations
match), starts gunicorn on a free loopback port and measures the scenarios of `benchmarks.scenarios`.
"""
