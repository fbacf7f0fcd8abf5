// profgen writes real pprof profiles with known contents for tests/pprof: heap, allocs and goroutine
// profiles before ("1") and after ("2") a change the tests know exactly.
//
//	go run . <dir>
package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

var (
	kept   [][]byte // retained for good
	temp   [][]byte // retained in the first profile only
	sink   []byte   // defeats escape analysis for churn
	parked = make(chan struct{})
)

//go:noinline
func retain(n, size int) {
	for i := 0; i < n; i++ {
		kept = append(kept, make([]byte, size))
	}
}

//go:noinline
func holdTemporarily(n, size int) {
	for i := 0; i < n; i++ {
		temp = append(temp, make([]byte, size))
	}
}

//go:noinline
func churn(n, size int) {
	for i := 0; i < n; i++ {
		sink = make([]byte, size)
	}
}

//go:noinline
func parkOnChannel(started chan<- struct{}) {
	started <- struct{}{}
	<-parked
}

//go:noinline
func parkInSelect(started chan<- struct{}, done <-chan struct{}) {
	started <- struct{}{}
	select {
	case <-parked:
	case <-done:
	}
}

func write(dir, kind, name string) {
	runtime.GC() // the heap profile is published at the end of a GC cycle
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup(kind).WriteTo(f, 0); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

func main() {
	runtime.MemProfileRate = 1 // every allocation sampled: the tests' numbers are exact
	dir := os.Args[1]
	started := make(chan struct{})
	done := make(chan struct{})
	retain(100, 4096)
	holdTemporarily(50, 8192)
	for i := 0; i < 3; i++ {
		go parkOnChannel(started)
		<-started
	}
	for i := 0; i < 2; i++ {
		go parkInSelect(started, done)
		<-started
	}
	write(dir, "heap", "heap-1.pb.gz")
	write(dir, "goroutine", "goroutine-1.pb.gz")

	temp = nil
	retain(300, 4096)
	churn(1000, 1024)
	close(done) // the two goroutines in select leave
	for i := 0; i < 5; i++ {
		go parkOnChannel(started)
		<-started
	}
	runtime.Gosched()
	write(dir, "heap", "heap-2.pb.gz")
	write(dir, "allocs", "allocs-2.pb.gz")
	write(dir, "goroutine", "goroutine-2.pb.gz")
}
