// Real Gin through httptest: lookups with a late audit line, refunds that panic, report jobs. Once the
// work is done, no line may be left in the service, and every line must have been uploaded exactly once.
package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	kit "leakbook/kit/go"
)

func TestEveryLineLeavesOnce(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	files := NewFileService(t.TempDir())
	setUploader(files.Upload)
	r := gin.New()
	r.Use(gin.CustomRecovery(func(c *gin.Context, err any) { c.AbortWithStatus(http.StatusInternalServerError) }))
	r.Use(LoggingMiddleware())
	routes(r, &kit.Context{TimeScale: 0.01}, files)

	do := func(method, path, trace string) int {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("X-Trace-Id", trace)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w.Code
	}
	for i := 0; i < 20; i++ {
		do("GET", fmt.Sprintf("/orders/%d", i), fmt.Sprintf("lookup-%d", i))
		do("POST", fmt.Sprintf("/orders/%d/refund", i), fmt.Sprintf("refund-%d", i))
	}
	done := make(chan struct{})
	for i := 0; i < 4; i++ { // overlapping exports
		go func() {
			do("GET", fmt.Sprintf("/orders/%d/export", i), fmt.Sprintf("export-%d", i))
			done <- struct{}{}
		}()
	}
	for i := 0; i < 4; i++ {
		<-done
	}
	do("POST", "/admin/report/1", "scheduler")
	deadline := time.Now().Add(5 * time.Second)
	want := int64(20*3 + 10*1 + 10*2 + 4*2 + ReportLines) // lookups, failed and accepted refunds, exports, report
	for files.Lines() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if held := linesHeld(); held != 0 {
		t.Errorf("%d log lines are still held by the service after all work finished", held)
	}
	if got := files.Lines(); got != want {
		t.Errorf("%d lines uploaded, want %d", got, want)
	}
	for i := 0; i < 20; i++ {
		ups := files.Uploads(fmt.Sprintf("lookup-%d", i))
		if len(ups) != 2 || len(ups[0]) != 2 || len(ups[1]) != 1 {
			t.Fatalf("lookup %d uploaded %v, want its two lines, then the audit line", i, ups)
		}
	}
	for i := 0; i < 4; i++ {
		ups := files.Uploads(fmt.Sprintf("export-%d", i))
		if len(ups) != 1 || len(ups[0]) != 2 {
			t.Fatalf("export %d uploaded %v, want its own two lines once", i, ups)
		}
	}
}
