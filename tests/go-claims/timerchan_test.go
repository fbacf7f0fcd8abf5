package claims

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Go 1.23 made timer channels synchronous (cap 0; no stale tick after Stop or Reset) for modules whose
// go.mod says go 1.23 or later, and GODEBUG=asynctimerchan=1 brought the old buffered channels back.
// Go 1.27 removed the setting: channels created by package time are always synchronous. The test
// asserts whichever applies to the toolchain running it (go.mod says go 1.26, so the module itself
// never turns the old behaviour on).
func TestAsyncTimerChan(t *testing.T) {
	settingRemoved := goMinor(t) >= 27
	for _, godebug := range []string{"", "asynctimerchan=1"} {
		out, ok := runChild(t, "TestHelperTimerChan", "GODEBUG="+godebug)
		if !ok {
			t.Fatalf("GODEBUG=%q: helper failed:\n%s", godebug, out)
		}
		capacity, stale := parseInts(t, out, "cap="), parseInts(t, out, "staleAfterStop=")
		t.Logf("%s, GODEBUG=%q: cap(ticker.C) = %d, stale tick received after Stop: %v",
			runtime.Version(), godebug, capacity, stale == 1)
		wantAsync := godebug != "" && !settingRemoved
		if wantAsync && (capacity != 1 || stale != 1) {
			t.Errorf("asynctimerchan=1 before Go 1.27: want the buffered channel and a stale tick, got cap %d, stale %d",
				capacity, stale)
		}
		if !wantAsync && (capacity != 0 || stale != 0) {
			t.Errorf("synchronous timer channels: want cap 0 and no stale tick, got cap %d, stale %d", capacity, stale)
		}
	}
}

func TestHelperTimerChan(t *testing.T) {
	if !isChild("TestHelperTimerChan") {
		t.Skip("runs in a child process started by TestAsyncTimerChan")
	}
	tk := time.NewTicker(time.Millisecond)
	capacity := cap(tk.C)
	if capacity == 1 {
		// Buffered channel: wait until the runtime has put a tick in it.
		for len(tk.C) == 0 {
			time.Sleep(time.Millisecond)
		}
	} else {
		time.Sleep(20 * time.Millisecond) // many tick times pass; a synchronous channel holds none
	}
	tk.Stop()
	stale := 0
	select {
	case <-tk.C:
		stale = 1
	default:
	}
	fmt.Printf("cap=%d staleAfterStop=%d\n", capacity, stale)
}

// goMinor returns the minor version of the running toolchain, 26 for go1.26.8.
func goMinor(t *testing.T) int {
	var minor int
	if _, err := fmt.Sscanf(strings.TrimPrefix(runtime.Version(), "go1."), "%d", &minor); err != nil {
		t.Skipf("cannot read the Go version from %q", runtime.Version())
	}
	return minor
}
