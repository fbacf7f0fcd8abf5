// The batch endpoint the queue delivers to. It keeps no reports: for every batch it records a summary
// (size, first and last sequence number, when its first report arrived, when it was delivered) and
// appends it to a ledger file, so deliveries made while the service shuts down are on record too.
package main

import (
	"container/list"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

type BatchSummary struct {
	N           int64 `json:"n"`
	Size        int64 `json:"size"`
	First       int64 `json:"first"`
	Last        int64 `json:"last"`
	FirstAt     int64 `json:"firstAt"`
	DeliveredAt int64 `json:"deliveredAt"`
}

type Sink struct {
	mu        sync.Mutex
	now       func() float64
	ledger    *os.File
	path      string
	batches   int64
	delivered int64
	largest   int64
}

func NewSink(now func() float64, dir string) *Sink {
	_ = os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, fmt.Sprintf("batches-%d-%d.ndjson", os.Getpid(), time.Now().UnixNano()))
	f, err := os.Create(p)
	if err != nil {
		panic(err)
	}
	return &Sink{now: now, ledger: f, path: p}
}

// Commit delivers one batch (a list of *Report). Safe to call from many goroutines.
func (s *Sink) Commit(batch *list.List) {
	if batch == nil || batch.Len() == 0 {
		return
	}
	first := batch.Front().Value.(*Report)
	last := batch.Back().Value.(*Report)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches++
	size := int64(batch.Len())
	s.delivered += size
	s.largest = max(s.largest, size)
	sum := BatchSummary{N: s.batches, Size: size, First: first.Seq, Last: last.Seq, FirstAt: int64(first.ReceivedAt), DeliveredAt: int64(s.now())}
	line, _ := json.Marshal(sum)
	_, _ = s.ledger.Write(append(line, '\n'))
}

func (s *Sink) Batches() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batches
}

func (s *Sink) State() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]any{"delivered": s.delivered, "batches": s.batches, "largest": s.largest, "ledger": s.path}
}
