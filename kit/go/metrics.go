package kit

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	metricNames = []string{
		"/memory/classes/heap/objects:bytes",
		"/memory/classes/heap/unused:bytes",
		"/memory/classes/heap/free:bytes",
		"/memory/classes/heap/stacks:bytes",
		"/gc/heap/live:bytes",
		"/memory/classes/total:bytes",
		"/gc/heap/objects:objects",
	}
	samplesMu sync.Mutex
	samples   = func() []metrics.Sample {
		s := make([]metrics.Sample, len(metricNames))
		for i, n := range metricNames {
			s[i].Name = n
		}
		return s
	}()
	pageSize = uint64(os.Getpagesize())
)

func readMetrics() map[string]uint64 {
	samplesMu.Lock()
	defer samplesMu.Unlock()
	metrics.Read(samples)
	out := make(map[string]uint64, len(samples))
	for _, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			out[s.Name] = s.Value.Uint64()
		}
	}
	return out
}

// rss: resident pages from /proc/self/statm (what a container's memory limit is judged on).
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * pageSize
}

// sample is a MemorySample (kit/types.ts): heapUsed = heap objects (live + not yet swept), heapTotal =
// heap memory the runtime holds; gauges add goroutines (the lab's), stacks and the live heap as of the
// last GC. exact (for measure) adds allocation totals from ReadMemStats, which stops the world, and the
// heap's object count.
func (h *host) sample(exact bool) map[string]any {
	m := readMetrics()
	gauges := map[string]float64{
		"goroutines":  float64(h.labGoroutines()),
		"stack bytes": float64(m["/memory/classes/heap/stacks:bytes"]),
		"heap live":   float64(m["/gc/heap/live:bytes"]),
	}
	if exact {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		gauges["allocs objects"] = float64(ms.Mallocs)
		gauges["allocs bytes"] = float64(ms.TotalAlloc)
	}
	if exact {
		// live objects when measured after a GC (runtime.GC finishes sweeping): the Go counterpart of
		// v8.queryObjects, a count no lab code can change
		gauges["heap objects"] = float64(m["/gc/heap/objects:objects"])
	}
	lab := map[string]float64{}
	h.ctx.gauges.read(lab)
	for name, v := range lab {
		if _, kit := gauges[name]; !kit { // a lab gauge never hides one the kit measures
			gauges[name] = v
		}
	}
	heap := m["/memory/classes/heap/objects:bytes"]
	return map[string]any{
		"t":            time.Since(h.started).Milliseconds(),
		"rss":          rss(),
		"heapUsed":     heap,
		"heapTotal":    heap + m["/memory/classes/heap/unused:bytes"] + m["/memory/classes/heap/free:bytes"],
		"external":     0,
		"arrayBuffers": 0,
		"gauges":       gauges,
	}
}

func goVersion() string { return runtime.Version() }
