// The service's business code: it logs through Log(ctx, ...) and never knows how lines are stored.
package main

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	kit "leakbook/kit/go"
)

// ReportLines: what one run of the report job writes.
const ReportLines = 300

func routes(r *gin.Engine, ctx *kit.Context, files *FileService) {
	var jobs sync.WaitGroup
	r.GET("/orders/:id", func(c *gin.Context) {
		id := c.Param("id")
		Log(c, "lookup order "+id)
		Log(c, fmt.Sprintf("order %s: %d items", id, len(id)%5+1))
		// the audit trail is written after the response, on its own goroutine (with a copy of the context)
		cc := c.Copy()
		go func() {
			time.Sleep(ctx.Ms(5_000))
			Log(cc, "audit: order "+id+" viewed")
		}()
		c.JSON(http.StatusOK, gin.H{"order": id})
	})
	// An export takes a while: requests overlap, and each one's lines must stay its own.
	r.GET("/orders/:id/export", func(c *gin.Context) {
		id := c.Param("id")
		Log(c, "export of order "+id+" started")
		time.Sleep(ctx.Ms(2_000))
		Log(c, "export of order "+id+" finished")
		c.JSON(http.StatusOK, gin.H{"exported": id})
	})
	r.POST("/orders/:id/refund", func(c *gin.Context) {
		id := c.Param("id")
		Log(c, "refund requested for order "+id)
		if n, _ := strconv.Atoi(id); n%2 == 1 {
			panic("refund: payment provider returned an unexpected answer") // gin.Recovery answers 500
		}
		Log(c, "refund accepted for order "+id)
		c.JSON(http.StatusOK, gin.H{"refunded": id})
	})
	// The hourly report: a scheduler starts it; it is not a request.
	r.POST("/admin/report/:run", func(c *gin.Context) {
		run := c.Param("run")
		jobs.Add(1)
		go func() {
			defer jobs.Done()
			jctx, done := StartJob("job-report-" + run)
			defer done()
			for i := 0; i < ReportLines; i++ {
				Log(jctx, fmt.Sprintf("report %s: region %d totals computed", run, i))
			}
		}()
		c.JSON(http.StatusAccepted, gin.H{"trace": "job-report-" + run})
	})
	r.GET("/debug/uploads", func(c *gin.Context) {
		if trace := c.Query("trace"); trace != "" {
			c.JSON(http.StatusOK, gin.H{"uploads": files.Uploads(trace)})
			return
		}
		c.JSON(http.StatusOK, files.Summary())
	})
}
