package claims

import (
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"testing"
)

// liveHeap collects twice and returns the bytes of live heap objects as of that collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// allocatedBy returns the bytes f allocates per call, averaged over n calls. The test goroutine is the
// only one allocating, so the cumulative TotalAlloc counter is a faithful measure.
func allocatedBy(n int, f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(n)
}

// childEnv names the test a re-executed test binary should act as; see runChild.
const childEnv = "LEAKBOOK_GO_CLAIMS_CHILD"

// isChild reports whether this process was started by runChild to run the named helper.
func isChild(name string) bool { return os.Getenv(childEnv) == name }

// runChild re-runs this test binary for one helper test in a fresh process, with extra environment
// (such as GODEBUG), and returns its combined output and whether it passed. A fresh process gives the
// helper a heap, a GODEBUG and a goroutine set of its own.
func runChild(t *testing.T, name string, env ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v")
	cmd.Env = append(append(os.Environ(), childEnv+"="+name), env...)
	out, err := cmd.CombinedOutput()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatalf("running %s: %v", name, err)
	}
	return string(out), err == nil
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
func kib(b uint64) float64 { return float64(b) / (1 << 10) }
