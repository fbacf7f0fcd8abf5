// Wrong fix: one time.AfterFunc timer, reset on every push (a debounce). No goroutine waits on anything,
// but a batch that does not fill up leaves flushAfter after its LAST report, not its first: a trickle of
// reports a few seconds apart holds it for as long as the trickle lasts.
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
	timer      *time.Timer
	gen        int
	commit     func(*list.List)
	maxBatch   int
	flushAfter time.Duration
	inflight   sync.WaitGroup
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
	if q.timer != nil {
		q.timer.Reset(q.flushAfter) // more reports came: wait for the burst to end
		return
	}
	gen := q.gen
	q.timer = time.AfterFunc(q.flushAfter, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.gen == gen && q.len > 0 {
			q.flush()
		}
	})
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
	q.gen++
	if q.timer != nil {
		q.timer.Stop()
		q.timer = nil
	}
	q.queue[q.index] = list.New()
}

func (q *MemQueue) Stop() {
	q.mu.Lock()
	if q.len > 0 {
		q.flush()
	}
	q.mu.Unlock()
	q.inflight.Wait()
}
