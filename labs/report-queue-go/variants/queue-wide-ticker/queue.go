// Right fix (another design): a batch is committed when it reaches maxBatch reports, or at the next tick
// of the queue's flush ticker, so a partly filled batch leaves up to 10 s after its first report. One ticker and one goroutine for the whole queue, started with it and ended by
// Stop: nothing is created per batch, so nothing can be left parked.
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
	commit     func(*list.List)
	maxBatch   int
	flushAfter time.Duration
	inflight   sync.WaitGroup
	quit       chan struct{}
	stopped    chan struct{}
	once       sync.Once
}

func NewMemQueue(commit func(*list.List), maxBatch int, flushAfter time.Duration) *MemQueue {
	q := &MemQueue{queue: [2]*list.List{list.New(), list.New()}, commit: commit, maxBatch: maxBatch, flushAfter: flushAfter,
		quit: make(chan struct{}), stopped: make(chan struct{})}
	go q.loop()
	return q
}

func (q *MemQueue) loop() {
	defer close(q.stopped)
	t := time.NewTicker(q.flushAfter)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			q.mu.Lock()
			if q.len > 0 {
				q.flush()
			}
			q.mu.Unlock()
		case <-q.quit:
			return
		}
	}
}

func (q *MemQueue) PushBack(ele any) any {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue[q.index].PushBack(ele)
	q.len++
	if q.len >= q.maxBatch {
		q.flush()
	}
	return ele
}

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
}

func (q *MemQueue) Stop() {
	q.once.Do(func() { close(q.quit) })
	<-q.stopped
	q.mu.Lock()
	if q.len > 0 {
		q.flush()
	}
	q.mu.Unlock()
	q.inflight.Wait()
}
