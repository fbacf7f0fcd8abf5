// Wrong: the order is fixed, but the custom ShouldCompress tests Accept-Encoding == "gzip" exactly, so a
// browser that sends "gzip, deflate, br" (it accepts gzip) gets uncompressed responses.
// The API's middleware: CORS first, so a preflight is answered before compression sees it; compression
// decides per request with its own test.
package main

import (
	"compress/gzip"
	"net/http"
	"strings"
	"time"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

var _ = strings.Contains
var _ = http.MethodOptions

func shouldCompress(c *gin.Context) bool {
	// only clients that ask for gzip, never anything without a body
	return c.Request.Method != http.MethodOptions && c.Request.Method != http.MethodHead && c.GetHeader("Accept-Encoding") == "gzip"
}

func useMiddleware(r *gin.Engine) {
	r.Use(cors.New(corsConfig()))
	r.Use(ginzip.Gzip(gzip.DefaultCompression, ginzip.WithCustomShouldCompressFn(shouldCompress)))
}

func corsConfig() cors.Config {
	return cors.Config{
		AllowOrigins:     allowedOrigins,
		AllowMethods:     []string{"GET", "PUT"},
		AllowHeaders:     []string{"Content-Type", "X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           12 * time.Hour,
	}
}
