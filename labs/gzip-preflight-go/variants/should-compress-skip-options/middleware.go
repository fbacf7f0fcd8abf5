// Wrong: preflights are clean, but cors (running after gzip) sets Vary: Origin over gzip's Vary: Accept-Encoding.
// The API's middleware, as in the incident: compression first, then CORS.
package main

import (
	"compress/gzip"
	"strings"
	"time"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

func useMiddleware(r *gin.Engine) {
	r.Use(ginzip.Gzip(gzip.DefaultCompression, ginzip.WithCustomShouldCompressFn(func(c *gin.Context) bool {
		return c.Request.Method != "OPTIONS" && strings.Contains(c.GetHeader("Accept-Encoding"), "gzip")
	})))
	r.Use(cors.New(corsConfig()))
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
