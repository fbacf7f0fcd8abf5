// Command goroutineleak strands goroutines the way the post's MemQueue did and prints the Go 1.26
// goroutineleak profile (build with GOEXPERIMENT=goroutineleakprofile; generally available in Go 1.27).
// goroutineleak_test.go runs it.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

type memQueue struct {
	mu     sync.Mutex
	ticker *time.Ticker
}

// queue is package-level, like the post's; after a size flush its ticker field is nil, so the stopped
// ticker's channel is referenced only by the goroutine parked on it.
var queue memQueue

// stranded is a channel a package variable still references: a goroutine parked on it is not reported,
// because a runnable goroutine could still reach the channel and send.
var stranded = make(chan struct{})

func (q *memQueue) scheduleFlush(started chan<- struct{}) {
	q.ticker = time.NewTicker(10 * time.Second)
	go func() {
		started <- struct{}{}
		<-q.ticker.C
	}()
}

func (q *memQueue) sizeFlush() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ticker.Stop()
	q.ticker = nil
}

func main() {
	started := make(chan struct{})
	for range 20 {
		queue.scheduleFlush(started)
		<-started
		time.Sleep(time.Millisecond) // let the goroutine read q.ticker.C and park
		queue.sizeFlush()
	}
	for range 5 {
		go func() { <-stranded }()
	}
	time.Sleep(20 * time.Millisecond)
	p := pprof.Lookup("goroutineleak")
	if p == nil {
		fmt.Println("no goroutineleak profile: build with GOEXPERIMENT=goroutineleakprofile")
		os.Exit(2)
	}
	var out strings.Builder
	_ = p.WriteTo(&out, 1)
	fmt.Print(out.String())
	fmt.Printf("goroutines=%d\n", runtime.NumGoroutine())
}
