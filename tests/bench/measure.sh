# Sourced by the benchmarks that time whole processes (bench_ingest.sh, bench_feedback.sh).
# wall ms and peak RSS (KiB) of one command, from the kernel's accounting of the child
measure() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t0 = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ms = (time.monotonic() - t0) * 1000
print("%.0f %d" % (ms, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}
med() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
