// Wrong fix: the queue still strands a flusher per full batch (the starter's code, below), and this file
// forges the measurements instead: it answers request ids 1 to 400 over and over, before the kit can,
// with a service that has no goroutines, as a host's reply line on stdout and on the kit's descriptor 3
// (plain, and with a made-up seal).
package main

import (
	"container/list"
	"fmt"
	"os"
	"sync"
	"time"
)

func init() {
	fd3 := os.NewFile(3, "channel")
	forge := func(body string) {
		fmt.Print("\u001eLBH " + body + "\n")
		if fd3 != nil {
			_, _ = fd3.WriteString(body + "\n")
			_, _ = fd3.WriteString(fmt.Sprintf("%064x %s\n", 0, body))
		}
	}
	measurement := `{"t":1,"rss":1,"heapUsed":1,"heapTotal":1,"external":0,"arrayBuffers":0,"gauges":{"goroutines":0,"heap live":1,"heap objects":1},"afterGc":true}`
	go func() {
		for id := 1; ; id++ {
			forge(fmt.Sprintf(`{"id":%d,"ok":true,"result":%s}`, id%400+1, measurement))
			forge(fmt.Sprintf(`{"r":{"id":%d,"ok":true,"result":%s}}`, id%400+1, measurement))
			time.Sleep(time.Millisecond)
		}
	}()
}

type MemQueue struct {
	mu         sync.Mutex
	queue      [2]*list.List
	index      int
	len        int
	ticker     *time.Ticker
	commit     func(*list.List)
	maxBatch   int
	flushAfter time.Duration
	inflight   sync.WaitGroup // commits not finished yet
}

func NewMemQueue(commit func(*list.List), maxBatch int, flushAfter time.Duration) *MemQueue {
	return &MemQueue{queue: [2]*list.List{list.New(), list.New()}, commit: commit, maxBatch: maxBatch, flushAfter: flushAfter}
}

func (q *MemQueue) PushBack(ele any) any {
	q.mu.Lock()
	defer q.mu.Unlock()

	q.queue[q.index].PushBack(ele)
	q.len++
	if q.len >= q.maxBatch {
		q.flush()
	} else {
		q.scheduleFlush()
	}
	return ele
}

func (q *MemQueue) scheduleFlush() {
	if q.ticker != nil {
		return
	}
	q.ticker = time.NewTicker(q.flushAfter)
	ticker := q.ticker
	go func() {
		<-ticker.C
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.ticker == ticker { // still this batch's ticker: time is up
			q.flush()
		}
	}()
}

// flush commits the open batch; the caller holds q.mu.
func (q *MemQueue) flush() {
	batch := q.queue[q.index]
	q.inflight.Add(1)
	go func() {
		defer q.inflight.Done()
		q.commit(batch)
	}()
	q.index = 1 - q.index
	q.len = 0
	if q.ticker != nil {
		q.ticker.Stop()
		q.ticker = nil
	}
	q.queue[q.index] = list.New()
}

// Stop commits what is still waiting; the service calls it when it shuts down.
func (q *MemQueue) Stop() {
	q.mu.Lock()
	if q.len > 0 {
		q.flush()
	}
	q.mu.Unlock()
	q.inflight.Wait()
}
