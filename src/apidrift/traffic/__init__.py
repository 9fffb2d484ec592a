"""Traffic users already have (HAR files, VCR.py cassettes, a proxy's session) checked like recordings:
each exchange matched to an operation, its request and response validated and fingerprinted."""
