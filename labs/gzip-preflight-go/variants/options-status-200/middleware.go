// Wrong: with status 200 the write is allowed: preflights now carry a 23-byte gzip body instead.
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
		// 200 allows a body, so net/http no longer refuses the gzip header
		OptionsResponseStatusCode: 200,
	}
}
