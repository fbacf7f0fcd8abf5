// Wrong: a buffer shared between requests mixes their lines.
// Per-request logs: each request and each job run has a logger of its own, kept in its context (the gin
// Context's keys, which c.Copy() carries to goroutines). Nothing global indexes them, so nothing needs
// deleting: a logger is garbage once its request and the goroutines holding its context are done.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

const loggerKey = "logger"

var (
	upload func(traceID string, lines []string)
	held   atomic.Int64 // lines buffered by live loggers
)

func setUploader(f func(traceID string, lines []string)) { upload = f }

func newTraceID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var shared struct {
	mu    sync.Mutex
	lines []string
}

type logger struct {
	mu    sync.Mutex
	id    string
	lines []string
	done  bool // uploaded: later lines go out at once, in a follow-up upload
}

func (l *logger) add(line string) {
	l.mu.Lock()
	if !l.done {
		shared.mu.Lock()
		shared.lines = append(shared.lines, line)
		shared.mu.Unlock()
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	upload(l.id, []string{line})
}

func (l *logger) finish() {
	l.mu.Lock()
	shared.mu.Lock()
	lines := shared.lines
	shared.lines = nil
	shared.mu.Unlock()
	l.done = true
	l.mu.Unlock()
	upload(l.id, lines)
}

// LoggingMiddleware gives each request a trace ID (the client's X-Trace-Id, or a new one) and a logger,
// and uploads the request's lines when it is done, also when a handler panics (deferred).
func LoggingMiddleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Trace-Id")
		if id == "" {
			id = newTraceID()
		}
		l := &logger{id: id}
		c.Set(loggerKey, l)
		c.Header("X-Trace-Id", id)
		defer l.finish()
		c.Next()
	}
}

// Log appends a line to the logs of the request or job ctx belongs to.
func Log(ctx context.Context, line string) {
	if l, ok := ctx.Value(loggerKey).(*logger); ok {
		l.add(line)
		return
	}
	upload("untraced", []string{line}) // work without a logger: never buffered
}

// StartJob starts the logs of a job that is not a request; call done when the job ends.
func StartJob(traceID string) (context.Context, func()) {
	l := &logger{id: traceID}
	// a string key, as gin.Context.Value looks keys up among the strings of c.Keys
	return context.WithValue(context.Background(), loggerKey, l), l.finish
}

// linesHeld: lines in memory, not uploaded yet.
func linesHeld() int { return int(held.Load()) }
