// Right: a single long-lived flusher with a resettable timer; it exits when the queue stops.
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
	openedAt   time.Time     // when the open batch got its first report
	wake       chan struct{} // a batch opened or was flushed: the flusher recomputes its deadline
	quit       chan struct{}
	exited     chan struct{}
	commit     func(*list.List)
	maxBatch   int
	flushAfter time.Duration
	inflight   sync.WaitGroup
}

func NewMemQueue(commit func(*list.List), maxBatch int, flushAfter time.Duration) *MemQueue {
	q := &MemQueue{
		queue: [2]*list.List{list.New(), list.New()}, commit: commit, maxBatch: maxBatch, flushAfter: flushAfter,
		wake: make(chan struct{}, 1), quit: make(chan struct{}), exited: make(chan struct{}),
	}
	go q.run()
	return q
}

func (q *MemQueue) PushBack(ele any) any {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue[q.index].PushBack(ele)
	q.len++
	if q.len == 1 {
		q.openedAt = time.Now()
		q.poke()
	}
	if q.len >= q.maxBatch {
		q.flush()
	}
	return ele
}

func (q *MemQueue) poke() {
	select {
	case q.wake <- struct{}{}:
	default: // already pending
	}
}

func (q *MemQueue) run() {
	defer close(q.exited)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		q.mu.Lock()
		open, due := q.len > 0, q.openedAt.Add(q.flushAfter)
		q.mu.Unlock()
		var fire <-chan time.Time
		if open {
			timer.Reset(time.Until(due))
			fire = timer.C
		}
		select {
		case <-q.quit:
			timer.Stop()
			return
		case <-q.wake:
			timer.Stop()
		case <-fire:
			q.mu.Lock()
			if q.len > 0 && !time.Now().Before(q.openedAt.Add(q.flushAfter)) {
				q.flush()
			}
			q.mu.Unlock()
		}
	}
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
	q.queue[q.index] = list.New()
	q.poke()
}

// Stop commits what is still waiting and ends the flusher; the service calls it on shutdown.
func (q *MemQueue) Stop() {
	q.mu.Lock()
	if q.len > 0 {
		q.flush()
	}
	q.mu.Unlock()
	close(q.quit)
	<-q.exited
	q.inflight.Wait()
}
