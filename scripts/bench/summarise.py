"""summarise.py POSTS SCENARIO 'svc|base' ...: one table row, medians over repetitions."""
import statistics, sys

posts, scenario, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
service = [list(map(float, r.split("|")[0].split())) for r in runs]
baseline = [list(map(float, r.split("|")[1].split())) for r in runs if r.split("|")[1].strip()]
med = lambda rows, i: statistics.median(row[i] for row in rows)
errors = int(sum(row[3] for row in service))
line = f"{posts:<9} {scenario:<28} {med(service, 0):>10.0f} {med(service, 1):>9.3f} {med(service, 2):>9.3f}"
if baseline:
    ratio = statistics.median(s[0] / b[0] for s, b in zip(service, baseline) if b[0])
    p99x = med(service, 2) / med(baseline, 2) if med(baseline, 2) else float("nan")
    line += f" {med(baseline, 0):>10.0f} {ratio:>8.2f} {p99x:>8.2f}"
else:
    line += f" {'':>10} {'':>8} {'':>8}"
if errors:
    line += f"  ERRORS={errors}"
print(line, flush=True)
