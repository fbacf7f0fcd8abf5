// The storefront API. GET /api/products is a large JSON list (compressed when the client accepts gzip),
// PUT /api/cart takes a cart from the shop's web front, on another origin, so browsers send a CORS
// preflight (OPTIONS) first. The middleware is registered in middleware.go: that is the file to look at.
//
// Every response goes through watchWrites first, which logs what net/http refuses to write, the error
// gin-contrib/gzip ignores when it closes its writer. GET /debug/writes shows the count.
package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"
	kit "leakbook/kit/go"
)

// The origins the shop's front ends are served from.
var allowedOrigins = []string{"https://shop.example", "https://admin.shop.example"}

type writeWatch struct {
	failed atomic.Int64
	mu     sync.Mutex
	last   string
}

type watchedWriter struct {
	gin.ResponseWriter
	watch *writeWatch
	req   string
}

func (w *watchedWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	if err != nil {
		w.watch.fail(w.req, err)
	}
	return n, err
}

func (w *writeWatch) fail(req string, err error) {
	n := w.failed.Add(1)
	msg := fmt.Sprintf("%s: write failed: %v", req, err)
	w.mu.Lock()
	w.last = msg
	w.mu.Unlock()
	if n <= 3 || n%1000 == 0 {
		fmt.Fprintf(os.Stderr, "[api] %s (%d so far)\n", msg, n)
	}
}

func (w *writeWatch) middleware(c *gin.Context) {
	c.Writer = &watchedWriter{ResponseWriter: c.Writer, watch: w, req: c.Request.Method + " " + c.Request.URL.Path}
	c.Next()
}

func main() {
	kit.Serve(func(ctx *kit.Context) (http.Handler, func()) {
		watch := &writeWatch{}
		ctx.Gauge("failed writes", func() float64 { return float64(watch.failed.Load()) })

		return newEngine(watch), nil
	})
}

// newEngine: the watch first (it sees every write), then the lab's middleware, then the routes.
func newEngine(watch *writeWatch) *gin.Engine {
	r := gin.New()
	r.Use(watch.middleware)
	useMiddleware(r)

	r.GET("/api/products", func(c *gin.Context) {
		page, _ := strconv.Atoi(c.DefaultQuery("page", "1"))
		c.JSON(http.StatusOK, gin.H{"page": page, "products": products(page)})
	})
	r.PUT("/api/cart", func(c *gin.Context) {
		var cart struct {
			Items []struct {
				SKU string `json:"sku"`
				Qty int    `json:"qty"`
			} `json:"items"`
		}
		if err := c.ShouldBindJSON(&cart); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": "the cart must be JSON with items"})
			return
		}
		total := 0
		for _, it := range cart.Items {
			total += it.Qty
		}
		c.JSON(http.StatusOK, gin.H{"items": len(cart.Items), "quantity": total})
	})
	r.GET("/debug/writes", func(c *gin.Context) {
		watch.mu.Lock()
		last := watch.last
		watch.mu.Unlock()
		c.JSON(http.StatusOK, gin.H{"failed": watch.failed.Load(), "last": last})
	})
	return r
}

// products: a deterministic page of 40 products (a few KB of JSON, worth compressing).
func products(page int) []gin.H {
	out := make([]gin.H, 0, 40)
	for i := 0; i < 40; i++ {
		id := page*40 + i
		out = append(out, gin.H{
			"sku":         fmt.Sprintf("SKU-%05d", id),
			"name":        fmt.Sprintf("Product %d, colour %d", id, id%7),
			"price_cents": 199 + (id*37)%9000,
			"stock":       (id * 13) % 250,
		})
	}
	return out
}
