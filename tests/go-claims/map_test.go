package claims

import (
	"fmt"
	"runtime"
	"testing"
)

// The trace-ID map: a map[string][]string of per-request log lines, with every entry deleted at the end
// of its request. delete frees the keys and the lines; the map's table keeps the size of its peak
// number of entries (maps never shrink, golang/go#20135) and is reused by the next peak, so memory
// plateaus instead of climbing. Run in a child process so no other test's garbage blurs the numbers.
func TestMapPlateauAfterDelete(t *testing.T) {
	out, ok := runChild(t, "TestHelperMapPlateau")
	if !ok {
		t.Fatalf("helper failed:\n%s", out)
	}
	const peak = 100_000
	empty, full, afterDelete := parseInts(t, out, "empty="), parseInts(t, out, "full="), parseInts(t, out, "afterDelete=")
	lastCycle, rebuilt := parseInts(t, out, "afterCycle10="), parseInts(t, out, "rebuilt=")
	table := afterDelete - empty
	t.Logf("map[string][]string, %d entries of 3 log lines: live heap %.1f MiB full, %.1f MiB after deleting "+
		"every entry (%.2f MiB kept by the table, %d B per peak entry), %.1f MiB after 10 more fill-and-delete "+
		"cycles, %.2f MiB once copied into a fresh map", peak, mib(full-empty), mib(table), mib(table),
		table/peak, mib(lastCycle-empty), mib(rebuilt-empty))
	// Each entry's key and lines take more than its slot (16 B key header + 24 B slice header), so
	// delete must have freed well over a third of the full map.
	if table > (full-empty)*6/10 {
		t.Errorf("after delete the map keeps %d B of %d B; delete should free keys and values", table, full-empty)
	}
	if perEntry := table / peak; perEntry < 16 || perEntry > 128 {
		t.Errorf("table keeps %d B per peak entry; expected tens of bytes", perEntry)
	}
	if lastCycle > afterDelete+afterDelete/10 {
		t.Errorf("after 10 cycles %d B, after the first %d B: the table should be reused, not grow", lastCycle,
			afterDelete)
	}
	if rebuilt-empty > table/10 {
		t.Errorf("a fresh copy of the empty map still holds %d B", rebuilt-empty)
	}
}

var traceLogs map[string][]string

func TestHelperMapPlateau(t *testing.T) {
	if !isChild("TestHelperMapPlateau") {
		t.Skip("runs in a child process started by TestMapPlateauAfterDelete")
	}
	const peak = 100_000
	fill := func(cycle int) {
		for i := range peak {
			id := fmt.Sprintf("trace-%d-%08d", cycle, i) // trace IDs never repeat
			traceLogs[id] = append(traceLogs[id], "GET /report", "200 OK", fmt.Sprintf("took %d ms", i%97))
		}
	}
	drain := func() {
		for id := range traceLogs {
			delete(traceLogs, id)
		}
	}
	traceLogs = map[string][]string{}
	empty := liveHeap()
	fill(0)
	full := liveHeap()
	drain()
	afterDelete := liveHeap()
	for cycle := 1; cycle <= 10; cycle++ {
		fill(cycle)
		drain()
	}
	afterCycles := liveHeap()
	fresh := make(map[string][]string, len(traceLogs))
	for k, v := range traceLogs {
		fresh[k] = v
	}
	traceLogs = fresh
	rebuilt := liveHeap()
	fmt.Printf("empty=%d full=%d afterDelete=%d afterCycle10=%d rebuilt=%d\n", empty, full, afterDelete,
		afterCycles, rebuilt)
	runtime.KeepAlive(traceLogs)
}
