// Right: one middleware, CORS then gzip; a preflight or a foreign origin is aborted by CORS before gzip sees it.
// The API's middleware: one handler that runs CORS, and compression only for a request CORS let through
// (a preflight or a foreign origin is aborted by CORS, so compression never sees it).
package main

import (
	"compress/gzip"
	"time"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

func useMiddleware(r *gin.Engine) {
	applyCors := cors.New(corsConfig())
	compress := ginzip.Gzip(gzip.DefaultCompression)
	r.Use(func(c *gin.Context) {
		applyCors(c) // sets the CORS headers; answers (and aborts) a preflight or a foreign origin
		if c.IsAborted() {
			return
		}
		compress(c) // runs the rest of the chain itself (c.Next)
	})
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
