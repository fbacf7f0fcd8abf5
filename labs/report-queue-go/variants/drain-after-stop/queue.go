// Wrong: a non-blocking drain of ticker.C after Stop does not wake the goroutine parked on it.
// MemQueue batches reports: a batch is committed when it reaches maxBatch reports, or flushAfter after
// its first report, whichever comes first. This is the queue from the incident.
package main

import (
	"container/list"
	"sync"
	"time"
)

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
		select { // drain a tick that may already be waiting
		case <-q.ticker.C:
		default:
		}
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
