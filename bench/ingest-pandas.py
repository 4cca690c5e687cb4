# The peer of `npm run bench:ingest`: pandas.read_csv with default arguments on the same file, in its own process.
# Prints one JSON line: wall and CPU seconds spent in read_csv (the import is not timed), rows read and peak resident memory
# (VmHWM, which the import is part of, as Node's start-up is part of the studio's figure).
import json
import sys
import time

import pandas


def peak_rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


started, cpu_started = time.perf_counter(), time.process_time()
frame = pandas.read_csv(sys.argv[1])
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "rows": len(frame), "peakBytes": peak_rss_bytes()}))
