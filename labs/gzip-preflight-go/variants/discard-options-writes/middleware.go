// Wrong: the refused write is hidden, but the preflight still says Content-Encoding: gzip and takes a writer.
// The API's middleware, as in the incident: compression first, then CORS.
package main

import (
	"compress/gzip"
	"time"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

type discardWriter struct{ gin.ResponseWriter }

func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }

func useMiddleware(r *gin.Engine) {
	r.Use(func(c *gin.Context) {
		if c.Request.Method == "OPTIONS" {
			c.Writer = discardWriter{c.Writer}
		}
	})
	r.Use(ginzip.Gzip(gzip.DefaultCompression))
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
