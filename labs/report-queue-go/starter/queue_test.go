// Tests of the queue on a fake clock (testing/synctest): the timer path and the size path, every report
// committed exactly once, and no goroutine left behind. synctest.Test itself fails when a goroutine of
// the bubble is still blocked at the end: that is the leak of the incident, seen in ten seconds of
// fake time. goleak checks the same on the real clock.
package main

import (
	"container/list"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

type recorder struct {
	mu      sync.Mutex
	batches []int
	seen    map[int]int
	at      []time.Duration
	start   time.Time
}

func newRecorder() *recorder { return &recorder{seen: map[int]int{}, start: time.Now()} }

func (r *recorder) commit(l *list.List) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, l.Len())
	r.at = append(r.at, time.Since(r.start))
	for e := l.Front(); e != nil; e = e.Next() {
		r.seen[e.Value.(int)]++
	}
}

func (r *recorder) check(t *testing.T, pushed int) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := 0; i < pushed; i++ {
		if r.seen[i] != 1 {
			t.Fatalf("report %d was committed %d times, want once (batches %v)", i, r.seen[i], r.batches)
		}
	}
}

func TestTimedBatchLeavesAfterTenSeconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		q := NewMemQueue(r.commit, 5, 10*time.Second)
		for i := 0; i < 3; i++ {
			q.PushBack(i)
		}
		time.Sleep(9 * time.Second)
		synctest.Wait()
		if len(r.batches) != 0 {
			t.Fatalf("a batch of 3 left after 9 s; it should wait 10 s")
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if len(r.batches) != 1 || r.at[0] != 10*time.Second {
			t.Fatalf("batches %v at %v, want one batch of 3 at 10s", r.batches, r.at)
		}
		// a queue may keep a goroutine of its own until it is stopped (a worker with its own timer)
		q.Stop()
		r.check(t, 3)
	})
}

func TestFullBatchesLeaveNoGoroutineBehind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		q := NewMemQueue(r.commit, 5, 10*time.Second)
		for i := 0; i < 12; i++ { // two full batches, then two reports on the timer
			q.PushBack(i)
		}
		time.Sleep(11 * time.Second)
		synctest.Wait()
		r.check(t, 12)
		if len(r.batches) != 3 || r.batches[0] != 5 || r.batches[1] != 5 || r.batches[2] != 2 {
			t.Fatalf("batches %v, want [5 5 2]", r.batches)
		}
		q.Stop()
		// returning with a goroutine still blocked on a stopped ticker fails the test: "blocked goroutines remain"
	})
}

func TestShutdownCommitsTheOpenBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecorder()
		q := NewMemQueue(r.commit, 5, 10*time.Second)
		for i := 0; i < 3; i++ {
			q.PushBack(i)
		}
		q.Stop()
		r.check(t, 3)
		time.Sleep(time.Minute)
		synctest.Wait()
		if len(r.batches) != 1 {
			t.Fatalf("batches %v after shutdown, want the open batch once", r.batches)
		}
	})
}

func TestNoGoroutineLeakOnTheRealClock(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := newRecorder()
	q := NewMemQueue(r.commit, 100, 20*time.Millisecond)
	for i := 0; i < 1050; i++ { // ten full batches and a timed one
		q.PushBack(i)
	}
	time.Sleep(100 * time.Millisecond)
	q.Stop()
	r.check(t, 1050)
}
