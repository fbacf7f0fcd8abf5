// The orders service. Every request and every report job writes log lines under a trace ID; the lines
// of one trace are uploaded to the file service together when its work is done, and lines written after
// that (a late audit line) follow in another upload under the same trace ID. The logging is in
// logging.go: that is the file to look at. work.go is the service's business code.
package main

import (
	"net/http"
	"path/filepath"

	"github.com/gin-gonic/gin"
	kit "leakbook/kit/go"
)

func main() {
	kit.Serve(func(ctx *kit.Context) (http.Handler, func()) {
		files := NewFileService(filepath.Join(ctx.Dir, "uploads"))
		setUploader(files.Upload)
		ctx.Gauge("log lines held", func() float64 { return float64(linesHeld()) })
		ctx.Gauge("lines uploaded", func() float64 { return float64(files.Lines()) })

		r := gin.New()
		r.Use(gin.CustomRecovery(func(c *gin.Context, err any) {
			c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
		}))
		r.Use(LoggingMiddleware())
		routes(r, ctx, files)
		return r, nil
	})
}
