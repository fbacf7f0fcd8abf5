// The data-reporting service. POST /report takes a JSON array of reports (clients send their reports in
// bundles) and pushes each into the queue, in arrival order. GET /batches shows what the batch endpoint
// has received. Nothing here needs changing: the queue is in queue.go.
package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	kit "leakbook/kit/go"
)

// Send a batch at this many reports, or this long (lab time) after the batch's first report.
const (
	maxBatch      = 5000
	flushAfterLab = 10_000
	maxBodyBytes  = 2 << 20
)

// Report is one reading from a client, numbered on arrival.
type Report struct {
	Seq        int64
	Source     string
	Kind       string
	Value      float64
	ReceivedAt float64 // lab ms
}

func main() {
	kit.Serve(func(ctx *kit.Context) (http.Handler, func()) {
		start := time.Now()
		labNow := func() float64 { return float64(time.Since(start).Microseconds()) / 1000 / ctx.TimeScale }
		sink := NewSink(labNow, filepath.Join(ctx.Dir, "sink"))
		q := NewMemQueue(sink.Commit, maxBatch, ctx.Ms(flushAfterLab))
		ctx.Gauge("batches delivered", func() float64 { return float64(sink.Batches()) })

		var mu sync.Mutex // numbers reports in arrival order
		var received int64
		r := gin.New()
		r.GET("/batches", func(c *gin.Context) {
			mu.Lock()
			n := received
			mu.Unlock()
			st := sink.State()
			st["received"] = n
			st["waiting"] = n - st["delivered"].(int64)
			st["now"] = int64(labNow())
			c.JSON(http.StatusOK, st)
		})
		r.POST("/report", func(c *gin.Context) {
			var items []struct {
				Source string  `json:"source"`
				Kind   string  `json:"kind"`
				Value  float64 `json:"value"`
			}
			body := http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
			if err := json.NewDecoder(body).Decode(&items); err != nil {
				c.JSON(http.StatusBadRequest, gin.H{"error": "the body must be a JSON array of reports"})
				return
			}
			mu.Lock()
			at := labNow()
			for _, it := range items {
				q.PushBack(&Report{Seq: received, Source: it.Source, Kind: it.Kind, Value: it.Value, ReceivedAt: at})
				received++
			}
			mu.Unlock()
			c.JSON(http.StatusAccepted, gin.H{"accepted": len(items)})
		})
		return r, q.Stop
	})
}
