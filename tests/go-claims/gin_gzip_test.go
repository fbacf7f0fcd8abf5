package claims

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"weak"

	"github.com/gin-contrib/cors"
	"github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

const origin = "https://dash.example.com"

func init() { gin.SetMode(gin.TestMode) }

// writeErrors records every error the response writer returns. gin-contrib/gzip drops what Close
// returns (`_ = gz.Close()`), so the test registers this outermost to see the error the post saw.
type writeErrors struct {
	mu   sync.Mutex
	errs []error
}

func (w *writeErrors) middleware(c *gin.Context) {
	c.Writer = &recordingWriter{ResponseWriter: c.Writer, record: w}
	c.Next()
}

func (w *writeErrors) take() []error {
	w.mu.Lock()
	defer w.mu.Unlock()
	errs := w.errs
	w.errs = nil
	return errs
}

type recordingWriter struct {
	gin.ResponseWriter
	record *writeErrors
}

func (r *recordingWriter) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	if err != nil {
		r.record.mu.Lock()
		r.record.errs = append(r.record.errs, err)
		r.record.mu.Unlock()
	}
	return n, err
}

func corsMiddleware(preflightStatus int) gin.HandlerFunc {
	return cors.New(cors.Config{
		AllowOrigins:              []string{origin},
		AllowMethods:              []string{"GET", "POST"},
		AllowHeaders:              []string{"Content-Type"},
		OptionsResponseStatusCode: preflightStatus,
	})
}

// service builds the reporting service in one of the two orders, on a real net/http server: only
// net/http's response writer refuses a body on 204 (httptest.ResponseRecorder would accept it).
func service(t *testing.T, gzipFirst bool, preflightStatus int) (*httptest.Server, *writeErrors) {
	rec := &writeErrors{}
	r := gin.New()
	r.Use(rec.middleware)
	if gzipFirst {
		r.Use(gzip.Gzip(gzip.DefaultCompression), corsMiddleware(preflightStatus))
	} else {
		r.Use(corsMiddleware(preflightStatus), gzip.Gzip(gzip.DefaultCompression))
	}
	r.POST("/report", func(c *gin.Context) { c.String(http.StatusOK, "stored") })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv, rec
}

func preflight(t *testing.T, client *http.Client, url string) (*http.Response, []byte) {
	req, _ := http.NewRequest(http.MethodOptions, url+"/report", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "Content-Type")
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	return res, body
}

// The post's order: gzip before cors. Every preflight ends with cors's 204, and the gzip header that
// Close writes comes back from net/http as ErrBodyNotAllowed. No compressor is allocated for it.
func TestPreflightGzipBeforeCORS(t *testing.T) {
	const n = 200
	srv, rec := service(t, true, http.StatusNoContent)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	preflight(t, client, srv.URL) // warm up connection and pools
	rec.take()

	perPreflight := allocatedBy(n, func() {
		res, body := preflight(t, client, srv.URL)
		if res.StatusCode != http.StatusNoContent || len(body) != 0 {
			t.Fatalf("preflight: status %d, %d body bytes; want 204 and no body", res.StatusCode, len(body))
		}
	})
	errs := rec.take()
	bodyNotAllowed := 0
	for _, err := range errs {
		if errors.Is(err, http.ErrBodyNotAllowed) {
			bodyNotAllowed++
		}
	}
	if len(errs) > 0 {
		t.Logf("gzip before cors: %d preflights, %d write errors, the first: %q", n, len(errs), errs[0])
	}
	if bodyNotAllowed != n {
		t.Errorf("%d of %d preflights failed with ErrBodyNotAllowed; want all", bodyNotAllowed, n)
	}
	corsFirst, _ := service(t, false, http.StatusNoContent)
	preflight(t, client, corsFirst.URL)
	baseline := allocatedBy(n, func() { preflight(t, client, corsFirst.URL) })
	t.Logf("allocated per preflight, client and server together: gzip first %d B, cors first %d B",
		perPreflight, baseline)
	// A compressor at this level is about 800 KB; the difference must be far below that.
	if perPreflight > baseline+32<<10 {
		t.Errorf("gzip-first preflights allocate %d B more each than cors-first; a compressor is being created",
			perPreflight-baseline)
	}
}

// The fix: cors first. Preflights end before any gzip writer is taken: no error, no gzip headers.
func TestPreflightCORSBeforeGzip(t *testing.T) {
	srv, rec := service(t, false, http.StatusNoContent)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for range 50 {
		res, body := preflight(t, client, srv.URL)
		if res.StatusCode != http.StatusNoContent || len(body) != 0 || res.Header.Get("Content-Encoding") != "" {
			t.Fatalf("preflight: status %d, %d body bytes, Content-Encoding %q", res.StatusCode, len(body),
				res.Header.Get("Content-Encoding"))
		}
	}
	if errs := rec.take(); len(errs) != 0 {
		t.Errorf("cors before gzip: %d write errors, first %v", len(errs), errs[0])
	}
}

// With the status cors used before 2018 (200), the same wrong order raises no error at all: every
// preflight simply carries an empty gzip member.
func TestPreflight200CarriesEmptyGzipBody(t *testing.T) {
	srv, rec := service(t, true, http.StatusOK)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, body := preflight(t, client, srv.URL)
	t.Logf("gzip before cors, 200 preflight: %d body bytes, Content-Encoding %q", len(body),
		res.Header.Get("Content-Encoding"))
	if res.StatusCode != http.StatusOK || len(body) != 23 || res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("status %d, %d bytes, encoding %q; want 200 with a 23-byte gzip body", res.StatusCode, len(body),
			res.Header.Get("Content-Encoding"))
	}
	if errs := rec.take(); len(errs) != 0 {
		t.Errorf("unexpected write errors: %v", errs)
	}
}

// What a pooled writer keeps after a request, with the pinned gin-contrib/gzip. Since PR #102 (v1.2.2)
// the writer goes back to the pool still pointing at c.Writer, which lives inside the gin.Context, so the
// context and everything in it (here an 8 MiB value in c.Keys) stay reachable until the pool drops the
// writer: sync.Pool keeps it through one GC (the victim cache) and lets it go at the second. Error
// responses (status >= 400) are reset to io.Discard first and retain nothing.
func TestPooledWriterRetainsContext(t *testing.T) {
	cases := []struct {
		name          string
		withGzip      bool
		status        int
		aliveAfterGC1 bool
		aliveAfterGC2 bool
	}{
		{"gzip, 200 response", true, http.StatusOK, true, false},
		{"gzip, 500 response", true, http.StatusInternalServerError, false, false},
		{"no gzip, 200 response", false, http.StatusOK, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := gin.New()
			if tc.withGzip {
				r.Use(gzip.Gzip(gzip.DefaultCompression))
			}
			r.GET("/stats", func(c *gin.Context) {
				c.Set("payload", &payload{make([]byte, 8<<20)})
				c.String(tc.status, "some stats")
			})
			payload := serveOnce(r)
			runtime.GC()
			gc1 := alive(payload)
			runtime.GC()
			gc2 := alive(payload)
			t.Logf("%s: request's 8 MiB value alive after one GC: %v, after two: %v", tc.name, gc1, gc2)
			if gc1 != tc.aliveAfterGC1 || gc2 != tc.aliveAfterGC2 {
				t.Errorf("alive after GC 1/2: %v/%v, want %v/%v", gc1, gc2, tc.aliveAfterGC1, tc.aliveAfterGC2)
			}
			runtime.KeepAlive(r)
		})
	}
}

// serveOnce runs one request through r on a context of its own (not from gin's context pool, which
// would keep it for reasons of its own) and returns a weak pointer to the value the handler stored.
type payload struct{ b []byte }

func serveOnce(r *gin.Engine) weak.Pointer[payload] {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/stats", nil)
	c.Request.Header.Set("Accept-Encoding", "gzip")
	r.HandleContext(c)
	v, _ := c.Get("payload")
	return weak.Make(v.(*payload))
}

// alive reports whether p's object still exists. It is not inlined, so the strong pointer Value returns
// dies with this call instead of lingering in the caller's frame across the next collection.
//
//go:noinline
func alive[T any](p weak.Pointer[T]) bool { return p.Value() != nil }
