package claims

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"
)

// parkOnStoppedTickers starts n goroutines that each wait on their own ticker's channel, as the post's
// flusher did, waits until all of them are about to receive, and stops every ticker. Nothing will ever
// wake them, so only helper tests running in a child process call it.
func parkOnStoppedTickers(n int) []weak.Pointer[time.Ticker] {
	started := make(chan struct{}, n)
	tickers := make([]weak.Pointer[time.Ticker], n)
	for i := range n {
		t := time.NewTicker(time.Hour)
		c := t.C // the goroutine references only the channel, as the post's closure reads q.ticker.C
		go func() {
			started <- struct{}{}
			<-c // parked here for good: the ticker is stopped and Stop does not close the channel
		}()
		<-started
		t.Stop()
		tickers[i] = weak.Make(t)
	}
	return tickers
}

func stackBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A goroutine parked on a stopped ticker's channel stays parked: Stop does not close the channel. The
// goroutine is a GC root, and since Go 1.23 the runtime timer lives with its channel (the Ticker is the
// timer), so the stopped Ticker stays reachable from the parked goroutine too.
func TestParkedGoroutineOnStoppedTicker(t *testing.T) {
	out, ok := runChild(t, "TestHelperParked")
	if !ok {
		t.Fatalf("helper failed:\n%s", out)
	}
	const n = 2000
	present, waiting := parseInts(t, out, "present="), parseInts(t, out, "waiting=")
	stack, collected := parseInts(t, out, "stack="), parseInts(t, out, "collected=")
	t.Logf("%d goroutines parked on stopped tickers, after 2 GCs: %d still present, %d shown as "+
		"[chan receive] in the goroutine profile, %d B of stack each (/memory/classes/heap/stacks:bytes), "+
		"%d of %d stopped tickers collected", n, present, waiting, stack, collected, n)
	if present < n || waiting != n {
		t.Errorf("%d goroutines present, %d in chan receive; want %d of each", present, waiting, n)
	}
	if stack < 2048 || stack > 4096 {
		t.Errorf("stack per parked goroutine is %d B; expected 2 to 4 KiB", stack)
	}
	if collected != 0 {
		t.Errorf("%d stopped tickers were collected while goroutines wait on their channels", collected)
	}
}

func TestHelperParked(t *testing.T) {
	if !isChild("TestHelperParked") {
		t.Skip("runs in a child process started by TestParkedGoroutineOnStoppedTicker")
	}
	const n = 2000
	runtime.GC()
	goroutinesBefore, stacksBefore := runtime.NumGoroutine(), stackBytes()
	tickers := parkOnStoppedTickers(n)
	stack := (stackBytes() - stacksBefore) / n
	runtime.GC()
	runtime.GC()
	time.Sleep(20 * time.Millisecond) // a tick that could still come would come now; none may
	collected := 0
	for _, tk := range tickers {
		if !alive(tk) {
			collected++
		}
	}
	fmt.Printf("present=%d waiting=%d stack=%d collected=%d\n", runtime.NumGoroutine()-goroutinesBefore,
		countWaiting(t, "chan receive", "parkOnStoppedTickers"), stack, collected)
}

// countWaiting counts goroutines whose debug=2 stack shows the wait reason and the function.
func countWaiting(t *testing.T, reason, function string) int {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 2); err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, g := range strings.Split(buf.String(), "\n\n") {
		if strings.Contains(g, "["+reason) && strings.Contains(g, function) {
			count++
		}
	}
	return count
}

// The initial stack of a goroutine is not fixed at 2 KiB: since Go 1.19 (adaptivestackstart, on by
// default) each GC sets the starting size to the average stack use it scanned, and goroutines that reuse
// a descriptor from the free list start with that size. After GCs that scanned deep stacks, new
// goroutines start bigger. Run in a fresh process, with the setting on and off.
func TestInitialStackAdapts(t *testing.T) {
	for _, setting := range []string{"adaptivestackstart=1", "adaptivestackstart=0"} {
		// One P: the descriptors that exit go to the one free list the new goroutines take theirs from.
		out, ok := runChild(t, "TestHelperInitialStack", "GODEBUG="+setting, "GOMAXPROCS=1")
		if !ok {
			t.Fatalf("%s: helper failed:\n%s", setting, out)
		}
		fresh, afterDeep := parseInts(t, out, "fresh="), parseInts(t, out, "afterDeep=")
		starting := parseInts(t, out, "startingSize=")
		t.Logf("GODEBUG=%s: new stack memory per parked goroutine %d B in a fresh process, %d B after GCs that "+
			"scanned 200 goroutines 16 KiB deep (/gc/stack/starting-size:bytes %d)", setting, fresh, afterDeep, starting)
		if fresh < 1024 || fresh > 4096 {
			t.Errorf("%s: new goroutine stack %d B in a fresh process; want 2 to 4 KiB", setting, fresh)
		}
		switch setting {
		case "adaptivestackstart=1":
			if starting < 8192 || afterDeep < 4*fresh {
				t.Errorf("adaptive: starting size %d B, new goroutines %d B; want both well above %d B",
					starting, afterDeep, fresh)
			}
		default:
			if starting != 2048 || afterDeep > fresh {
				t.Errorf("off: starting size %d B, new goroutines %d B; want 2048 B and no bigger stacks",
					starting, afterDeep)
			}
		}
	}
}

func TestHelperInitialStack(t *testing.T) {
	if !isChild("TestHelperInitialStack") {
		t.Skip("runs in a child process started by TestInitialStackAdapts")
	}
	// Stack memory of 500 new goroutines parked on stopped tickers, divided by 500. They never exit, so
	// no stack is freed and reused between the two measurements.
	measure := func() uint64 {
		before := stackBytes()
		parkOnStoppedTickers(500)
		return (stackBytes() - before) / 500
	}
	fresh := measure()
	// Goroutines with deep stacks, alive during a GC: the GC records the average stack size it scanned.
	ready := make(chan struct{}, 200)
	for range 200 {
		go deep(16<<10, ready)
	}
	for range 200 {
		<-ready
	}
	runtime.GC() // records the stack sizes it scans
	runtime.GC() // sets the starting size from what the previous cycle recorded
	s := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(s)
	// The starting size applies to goroutines that reuse a descriptor from the runtime's free list, as
	// they do in a service whose request goroutines come and go: let 500 short-lived ones exit first.
	var wg sync.WaitGroup
	for range 500 {
		wg.Go(func() {})
	}
	wg.Wait()
	fmt.Printf("fresh=%d afterDeep=%d startingSize=%d\n", fresh, measure(), s[0].Value.Uint64())
}

// deep grows its own stack by about n bytes, then parks for good.
func deep(n int, ready chan<- struct{}) {
	var pad [1024]byte
	if n > 0 {
		pad[0] = byte(n)
		deep(n-len(pad), ready)
		runtime.KeepAlive(pad)
		return
	}
	ready <- struct{}{}
	select {}
}

func parseInts(t *testing.T, out, key string) uint64 {
	t.Helper()
	i := strings.Index(out, key)
	if i < 0 {
		t.Fatalf("no %q in helper output:\n%s", key, out)
	}
	f := strings.Fields(out[i+len(key):])[0]
	v, err := strconv.ParseUint(f, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
