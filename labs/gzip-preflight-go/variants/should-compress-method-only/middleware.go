// Wrong: the custom function replaces the middleware's Accept-Encoding test, so every GET is gzipped.
// The API's middleware, as in the incident: compression first, then CORS.
package main

import (
	"compress/gzip"
	"time"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

func useMiddleware(r *gin.Engine) {
	r.Use(ginzip.Gzip(gzip.DefaultCompression, ginzip.WithCustomShouldCompressFn(func(c *gin.Context) bool {
		return c.Request.Method != "OPTIONS"
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
