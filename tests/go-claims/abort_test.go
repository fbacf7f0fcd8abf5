package claims

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
)

// The trace-ID map's cleanup and gin's Abort. c.Abort() does not unwind anything: it only stops the
// handlers after the current one. A middleware registered after the log middleware that aborts lets
// c.Next() return, so the log middleware's cleanup runs either way. One registered before it (an auth
// check that logs its refusal) stops the chain before the log middleware ever runs, so no defer inside
// the log middleware can help: the line it logged stays in the map. Registering the log middleware
// outermost, with its delete deferred, covers abort and panic alike.
type logIndex struct {
	mu    sync.Mutex
	lines map[string][]string
}

func (l *logIndex) log(id, line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines[id] = append(l.lines[id], line)
}

func (l *logIndex) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

func (l *logIndex) saveLogs(c *gin.Context) {
	id := c.GetHeader("X-Trace-Id")
	defer func() {
		l.mu.Lock()
		delete(l.lines, id)
		l.mu.Unlock()
	}()
	c.Next()
}

// saveLogsAfterNext is the post's shape: the delete after c.Next() is skipped when a handler panics.
func (l *logIndex) saveLogsAfterNext(c *gin.Context) {
	id := c.GetHeader("X-Trace-Id")
	c.Next()
	l.mu.Lock()
	delete(l.lines, id)
	l.mu.Unlock()
}

func quietRecovery() gin.HandlerFunc { return gin.RecoveryWithWriter(io.Discard) }

func (l *logIndex) auth(c *gin.Context) {
	if c.GetHeader("Authorization") == "" {
		l.log(c.GetHeader("X-Trace-Id"), "refused: no credentials")
		c.AbortWithStatus(http.StatusUnauthorized)
	}
}

func TestAbortAndLogCleanup(t *testing.T) {
	type chain func(l *logIndex) []gin.HandlerFunc
	authFirst := func(l *logIndex) []gin.HandlerFunc { return []gin.HandlerFunc{l.auth, l.saveLogs} }
	logFirst := func(l *logIndex) []gin.HandlerFunc { return []gin.HandlerFunc{l.saveLogs, l.auth} }
	deferred := func(l *logIndex) []gin.HandlerFunc { return []gin.HandlerFunc{quietRecovery(), l.saveLogs, l.auth} }
	afterNext := func(l *logIndex) []gin.HandlerFunc {
		return []gin.HandlerFunc{quietRecovery(), l.saveLogsAfterNext, l.auth}
	}
	cases := []struct {
		name      string
		chain     chain
		authorize bool
		panics    bool
		leftOver  int
	}{
		{"auth aborts, registered before the log middleware", authFirst, false, false, 1},
		{"auth aborts, registered after the log middleware", logFirst, false, false, 0},
		{"handler panics, recovery outermost, deferred delete", deferred, true, true, 0},
		{"handler panics, recovery outermost, delete after c.Next()", afterNext, true, true, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := &logIndex{lines: map[string][]string{}}
			r := gin.New()
			r.Use(tc.chain(l)...)
			r.GET("/export", func(c *gin.Context) {
				l.log(c.GetHeader("X-Trace-Id"), "exporting")
				if tc.panics {
					panic("export failed")
				}
				c.String(http.StatusOK, "done")
			})
			for i := range 10 {
				req := httptest.NewRequest(http.MethodGet, "/export", nil)
				req.Header.Set("X-Trace-Id", "trace-"+string(rune('a'+i)))
				if tc.authorize {
					req.Header.Set("Authorization", "Bearer x")
				}
				r.ServeHTTP(httptest.NewRecorder(), req)
			}
			t.Logf("%s: %d of 10 requests left their entry in the map", tc.name, l.size())
			if got := l.size(); got != tc.leftOver*10 {
				t.Errorf("%d entries left, want %d", got, tc.leftOver*10)
			}
		})
	}
}
