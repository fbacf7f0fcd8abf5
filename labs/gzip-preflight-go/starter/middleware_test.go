// Real Gin, real gin-contrib/gzip and gin-contrib/cors, a real net/http server: the order of the two
// middlewares decides whether a preflight makes net/http refuse a write.
package main

import (
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

func preflight(t *testing.T, url string, acceptGzip bool) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, url+"/api/cart", nil)
	req.Header.Set("Origin", "https://shop.example")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	if acceptGzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// engine with the watch and the given middleware order
func engineWith(watch *writeWatch, use func(r *gin.Engine)) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(watch.middleware)
	use(r)
	r.PUT("/api/cart", func(c *gin.Context) { c.Status(http.StatusOK) })
	return r
}

func TestGzipBeforeCorsFailsEveryPreflight(t *testing.T) {
	watch := &writeWatch{}
	srv := httptest.NewServer(engineWith(watch, func(r *gin.Engine) {
		r.Use(ginzip.Gzip(gzip.DefaultCompression))
		r.Use(cors.New(corsConfig()))
	}))
	defer srv.Close()
	for i := 0; i < 10; i++ {
		if res := preflight(t, srv.URL, true); res.StatusCode != http.StatusNoContent {
			t.Fatalf("preflight answered %d, want 204", res.StatusCode)
		}
	}
	if got := watch.failed.Load(); got != 10 {
		t.Fatalf("%d failed writes for 10 preflights, want 10", got)
	}
	if want := "write failed: " + http.ErrBodyNotAllowed.Error(); !strings.Contains(watch.last, want) {
		t.Fatalf("last failure %q, want %q", watch.last, want)
	}
}

func TestCorsBeforeGzipIsClean(t *testing.T) {
	watch := &writeWatch{}
	srv := httptest.NewServer(engineWith(watch, func(r *gin.Engine) {
		r.Use(cors.New(corsConfig()))
		r.Use(ginzip.Gzip(gzip.DefaultCompression))
	}))
	defer srv.Close()
	for i := 0; i < 10; i++ {
		res := preflight(t, srv.URL, true)
		if res.StatusCode != http.StatusNoContent || res.Header.Get("Content-Encoding") != "" {
			t.Fatalf("preflight answered %d with Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
		}
	}
	if got := watch.failed.Load(); got != 0 {
		t.Fatalf("%d failed writes, want none (%s)", got, watch.last)
	}
}

// The lab's own middleware: preflights are clean and cost no more with Accept-Encoding: gzip than without.
func TestLabPreflightsAreCleanAndCheap(t *testing.T) {
	watch := &writeWatch{}
	srv := httptest.NewServer(engineWith(watch, useMiddleware))
	defer srv.Close()
	r := engineWith(&writeWatch{}, useMiddleware)
	allocs := func(acceptGzip bool) float64 {
		return testing.AllocsPerRun(200, func() {
			req := httptest.NewRequest(http.MethodOptions, "/api/cart", nil)
			req.Header.Set("Origin", "https://shop.example")
			req.Header.Set("Access-Control-Request-Method", "PUT")
			if acceptGzip {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			r.ServeHTTP(httptest.NewRecorder(), req)
		})
	}
	plain, zipped := allocs(false), allocs(true)
	t.Logf("allocations per preflight: %.0f without Accept-Encoding, %.0f with gzip", plain, zipped)
	res := preflight(t, srv.URL, true)
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Content-Encoding") != "" || watch.failed.Load() != 0 {
		t.Fatalf("preflight: status %d, Content-Encoding %q, %d failed writes (%s)",
			res.StatusCode, res.Header.Get("Content-Encoding"), watch.failed.Load(), watch.last)
	}
	if zipped > plain+1 {
		t.Fatalf("a preflight with Accept-Encoding: gzip allocates %.0f objects, %.0f more than without", zipped, zipped-plain)
	}
}
