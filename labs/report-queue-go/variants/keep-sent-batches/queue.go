// Wrong fix: the reference queue, but it keeps every batch it committed (for a retry that never comes):
// no goroutine is left parked, and the heap grows by every report, round after round.
// MemQueue batches reports: a batch is committed when it reaches maxBatch reports, or flushAfter after
// its first report, whichever comes first.
//
// Each timed batch gets a done channel next to its ticker. flush() closes it, so the goroutine waiting
// for that batch's tick always has a way out: Ticker.Stop never closes ticker.C, and a goroutine parked
// on a channel nobody will send on is never collected.
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
	done       chan struct{} // closed when the batch the ticker times is flushed
	commit     func(*list.List)
	maxBatch   int
	flushAfter time.Duration
	inflight   sync.WaitGroup // commits not finished yet
	sent       []*list.List   // wrong fix: every committed batch, "for a retry", never dropped
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
	q.done = make(chan struct{})
	ticker, done := q.ticker, q.done
	go func() {
		select {
		case <-done: // flushed early (full batch, or shutdown)
			return
		case <-ticker.C:
		}
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.ticker == ticker {
			q.flush()
		}
	}()
}

// flush commits the open batch; the caller holds q.mu.
func (q *MemQueue) flush() {
	batch := q.queue[q.index]
	q.sent = append(q.sent, batch)
	q.inflight.Add(1)
	go func() {
		defer q.inflight.Done()
		q.commit(batch)
	}()
	q.index = 1 - q.index
	q.len = 0
	if q.ticker != nil {
		q.ticker.Stop()
		close(q.done)
		q.ticker, q.done = nil, nil
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
