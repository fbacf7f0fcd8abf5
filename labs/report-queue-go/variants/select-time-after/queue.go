// Right: a one-shot time.After instead of a ticker, with a done channel as the waiter's way out.
// MemQueue batches reports: a batch is committed when it reaches maxBatch reports, or flushAfter after
// its first report, whichever comes first.
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
	done       chan struct{} // open while a batch waits for its time; flush closes it
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
	if q.done != nil {
		return
	}
	done := make(chan struct{})
	q.done = done
	go func() {
		select {
		case <-done: // flushed early (full batch, or shutdown)
			return
		case <-time.After(q.flushAfter):
		}
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.done == done { // still this batch: time is up
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
	if q.done != nil {
		close(q.done)
		q.done = nil
	}
	q.queue[q.index] = list.New()
}

// Stop commits what is still waiting and releases the batch's waiter; the service calls it on shutdown.
func (q *MemQueue) Stop() {
	q.mu.Lock()
	if q.len > 0 {
		q.flush()
	}
	q.mu.Unlock()
	q.inflight.Wait()
}
