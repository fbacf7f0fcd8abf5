// Package kit is the Go side of the Leakbook lab kit: the service host for Go labs. It speaks as
// kit/host.ts does: requests from the supervisor as JSON lines on stdin (contracts/host-protocol.ts),
// events and replies sealed on descriptor 3 (channel.go). A lab's main calls Serve.
package kit

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Context is given to a lab's factory.
type Context struct {
	// TimeScale is real ms per lab ms (lab.json timeScale, or LEAKBOOK_TIME_SCALE).
	TimeScale float64
	// Dir is the workspace root; FixturesDir its fixtures folder.
	Dir         string
	FixturesDir string
	gauges      *gaugeSet
}

// Gauge registers a lab gauge shown on the memory chart and readable by checks.
func (c *Context) Gauge(name string, read func() float64) { c.gauges.set(name, read) }

// Ms converts lab time to real time: c.Ms(10_000) is "10 s" scaled by the lab's timeScale.
func (c *Context) Ms(labMs float64) time.Duration {
	d := time.Duration(labMs * c.TimeScale * float64(time.Millisecond))
	if d < time.Millisecond {
		return time.Millisecond
	}
	return d
}

// Factory builds the lab's service: its HTTP handler, and a close function (may be nil) that runs on a
// graceful stop after the server stopped taking requests, to flush what must not be lost.
type Factory func(ctx *Context) (http.Handler, func())

func emit(ev map[string]any) { say("e", ev) }

func die(what string, err error) {
	msg := fmt.Sprintf("%s: %v", what, err)
	emit(map[string]any{"type": "error", "message": msg})
	fmt.Fprintf(os.Stderr, "[lab] %s\n", msg)
	os.Exit(1)
}

// Serve runs the lab's service until the supervisor stops it or goes away; it never returns.
func Serve(factory Factory) {
	started := time.Now()
	ws, _ := os.Getwd()
	scale := envFloat("LEAKBOOK_TIME_SCALE", labTimeScale(ws))
	limitMb := envFloat("LEAKBOOK_MEMORY_LIMIT_MB", 0)
	every := time.Duration(envFloat("LEAKBOOK_METRICS_MS", 250)) * time.Millisecond
	ctx := &Context{TimeScale: scale, Dir: ws, FixturesDir: filepath.Join(ws, "fixtures"), gauges: &gaugeSet{}}
	h := &host{ws: ws, started: started, ctx: ctx, conns: &connCounter{}}

	kitGo(h.readRequests)
	say("r", map[string]any{"id": 0, "ok": true, "result": "loading-lab"})

	handler, closeFn := factory(ctx)
	if handler == nil {
		die("Could not start the service", fmt.Errorf("the factory returned no http.Handler"))
	}
	h.closeFn = closeFn
	h.srv = &http.Server{Handler: handler, ConnState: h.conns.track, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		die("The service could not listen", err)
	}
	kitGo(func() {
		if err := h.srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			die("The service stopped serving", err)
		}
	})
	pprofPort := h.servePprof()

	caps := map[string]any{
		"runtime": "go", "language": "go", "nodeVersion": "", "goVersion": goVersion(),
		"memoryUsage": true, "heapSnapshot": false, "queryObjects": false, "gc": true,
		"heapLimitMb": nil, "asyncHooks": false, "asyncLocalStorage": false,
		"goroutines": true, "pprof": pprofPort > 0, "allocationSampling": false,
	}
	if limitMb > 0 {
		caps["memoryLimitMb"] = limitMb
	}
	restarts, _ := strconv.Atoi(os.Getenv("LEAKBOOK_RESTARTS"))
	ready := map[string]any{
		"type": "ready", "port": ln.Addr().(*net.TCPAddr).Port, "caps": caps, "restarts": restarts, "pid": os.Getpid(),
	}
	if pprofPort > 0 {
		ready["pprofPort"] = pprofPort
	}
	emit(ready)
	kitGo(func() {
		t := time.NewTicker(every)
		for range t.C {
			ev := h.sample(false)
			ev["type"] = "metrics"
			emit(ev)
		}
	})
	select {} // the stdin reader or a stop request ends the process
}

// stop: no new requests, finish those in flight, then the lab's close (flush), then exit.
func (h *host) stop() {
	timer := time.AfterFunc(2*time.Second, func() { os.Exit(0) })
	sctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	_ = h.srv.Shutdown(sctx)
	cancel()
	if h.closeFn != nil {
		h.closeFn()
	}
	timer.Stop()
	channelMu.Lock() // no half-written line after us
	os.Exit(0)
}

func envFloat(name string, fallback float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return v
	}
	return fallback
}

func labTimeScale(ws string) float64 {
	var m struct {
		TimeScale float64 `json:"timeScale"`
	}
	if b, err := os.ReadFile(filepath.Join(ws, "lab.json")); err == nil && json.Unmarshal(b, &m) == nil && m.TimeScale > 0 {
		return m.TimeScale
	}
	return 1
}
