package claims

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// debug.FreeOSMemory forces a full GC and returns every free page to the OS. With GOGC=100 the heap
// grows to about twice the live heap between collections, so it hands back about half of the process's
// heap memory (the GC headroom, golang/go#41444); the next allocations take it back again, page by page,
// through page faults. Memory that is still reachable is never freed. Run in a child process.
func TestFreeOSMemory(t *testing.T) {
	out, ok := runChild(t, "TestHelperFreeOSMemory", "GOGC=100")
	if !ok {
		t.Fatalf("helper failed:\n%s", out)
	}
	live, before := parseInts(t, out, "live="), parseInts(t, out, "before=")
	after, regrown := parseInts(t, out, "after="), parseInts(t, out, "regrown=")
	rssBefore, rssAfter := parseInts(t, out, "rssBefore="), parseInts(t, out, "rssAfter=")
	rssRegrown := parseInts(t, out, "rssRegrown=")
	faults := parseInts(t, out, "faults=")
	t.Logf("live heap %.0f MiB; heap memory held from the OS (HeapSys-HeapReleased): %.0f MiB before FreeOSMemory, "+
		"%.0f MiB after (%.0f%%), %.0f MiB after the same allocations again; RSS %.0f → %.0f → %.0f MiB; "+
		"%d minor page faults while it grew back", mib(live), mib(before), mib(after), 100*float64(after)/float64(before),
		mib(regrown), mib(rssBefore), mib(rssAfter), mib(rssRegrown), faults)
	if after > before*8/10 || after < live {
		t.Errorf("after FreeOSMemory %d B held, before %d B, live %d B: want a drop towards the live heap", after,
			before, live)
	}
	if regrown < before*7/10 {
		t.Errorf("after the same allocations %d B held, before FreeOSMemory %d B: want it to grow back", regrown, before)
	}
	if faults == 0 {
		t.Errorf("no page faults while the heap grew back into released memory")
	}
}

var liveData [][]byte

func TestHelperFreeOSMemory(t *testing.T) {
	if !isChild("TestHelperFreeOSMemory") {
		t.Skip("runs in a child process started by TestFreeOSMemory")
	}
	held := func() uint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapSys - m.HeapReleased
	}
	churn := func() { // 256 MiB of short-lived 1 MiB buffers, touched so their pages are real
		for range 256 {
			b := make([]byte, 1<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
		}
	}
	for range 32 { // 32 MiB that stays reachable throughout
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		liveData = append(liveData, b)
	}
	churn()
	live := liveHeap()
	churn()
	before, rssBefore := held(), rss(t)
	debug.FreeOSMemory()
	after, rssAfter := held(), rss(t)
	faultsBefore := minorFaults()
	churn()
	regrown, rssRegrown := held(), rss(t)
	fmt.Printf("live=%d before=%d after=%d regrown=%d rssBefore=%d rssAfter=%d rssRegrown=%d faults=%d\n",
		live, before, after, regrown, rssBefore, rssAfter, rssRegrown, minorFaults()-faultsBefore)
	runtime.KeepAlive(liveData)
}

func rss(t *testing.T) uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm on this system")
	}
	pages, _ := strconv.ParseUint(strings.Fields(string(b))[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

func minorFaults() uint64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return uint64(ru.Minflt)
}
