package kit

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime"
	rpprof "runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type host struct {
	ws      string
	started time.Time
	ctx     *Context
	srv     *http.Server
	closeFn func()
	conns   *connCounter
}

// kitGoroutines counts the goroutines the kit itself runs (main included), so the "goroutines" gauge
// shows the lab's own: a goleak-style count that is back to its baseline when nothing is left behind.
var kitGoroutines atomic.Int64

// LabMemProfileRate: a lab's heap holds kilobytes to a few megabytes, where the default rate (one sample
// per 512 KB allocated) leaves a heap profile nearly empty; one per 4 KB shows the lab's allocations.
// pprof scales samples by the rate the profile records, so sizes read the same either way. A lab whose
// requests allocate hundreds of megabytes sets a coarser rate in lab.json (memProfileRate): sampling
// every 4 KB of that costs a fifth of the service's CPU, and a coarser rate still shows what it holds.
const LabMemProfileRate = 4096

func init() {
	kitGoroutines.Store(1)                       // main, parked in Serve
	runtime.MemProfileRate = labMemProfileRate() // set before the lab allocates: the rate applies from then on
}

// labMemProfileRate is lab.json's memProfileRate, or LabMemProfileRate. The supervisor puts lab.json
// back before every start, so it is the lab's, whoever starts the service.
func labMemProfileRate() int {
	ws, _ := os.Getwd()
	var m struct {
		MemProfileRate int `json:"memProfileRate"`
	}
	if b, err := os.ReadFile(filepath.Join(ws, "lab.json")); err == nil && json.Unmarshal(b, &m) == nil && m.MemProfileRate > 0 {
		return m.MemProfileRate
	}
	return LabMemProfileRate
}

func kitGo(f func()) {
	kitGoroutines.Add(1)
	go func() {
		defer kitGoroutines.Add(-1)
		f()
	}()
}

// connCounter: each HTTP/1 connection that is new or idle holds exactly one goroutine of net/http
// (conn.serve, waiting for the next request). Those belong to the client's keep-alive pool, not the lab.
type connCounter struct {
	mu     sync.Mutex
	states map[net.Conn]http.ConnState
	parked int
}

func (c *connCounter) track(conn net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.states == nil {
		c.states = map[net.Conn]http.ConnState{}
	}
	parks := func(s http.ConnState) bool { return s == http.StateNew || s == http.StateIdle }
	if old, ok := c.states[conn]; ok && parks(old) {
		c.parked--
	}
	if s == http.StateClosed || s == http.StateHijacked {
		delete(c.states, conn)
		return
	}
	c.states[conn] = s
	if parks(s) {
		c.parked++
	}
}

func (c *connCounter) idle() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.parked
}

type gaugeSet struct {
	mu    sync.Mutex
	names []string
	reads map[string]func() float64
}

func (g *gaugeSet) set(name string, read func() float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.reads == nil {
		g.reads = map[string]func() float64{}
	}
	if _, ok := g.reads[name]; !ok {
		g.names = append(g.names, name)
	}
	g.reads[name] = read
}

func (g *gaugeSet) read(into map[string]float64) {
	g.mu.Lock()
	names := append([]string(nil), g.names...)
	reads := g.reads
	g.mu.Unlock()
	for _, n := range names {
		func() {
			defer func() { _ = recover() }() // a gauge that panics is skipped for this sample
			into[n] = reads[n]()
		}()
	}
}

// labGoroutines: all goroutines minus the kit's own and the idle keep-alive connections.
func (h *host) labGoroutines() int {
	n := runtime.NumGoroutine() - int(kitGoroutines.Load()) - h.conns.idle() - pprofConns.idle()
	if n < 0 {
		return 0
	}
	return n
}

type request struct {
	ID   int      `json:"id"`
	Op   string   `json:"op"`
	GC   bool     `json:"gc"`
	Cnt  []string `json:"count"`
	File string   `json:"file"`
	Kind string   `json:"kind"`
}

func reply(id int, result any, err error) {
	if err != nil {
		say("r", map[string]any{"id": id, "ok": false, "error": err.Error()})
		return
	}
	say("r", map[string]any{"id": id, "ok": true, "result": result})
}

// readRequests: stdin closing means the supervisor is gone, so the service ends too.
func (h *host) readRequests() {
	sc := stdinScanner // the same reader that took the key line in init
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var req request
		if json.Unmarshal([]byte(line), &req) != nil {
			continue
		}
		switch req.Op {
		case "measure":
			if len(req.Cnt) > 0 {
				reply(req.ID, nil, fmt.Errorf("a Go service cannot count live objects by name; read a gauge or a heap profile"))
				continue
			}
			reply(req.ID, h.measure(req.GC), nil)
		case "profile":
			r, err := h.profile(req.Kind, req.File)
			reply(req.ID, r, err)
		case "snapshot":
			reply(req.ID, nil, fmt.Errorf("a Go service has no heap snapshots; capture a heap profile instead"))
		case "stop":
			reply(req.ID, nil, nil)
			h.stop()
		default:
			reply(req.ID, nil, fmt.Errorf("unknown request %s", req.Op))
		}
	}
	os.Exit(0)
}

func (h *host) measure(gc bool) map[string]any {
	if gc {
		// Two cycles: objects with finalizers, and sync.Pool's victim cache, need a second one.
		runtime.GC()
		runtime.GC()
	}
	m := h.sample(true)
	m["afterGc"] = gc
	return m
}

// profile writes a pprof profile (gzipped protobuf, as `go tool pprof` reads it) inside profiles/.
func (h *host) profile(kind, file string) (map[string]any, error) {
	name := kind
	switch kind {
	case "heap", "allocs", "goroutine":
	default:
		return nil, fmt.Errorf("unknown profile %q (heap, allocs or goroutine)", kind)
	}
	dir := filepath.Join(h.ws, "profiles")
	target, err := filepath.Abs(filepath.Join(h.ws, filepath.FromSlash(file)))
	if err != nil || !strings.HasPrefix(target, dir+string(filepath.Separator)) {
		return nil, fmt.Errorf("profiles are written only under profiles/")
	}
	if kind == "heap" || kind == "allocs" {
		runtime.GC() // the heap profile describes the heap as of the last completed GC
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(target)
	if err != nil {
		return nil, err
	}
	werr := rpprof.Lookup(name).WriteTo(f, 0)
	cerr := f.Close()
	if werr != nil {
		return nil, werr
	}
	if cerr != nil {
		return nil, cerr
	}
	st, err := os.Stat(target)
	if err != nil {
		return nil, err
	}
	return map[string]any{"path": file, "bytes": st.Size(), "kind": kind}, nil
}

var pprofConns = &connCounter{}

// servePprof: net/http/pprof on its own loopback listener, so `go tool pprof` can read the service.
func (h *host) servePprof() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ConnState: pprofConns.track, ReadHeaderTimeout: 10 * time.Second}
	kitGo(func() { _ = srv.Serve(ln) })
	return ln.Addr().(*net.TCPAddr).Port
}
