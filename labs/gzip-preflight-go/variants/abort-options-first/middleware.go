// Wrong: a bare 204 for every OPTIONS ends the failed writes and the browser refuses it: no CORS headers.
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
	r.Use(func(c *gin.Context) {
		if c.Request.Method == "OPTIONS" {
			c.AbortWithStatus(204)
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
