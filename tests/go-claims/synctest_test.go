package claims

import (
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The post's MemQueue, reduced to what the incident needs: a batch leaves at 5,000 reports or when its
// ten-second ticker ticks. leaky is the post's version; fixed gives the waiter a done channel, as the
// chapter's Go corner does.
type memQueue struct {
	mu      sync.Mutex
	batch   []int
	ticker  *time.Ticker
	done    chan struct{}
	leaky   bool
	sent    sync.WaitGroup
	commits chan []int
}

func newQueue(leaky bool) *memQueue { return &memQueue{leaky: leaky, commits: make(chan []int, 100)} }

func (q *memQueue) push(r int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.batch = append(q.batch, r)
	if len(q.batch) >= 5000 {
		q.flush()
	} else {
		q.scheduleFlush()
	}
}

func (q *memQueue) scheduleFlush() {
	if q.ticker != nil {
		return
	}
	ticker, done := time.NewTicker(10*time.Second), make(chan struct{})
	q.ticker, q.done = ticker, done
	go func() {
		if q.leaky {
			<-ticker.C // the post's goroutine: parked here for good once a size flush stops the ticker
		} else {
			select {
			case <-done:
				return
			case <-ticker.C:
			}
		}
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.ticker == ticker {
			q.flush()
		}
	}()
}

func (q *memQueue) flush() {
	if q.ticker != nil {
		q.ticker.Stop()
		if !q.leaky {
			close(q.done)
		}
		q.ticker, q.done = nil, nil
	}
	q.commits <- q.batch
	q.batch = nil
}

// A production burst and a quiet batch, on synctest's fake clock: the burst leaves by size, the quiet
// batch after ten fake seconds. synctest.Test fails if any goroutine started in the bubble is still
// blocked when the test function returns, so the fixed queue passes and the leaky one cannot.
func exerciseQueue(t *testing.T, leaky bool) {
	synctest.Test(t, func(t *testing.T) {
		q := newQueue(leaky)
		for i := range 5000 {
			q.push(i)
		}
		q.push(5000)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if got := []int{len(<-q.commits), len(<-q.commits)}; got[0] != 5000 || got[1] != 1 {
			t.Errorf("batches of %v reports, want [5000 1]", got)
		}
	})
}

func TestSynctestFixedQueue(t *testing.T) { exerciseQueue(t, false) }

// The leaky queue delivers the same batches, so only the stranded goroutine can fail it: run it in a
// child process and expect synctest's report of a goroutine still blocked on the ticker's channel.
func TestSynctestCatchesStrandedGoroutine(t *testing.T) {
	out, ok := runChild(t, "TestHelperLeakyQueue")
	line := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "blocked goroutines remain") || strings.Contains(l, "deadlock") {
			line = strings.TrimSpace(l)
			break
		}
	}
	t.Logf("leaky queue under synctest: passed=%v, report: %q", ok, line)
	if ok || line == "" || !strings.Contains(out, "chan receive") {
		t.Errorf("synctest did not report the stranded goroutine; output:\n%s", out)
	}
}

func TestHelperLeakyQueue(t *testing.T) {
	if !isChild("TestHelperLeakyQueue") {
		t.Skip("runs in a child process started by TestSynctestCatchesStrandedGoroutine")
	}
	exerciseQueue(t, true)
}
